// The "Escalate" button that the details, audit and portal cards offer: in the kernel, because cards of
// several capabilities show it and it needs nothing of the ticket capability but whether tickets are on.
import { hasRole, type Actor } from '../../domain/roles';
import { VERBS } from '../../domain/verbs';
import { loginOfActor, type UseCaseEnv } from './use-case';
import type { ActionButton } from './views';

/** The Escalate button, for cards of a user the viewer may escalate (not themselves), when tickets are on. */
export function escalateButton(env: UseCaseEnv<never>, viewer: Actor, login: string): ActionButton[] {
  if (!env.tickets || !hasRole(viewer.role, 'agent') || login.toLowerCase() === loginOfActor(viewer)) return [];
  return [{ verb: VERBS.ticketEscalate, label: 'Escalate', data: { user: login } }];
}
