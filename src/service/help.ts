// `help`: the commands this viewer may run; a non-agent is told they are not helpdesk staff.
import { USAGE_LINES } from './command-usage';
import { hasRole, type Role } from '../domain/roles';
import type { HelpView } from './views';

export function helpView(role: Role): HelpView {
  return {
    kind: 'help',
    role,
    commands: role === 'none' ? [] : USAGE_LINES.filter((c) => hasRole(role, c.role)).map(({ usage, description }) => ({ usage, description })),
  };
}
