// `expiring [days]`: users whose password expires within that many days (default 7) or has expired, or
// must be changed at next logon, soonest first, a page at a time; "never expires" accounts are left out
// (the directory's query does that, under the effective policy: the domain's maxPwdAge or the user's PSO).
// "Text a reminder" (where the user has a mobile) texts the date and the portal's address, never a link
// that asks for a password; one per user within REMIND_WINDOW_MS, claimed in the store.
import type { DirectoryEntry } from '../../domain/directory-user';
import { HelpdeskError } from '../../domain/errors';
import { VERBS } from '../../domain/verbs';
import { commandRoute, findOne, nameOf, pressRoute, type DeskListView, type DeskRow, type ResultView, type UseCaseCall, type UseCaseEnv } from '../kernel';
import { showUserButton, targetOf } from '../lookup';
import { maskedMobileOf, textUser } from '../secrets';

export const EXPIRING_PAGE_SIZE = 10;
export const DEFAULT_EXPIRING_DAYS = 7;
const DAY_MS = 24 * 3_600_000;
/** An agent's reminder to one user: at most one within this window, whoever presses. */
const REMIND_WINDOW_MS = 12 * 3_600_000;

/** When the password stops working: expired or expiring at a time, or "must change" (no date). */
function expiryOf(e: DirectoryEntry): number {
  return e.account.passwordMustChange ? 0 : (e.account.passwordExpiresAt?.getTime() ?? Number.MAX_SAFE_INTEGER);
}

function soonestFirst(a: DirectoryEntry, b: DirectoryEntry): number {
  return expiryOf(a) - expiryOf(b) || a.sAMAccountName.localeCompare(b.sAMAccountName);
}

/** Users whose password expires before now + days (or has, or must be changed), soonest first. */
export async function expiringWithin(env: Pick<UseCaseEnv, 'directory' | 'clock'>, days: number): Promise<DirectoryEntry[]> {
  const before = new Date(env.clock.now().getTime() + days * DAY_MS);
  return (await env.directory.expiringPasswords(before)).sort(soonestFirst);
}

function hasMobile(e: DirectoryEntry): boolean {
  return (e.contact.mobile ?? '').replace(/\D/g, '').length >= 6;
}

function row(e: DirectoryEntry, now: Date, canText: boolean): DeskRow {
  const expires = e.account.passwordExpiresAt;
  const expired = e.account.passwordMustChange || (expires !== undefined && expires.getTime() <= now.getTime());
  return {
    heading: nameOf(e),
    facts: [
      e.account.passwordMustChange
        ? { label: 'Password', text: 'must be changed at next logon' }
        : { label: expired ? 'Expired' : 'Expires', ...(expires ? { at: expires.toISOString() } : { text: 'unknown' }) },
      ...(e.organisation.department ? [{ label: 'Department', text: e.organisation.department }] : []),
      { label: 'Mobile', text: hasMobile(e) ? maskedMobileOf(e) : 'none in the directory' },
    ],
    tone: expired ? 'attention' : 'default',
    actions: [
      { verb: VERBS.userShow, label: 'Show', data: { user: e.sAMAccountName } },
      ...(canText && hasMobile(e) && !e.account.passwordMustChange ? [{ verb: VERBS.expiryRemind, label: 'Text a reminder', data: { user: e.sAMAccountName } }] : []),
    ],
  };
}

function isAfter(e: DirectoryEntry, cursor: string): boolean {
  const m = /^(\d{1,16})\.(.{1,256})$/s.exec(cursor);
  if (!m) return true;
  const at = Number(m[1]);
  return expiryOf(e) > at || (expiryOf(e) === at && e.sAMAccountName.localeCompare(m[2] ?? '') > 0);
}

