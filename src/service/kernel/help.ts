// `help`: the commands this viewer may run; a non-agent is told they are not helpdesk staff.
import { type Capability, USAGE_LINES } from './command-usage';
import { hasRole, type Role } from '../../domain/roles';
import type { HelpView } from './views';

/** Only what this viewer may run and this installation can do: no `tap` without Graph, no SMS commands without a sender. */
export function helpView(role: Role, has: (capability: Capability) => boolean): HelpView {
  return {
    kind: 'help',
    role,
    commands:
      role === 'none'
        ? []
        : USAGE_LINES.filter((c) => hasRole(role, c.role) && (c.needs === undefined || has(c.needs))).map(({ usage, description }) => ({ usage, description })),
  };
}
