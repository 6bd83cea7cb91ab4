// `locked`: the accounts locked out now, newest lock first, a page at a time. AD accounts come from one
// indexed query (lockoutTime>=1, every page) and each lock is judged under the user's effective policy
// (domain or PSO: a duration of 0 holds until unlocked); portal accounts come from the store's locks.
// Each row's Unlock button leads to the same confirm step as `unlock` / `unlock-portal` (roles,
// protection, change limits are checked there, on the press). "More" carries only a cursor.
import type { DirectoryEntry } from '../../domain/directory-user';
import type { LockoutPolicy } from '../../domain/lockout-policy';
import { VERBS } from '../../domain/verbs';
import type { Directory } from '../../ports/directory.port';
import type { Store } from '../../ports/store.port';
import { commandRoute, pressRoute, type ActionButton, type DeskListView, type DeskRow, type UseCaseCall } from '../kernel';

export const LOCKED_PAGE_SIZE = 10;
/** Portal locks read at most (newest first): more than a helpdesk pages through. */
const MAX_PORTAL_LOCKS = 1000;

/** One account locked now. */
export interface LockedAccount {
  readonly login: string;
  readonly displayName: string;
  readonly department?: string;
  readonly where: 'ad' | 'portal';
  readonly lockedAt: Date;
  /** When AD releases it by itself; undefined: until unlocked (always, for the portal). */
  readonly endsAt?: Date;
  /** The directory entry (AD rows, and portal rows of users the directory knows). */
  readonly entry?: DirectoryEntry;
}

/** The lock's end under the effective policy (undefined: until unlocked); the entry's own when no policy is stated. */
function lockEnd(entry: DirectoryEntry, lockedAt: Date, policy: LockoutPolicy | undefined): Date | undefined {
  if (!policy) return entry.account.lockoutEndsAt;
  return policy.durationMs !== undefined ? new Date(lockedAt.getTime() + policy.durationMs) : undefined;
}

/**
 * The AD accounts whose lock holds at `now`, newest first: what `locked` lists and what the alerts' poller
 * watches. One paged, indexed query that brings each locked user's effective policy (its PSO, else the
 * domain's) along: no directory read per user.
 */
export async function lockedNow(deps: { readonly directory: Directory }, now: Date): Promise<LockedAccount[]> {
  const locked = (await deps.directory.lockedOut()).filter(({ entry }) => entry.account.locked && entry.account.lockedAt !== undefined);
  const judged = locked.map(({ entry, policy }): LockedAccount | undefined => {
    const lockedAt = entry.account.lockedAt as Date;
    const endsAt = lockEnd(entry, lockedAt, policy);
    if (endsAt !== undefined && endsAt.getTime() <= now.getTime()) return undefined;
    return {
      login: entry.sAMAccountName,
      displayName: entry.displayName,
      ...(entry.organisation.department ? { department: entry.organisation.department } : {}),
      where: 'ad',
      lockedAt,
      ...(endsAt ? { endsAt } : {}),
      entry,
    };
  });
  return judged.filter((a): a is LockedAccount => a !== undefined).sort(newestFirst);
}

/** The portal's locks, newest first (their names filled in by the caller for the shown page only). */
async function portalLocks(store: Pick<Store, 'portalAccounts'>): Promise<LockedAccount[]> {
  const locks = await store.portalAccounts.locked(MAX_PORTAL_LOCKS);
  return locks.map((l) => ({ login: l.user, displayName: l.user, where: 'portal' as const, lockedAt: l.lockedAt }));
}

function newestFirst(a: LockedAccount, b: LockedAccount): number {
  return b.lockedAt.getTime() - a.lockedAt.getTime() || a.where.localeCompare(b.where) || a.login.localeCompare(b.login);
}

/** The cursor a row leaves for "More": its lock time, where, and login (the list's own order). */
function cursorOf(a: LockedAccount): string {
  return `${a.lockedAt.getTime()}.${a.where}.${a.login}`;
}

function isAfter(a: LockedAccount, cursor: string): boolean {
  const m = /^(\d{1,15})\.(ad|portal)\.(.{1,256})$/s.exec(cursor);
  if (!m) return true;
  const at = Number(m[1]);
  const key: LockedAccount = { login: m[3] ?? '', displayName: '', where: m[2] as 'ad' | 'portal', lockedAt: new Date(at) };
  return newestFirst(key, a) < 0;
}

async function withNames(directory: Directory, a: LockedAccount): Promise<LockedAccount> {
  if (a.entry) return a;
  const entry = await directory.findByLogin(a.login).catch(() => null);
  return entry
    ? { ...a, login: entry.sAMAccountName, displayName: entry.displayName, ...(entry.organisation.department ? { department: entry.organisation.department } : {}), entry }
    : a;
}

function row(a: LockedAccount): DeskRow {
  const unlock: ActionButton = {
    verb: a.where === 'ad' ? VERBS.accountUnlock : VERBS.portalUnlock,
    label: a.where === 'ad' ? 'Unlock' : 'Unlock portal',
    data: { user: a.login },
  };
  return {
    heading: a.displayName && a.displayName !== a.login ? `${a.displayName} (${a.login})` : a.login,
    facts: [
      { label: 'Locked', text: a.where === 'ad' ? 'Active Directory' : 'Self-service portal' },
      { label: 'Since', at: a.lockedAt.toISOString() },
      a.endsAt ? { label: 'Until', at: a.endsAt.toISOString() } : { label: 'Until', text: 'unlocked by the helpdesk' },
      ...(a.department ? [{ label: 'Department', text: a.department }] : []),
    ],
    tone: 'default',
    actions: [{ verb: VERBS.userShow, label: 'Show', data: { user: a.login } }, unlock],
  };
}

export async function lockedList(call: UseCaseCall, cursor?: string): Promise<DeskListView> {
  const { env, subject } = call;
  const now = env.clock.now();
  const [ad, portal] = await Promise.all([lockedNow(env, now), portalLocks(env.store)]);
  const all = [...ad, ...portal].sort(newestFirst);
  const rest = cursor === undefined ? all : all.filter((a) => isAfter(a, cursor));
  const page = await Promise.all(rest.slice(0, LOCKED_PAGE_SIZE).map((a) => withNames(env.directory, a)));
  const last = page[page.length - 1];
  subject.detail = `${all.length} locked (${ad.length} AD, ${portal.length} portal); ${page.length} shown${cursor !== undefined ? ' (more)' : ''}`;
  return {
    kind: 'desk-list',
    list: 'locked',
    title: 'Locked out now',
    subtitle: `${all.length} account${all.length === 1 ? '' : 's'} (${ad.length} Active Directory, ${portal.length} portal) · newest first${cursor !== undefined ? ' · continued' : ''}`,
    emptyText: cursor !== undefined ? 'No more locked accounts.' : 'No account is locked out now.',
    rows: page.map(row),
    continued: cursor !== undefined,
    actions: rest.length > LOCKED_PAGE_SIZE && last ? [{ verb: VERBS.lockedMore, label: 'More', data: { cursor: cursorOf(last) } }] : [],
  };
}

export const lockedRoutes = [
  commandRoute('locked', { action: 'desk.locked', target: () => undefined, run: (call) => lockedList(call) }),
  pressRoute(VERBS.lockedMore, { action: 'desk.locked', target: () => undefined, run: (call, data) => lockedList(call, data.cursor ?? '') }),
];
