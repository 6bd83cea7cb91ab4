// Slack user → chat identity: the user's e-mail from `users.info` (scope users:read.email) is the login
// the service maps to a directory user. Cached briefly; roles are not cached here — the service
// re-checks them from the directory on every command and every button press.
import { webApi } from '@slack/bolt';
import { viewerTimeZone } from '../../domain/time-text';
import type { ChatIdentity } from '../../service/kernel';

export const IDENTITY_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

/** The workspace (or Enterprise Grid org) the app is installed in, from auth.test. */
export interface Installation {
  readonly teamId?: string;
  readonly enterpriseId?: string;
}

type UsersInfo = Pick<webApi.WebClient, 'users'>;

interface Entry {
  readonly expiresAt: number;
  readonly identity: Promise<ChatIdentity>;
}

export interface SlackIdentityOptions {
  readonly ttlMs?: number;
  readonly now?: () => number;
}

export class SlackIdentityResolver {
  private readonly cache = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: SlackIdentityOptions = {}) {
    this.ttlMs = options.ttlMs ?? IDENTITY_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * The identity of a Slack user. `login` is set only for a live, non-bot member of the installation's
   * own workspace (or org) with a confirmed e-mail; anyone else gets no login, so the service refuses
   * them. Throws when Slack cannot be asked (the failure is not cached).
   */
  resolve(client: UsersInfo, userId: string, installation: Installation): Promise<ChatIdentity> {
    const key = `${installation.enterpriseId ?? ''}/${installation.teamId ?? ''}/${userId}`;
    const now = this.now();
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > now) return hit.identity;
    if (hit) this.cache.delete(key);
    const identity = lookUp(client, userId, installation);
    this.cache.set(key, { expiresAt: now + this.ttlMs, identity });
    identity.catch(() => this.cache.delete(key));
    while (this.cache.size > MAX_ENTRIES) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return identity;
  }

  clear(): void {
    this.cache.clear();
  }
}

/** users.info errors that mean "no such user for us", not "Slack could not answer". */
const NOBODY = new Set(['user_not_found', 'user_not_visible', 'users_not_found']);

function isNobody(err: unknown): boolean {
  const e = err as { code?: unknown; data?: { error?: unknown } };
  return e.code === webApi.ErrorCode.PlatformError && typeof e.data?.error === 'string' && NOBODY.has(e.data.error);
}

async function lookUp(client: UsersInfo, userId: string, installation: Installation): Promise<ChatIdentity> {
  const base: ChatIdentity = { chatUserId: userId };
  let answer: Awaited<ReturnType<UsersInfo['users']['info']>>;
  try {
    answer = await client.users.info({ user: userId });
  } catch (err) {
    if (isNobody(err)) return base;
    throw err;
  }
  const user = answer.user;
  if (!answer.ok || !user) return base;
  const displayName = user.profile?.display_name || user.profile?.real_name || user.real_name || user.name;
  const timeZone = viewerTimeZone(user.tz);
  const named: ChatIdentity = { ...base, ...(displayName ? { displayName } : {}), ...(timeZone ? { timeZone } : {}) };
  const sameWorkspace =
    (installation.teamId !== undefined && user.team_id === installation.teamId) ||
    (installation.enterpriseId !== undefined && user.enterprise_user?.enterprise_id === installation.enterpriseId);
  const email = user.profile?.email?.trim();
  if (!sameWorkspace || user.deleted || user.is_bot || user.is_email_confirmed === false || !email) return named;
  return { ...named, login: email };
}
