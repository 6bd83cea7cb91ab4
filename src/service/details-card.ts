// The details card of one user, as `user <query>` and a pick-list press both answer it: the directory's
// view, then the self-service portal section, the caller-verification line and the linked Entra account.
import type { Actor } from '../domain/roles';
import { withCallerVerification } from './caller-verification';
import { withEntra } from './entra-section';
import { withPortal } from './portal-section';
import type { Target } from './target-resolver';
import type { UseCaseEnv } from './use-case';
import { userDetailsView } from './user-details';
import type { UserDetailsView } from './views';

/** `timeZone`: the viewer's (RequestContext.timeZone), for the times in the vishing indicators. */
export async function detailsCard(env: UseCaseEnv, viewer: Actor, target: Target, timeZone?: string): Promise<UserDetailsView> {
  const withPortalSection = await withPortal(env, viewer, target, userDetailsView(viewer, target), timeZone);
  return withEntra(env, viewer, target, await withCallerVerification(env, withPortalSection));
}
