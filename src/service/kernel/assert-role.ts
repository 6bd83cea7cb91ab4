// The role check every route runs (and a confirmation re-runs for the action its token names).
import { HelpdeskError } from '../../domain/errors';
import { hasRole, type Actor, type Role } from '../../domain/roles';

export function assertRole(actor: Actor, needed: Role, action: string): void {
  if (hasRole(actor.role, needed)) return;
  if (actor.role === 'none') throw new HelpdeskError('AUTH.NOT_STAFF');
  throw new HelpdeskError('AUTH.FORBIDDEN', undefined, { action, role: needed });
}
