// The details card of one user, as `user <query>` and a pick-list press both answer it: the directory's
// view, then the self-service portal section, the caller-verification line and the linked Entra account.
import { portalUserKey } from '../../domain/portal';
import type { Actor } from '../../domain/roles';
import type { DirectoryEntry } from '../../domain/directory-user';
import { verifiedSince, withCallerVerification, withProtections, type UseCaseEnv, type UserDetailsView } from '../kernel';
import { indicatorsFromCard, indicatorWindow } from '../portal-data';
import { withEntra } from './entra-section';
import { withPortal } from './portal-section';
import { userDetailsView } from './user-details';

/**
 * The card of the user `entry` found. `timeZone`: the viewer's (RequestContext.timeZone), for the times in
 * the vishing indicators.
 */
export async function detailsCard(env: UseCaseEnv, viewer: Actor, entry: DirectoryEntry, timeZone?: string): Promise<UserDetailsView> {
  // The store's part of the card in one read, made while the directory walks the user's groups (the
  // protection check): `user` is the bot's most frequent answer, and neither waits for the other.
  const now = env.clock.now();
  const key = portalUserKey(entry.sAMAccountName);
  const [target, state] = await Promise.all([
    withProtections(env.directory, entry, viewer, env.settings.protection),
    env.store.portalCards.read({
      user: key,
      ...indicatorWindow(now),
      callerVerified: { user: entry.sAMAccountName.toLowerCase(), since: verifiedSince(env, now) },
    }),
  ]);
  const indicators = await indicatorsFromCard(env, key, now, state, timeZone);
  const withPortalSection = withPortal(env, viewer, target, userDetailsView(viewer, target), state, indicators);
  return withEntra(env, viewer, target, withCallerVerification(withPortalSection, state.callerVerifiedAt));
}
