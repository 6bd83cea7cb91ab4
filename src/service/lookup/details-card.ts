// The details card of one user, as `user <query>` and a pick-list press both answer it: the directory's
// view, then the self-service portal section, the caller-verification line and the linked Entra account.
import type { Actor } from '../../domain/roles';
import { withCallerVerification, type Target, type UseCaseEnv, type UserDetailsView } from '../kernel';
import { withEntra } from './entra-section';
import { withPortal } from './portal-section';
import { userDetailsView } from './user-details';

/** `timeZone`: the viewer's (RequestContext.timeZone), for the times in the vishing indicators. */
export async function detailsCard(env: UseCaseEnv, viewer: Actor, target: Target, timeZone?: string): Promise<UserDetailsView> {
  const withPortalSection = await withPortal(env, viewer, target, userDetailsView(viewer, target), timeZone);
  return withEntra(env, viewer, target, await withCallerVerification(env, withPortalSection));
}
