// A portal-data command's <user> → whose events to read. A directory user is read under their
// sAMAccountName; a login the directory does not know is still shown when the portal sent events for it
// (those events were accepted but flagged), so an agent can see what a caller's login was used for.
import { HelpdeskError, isHelpdeskError } from '../../domain/errors';
import { portalUserKey } from '../../domain/portal';
import { findOne, type UseCaseCall, type PortalTargetView } from '../kernel';

export interface PortalTarget {
  /** The key the store files the user's portal data under. */
  readonly key: string;
  readonly view: PortalTargetView;
}

export async function portalTarget({ env, subject }: UseCaseCall<'portalEvents'>, login: string): Promise<PortalTarget> {
  try {
    const entry = await findOne(env.directory, login);
    subject.target = entry.sAMAccountName;
    return {
      key: portalUserKey(entry.sAMAccountName),
      view: { login: entry.sAMAccountName, displayName: entry.displayName, inDirectory: true },
    };
  } catch (err) {
    if (!isHelpdeskError(err) || err.code !== 'DIR.USER_NOT_FOUND') throw err;
    const key = portalUserKey(login);
    const any = await env.store.portalEvents.list({ user: key, limit: 1 });
    if (any.length === 0) throw new HelpdeskError('DIR.USER_NOT_FOUND', undefined, { query: login.slice(0, 80) });
    subject.target = key;
    subject.detail = 'not in the directory';
    return { key, view: { login: key, displayName: key, inDirectory: false } };
  }
}