export async function expiringList(call: UseCaseCall, days: number, cursor?: string): Promise<DeskListView> {
  const { env, subject } = call;
  const now = env.clock.now();
  const all = await expiringWithin(env, days);
  const rest = cursor === undefined ? all : all.filter((e) => isAfter(e, cursor));
  const page = rest.slice(0, EXPIRING_PAGE_SIZE);
  const last = page[page.length - 1];
  subject.detail = `${all.length} within ${days} days; ${page.length} shown${cursor !== undefined ? ' (more)' : ''}`;
  return {
    kind: 'desk-list',
    list: 'expiring',
    title: `Passwords expiring within ${days} day${days === 1 ? '' : 's'}`,
    subtitle: `${all.length} user${all.length === 1 ? '' : 's'}, expired ones included · soonest first${cursor !== undefined ? ' · continued' : ''}`,
    emptyText: cursor !== undefined ? 'No more users.' : `No password expires within ${days} day${days === 1 ? '' : 's'}.`,
    rows: page.map((e) => row(e, now, env.sms !== undefined)),
    continued: cursor !== undefined,
    actions: rest.length > EXPIRING_PAGE_SIZE && last
      ? [{ verb: VERBS.expiringMore, label: 'More', data: { days: String(days), cursor: `${expiryOf(last)}.${last.sAMAccountName}` } }]
      : [],
  };
}

/** The reminder's text: the organisation, the date (UTC) and where to change it. Never a link that asks for a password. */
export function reminderText(env: Pick<UseCaseEnv, 'settings'>, expiresAt: Date): string {
  const org = env.settings.orgName;
  const where = env.settings.portalUrl ? `at ${env.settings.portalUrl}` : 'on the self-service portal';
  const date = expiresAt.toISOString().slice(0, 10);
  return `${org.charAt(0).toUpperCase()}${org.slice(1)}: your password expires on ${date} (UTC). Change it ${where} or on your computer. We never ask for your password by text or phone.`;
}

export async function remind(call: UseCaseCall, login: string): Promise<ResultView> {
  const { env, subject } = call;
  const user = await findOne(env.directory, login);
  subject.target = user.sAMAccountName;
  const expires = user.account.passwordExpiresAt;
  if (!expires || user.account.passwordMustChange) {
    throw new HelpdeskError('CMD.NOT_AVAILABLE', 'no expiry date to remind of', { command: `a reminder for ${nameOf(user)} (no expiry date)` });
  }
  const claim = await env.store.quotas.take(`expiry-remind:${user.sAMAccountName.toLowerCase()}`, 1, REMIND_WINDOW_MS, env.clock.now());
  if (!claim.ok) {
    subject.detail = 'already reminded';
    return { kind: 'result', outcome: 'cancelled', title: 'Already reminded', message: `${nameOf(user)} was sent a reminder within the last 12 hours: no second text.`, target: targetOf(user), actions: [showUserButton(user)] };
  }
  try {
    await textUser(call, user, reminderText(env, expires), 'Try again later');
  } catch (err) {
    await env.store.quotas.giveBack(claim.place);
    throw err;
  }
  subject.detail = `reminder by sms to ${maskedMobileOf(user)}`;
  return {
    kind: 'result',
    outcome: 'success',
    title: 'Reminder sent',
    message: `${nameOf(user)} was texted at ${maskedMobileOf(user)} that their password expires on ${expires.toISOString().slice(0, 10)}.`,
    target: targetOf(user),
    actions: [showUserButton(user)],
  };
}

function daysOf(data: Readonly<Record<string, string>>): number {
  return /^\d{1,3}$/.test(data.days ?? '') && Number(data.days) >= 1 ? Number(data.days) : DEFAULT_EXPIRING_DAYS;
}

export const expiringRoutes = [
  commandRoute('expiring', { action: 'desk.expiring', target: () => undefined, run: (call, c) => expiringList(call, c.days) }),
  pressRoute(VERBS.expiringMore, { action: 'desk.expiring', target: () => undefined, run: (call, data) => expiringList(call, daysOf(data), data.cursor ?? '') }),
  pressRoute(VERBS.expiryRemind, { action: 'expiry.remind', run: (call, data) => remind(call, data.user ?? '') }),
];
