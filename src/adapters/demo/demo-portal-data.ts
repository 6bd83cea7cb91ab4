// Realistic portal data for the demo directory, so every card has content in the local console on the
// first `npm start`: six weeks of self-service events per demo user (sign-ins from a usual address and
// client, the odd failed answer, a reset every few weeks), sync transactions with some failures,
// enrollments (answers sealed like real ones), one locked portal account (james.smithers), and one user
// whose last hour looks like a vishing attempt (maria.finance). Times are relative to `now`; deterministic.
// `npm run seed:demo` regenerates it (scripts/seed-demo.ts).
import type { EventCategory, PortalEventInput, SyncStatus } from '../../domain/portal';
import type { AnswerCipher } from '../../ports/answer-cipher.port';
import type { Store } from '../../ports/store.port';
import data from './demo-directory.json';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const WEEKS = 6;

export const DEMO_ATTACKER_IP = '203.0.113.7';
export const DEMO_LOCKED_PORTAL_USER = 'james.smithers';
export const DEMO_VISHING_USER = 'maria.finance';
const ATTACKER_CLIENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36';

const CLIENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/125.0 Safari/537.36 Edg/125.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
];
const QUESTIONS = [
  ['What was the name of your first pet?', 'Biscuit'],
  ['In which town was your first job?', 'Lyon'],
  ['What is your favourite book?', 'Middlemarch'],
  ['What was your childhood nickname?', 'Sparky'],
] as const;
const NOT_ENROLLED = new Set(['jane.smith', 'old.contractor', 'admin.root']);

/** A small deterministic PRNG (mulberry32) per user, so the demo data looks the same on every seed. */
function rng(seed: string): () => number {
  let a = [...seed].reduce((h, c) => (Math.imul(h ^ c.charCodeAt(0), 2654435761) >>> 0), 1779033703);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Draft {
  type: string;
  outcome?: 'success' | 'failure';
  at: number;
  ip?: string;
  userAgent?: string;
  detail?: string;
  category?: EventCategory;
  system?: string;
  operation?: string;
  status?: SyncStatus;
  error?: string;
}

function historyOf(login: string, index: number, now: number): Draft[] {
  const random = rng(login);
  const ip = `198.51.100.${20 + index}`;
  const userAgent = CLIENTS[index % CLIENTS.length] as string;
  const out: Draft[] = [];
  for (let d = WEEKS * 7; d >= 1; d--) {
    const day = now - d * DAY;
    if (new Date(day).getUTCDay() % 6 === 0) continue; // weekends off
    if (random() < 0.35) continue;
    const at = day - (day % DAY) + 7 * HOUR + Math.floor(random() * 120) * MIN;
    if (random() < 0.08) out.push({ type: 'challenge', outcome: 'failure', detail: 'questions', at: at - 2 * MIN, ip, userAgent });
    out.push({ type: 'challenge', detail: random() < 0.7 ? 'questions' : 'sms-code', at: at - MIN, ip, userAgent });
    out.push({ type: 'sign-in', at, ip, userAgent });
    if (random() < 0.06) {
      out.push({ type: 'password-reset', at: at + 2 * MIN, ip, userAgent });
      out.push({ type: 'sync', category: 'sync', system: 'active-directory', operation: 'set-password', status: 'succeeded', at: at + 2 * MIN + 1000 });
      const failed = random() < 0.4;
      out.push({
        type: 'sync', category: 'sync', system: 'google-workspace', operation: 'update-password', at: at + 2 * MIN + 3000,
        status: failed ? 'failed' : 'succeeded', ...(failed ? { error: 'HTTP 503 from admin.googleapis.com: backend unavailable, retry scheduled' } : {}),
      });
    }
  }
  return out;
}

function specialEvents(login: string, now: number): Draft[] {
  if (login === DEMO_VISHING_USER) {
    // A caller working through maria.finance's challenges from a new address and client, then changing her mobile.
    const from = { ip: DEMO_ATTACKER_IP, userAgent: ATTACKER_CLIENT };
    return [
      ...[48, 45, 41, 37].map((m) => ({ type: 'challenge', outcome: 'failure' as const, detail: 'questions', at: now - m * MIN, ...from })),
      { type: 'pin-verify', outcome: 'failure', detail: 'wrong PIN', at: now - 33 * MIN, ...from },
      { type: 'pin-verify', outcome: 'failure', detail: 'wrong PIN', at: now - 31 * MIN, ...from },
      { type: 'challenge', detail: 'sms-code', at: now - 20 * MIN, ...from },
      { type: 'enrollment-change', detail: 'mobile', at: now - 18 * MIN, ...from },
      { type: 'password-reset', at: now - 15 * MIN, ...from },
      { type: 'sync', category: 'sync', system: 'active-directory', operation: 'set-password', status: 'succeeded', at: now - 15 * MIN + 1000 },
      { type: 'sync', category: 'sync', system: 'google-workspace', operation: 'update-password', status: 'failed', error: 'HTTP 403: the account is suspended for suspicious activity', at: now - 15 * MIN + 3000 },
    ];
  }
  if (login === DEMO_LOCKED_PORTAL_USER) {
    return [
      ...[3, 2, 1, 0.5, 0].map((h, i) => ({ type: 'challenge', outcome: 'failure' as const, detail: 'questions', at: now - 3 * HOUR - h * 10 * MIN + i, ip: '192.0.2.44', userAgent: CLIENTS[1] })),
      { type: 'portal-lock', detail: 'after 5 failed attempts', at: now - 3 * HOUR + 10, ip: '192.0.2.44', userAgent: CLIENTS[1] },
      { type: 'sync', category: 'sync', system: 'active-directory', operation: 'unlock', status: 'failed', error: 'LDAP 50 insufficientAccessRights on OU=Sales', at: now - 2 * DAY },
    ];
  }
  // Three more portal lock-outs from the same address as the vishing attempt, earlier today.
  const lockedFromAttacker: Record<string, number> = { 'conor.obrien': 4, 'zoe.muller': 5, 'jane.smith': 6 };
  const hoursAgo = lockedFromAttacker[login];
  if (hoursAgo !== undefined) {
    return [{ type: 'portal-lock', detail: 'after 5 failed attempts', at: now - hoursAgo * HOUR, ip: DEMO_ATTACKER_IP, userAgent: ATTACKER_CLIENT }];
  }
  return [];
}

/** The demo users' logins (lower-case), from the demo directory file. */
export const DEMO_LOGINS: readonly string[] = data.users.map((u) => u.login.toLowerCase());

export async function hasDemoPortalData(store: Store): Promise<boolean> {
  return (await store.portalEvents.list({ user: 'john.doe', limit: 1 })).length > 0;
}

/** Writes the demo portal data (the store should hold none for the demo users). */
export async function seedDemoPortalData(store: Store, cipher: AnswerCipher, now: Date): Promise<{ events: number; users: number }> {
  const t = now.getTime();
  let events = 0;
  for (const [index, u] of data.users.entries()) {
    const user = u.login.toLowerCase();
    const drafts = [...historyOf(user, index, t), ...specialEvents(user, t)].sort((a, b) => a.at - b.at);
    const inputs: PortalEventInput[] = drafts.map((d, i) => ({
      eventId: `demo:${user}:${i}`,
      user,
      type: d.type,
      outcome: d.outcome ?? 'success',
      at: new Date(d.at),
      ...(d.ip ? { ip: d.ip } : {}),
      ...(d.userAgent ? { userAgent: d.userAgent } : {}),
      ...(d.detail ? { detail: d.detail } : {}),
      category: d.category ?? 'self-service',
      ...(d.system ? { system: d.system } : {}),
      ...(d.operation ? { operation: d.operation } : {}),
      ...(d.status ? { status: d.status } : {}),
      ...(d.error ? { error: d.error } : {}),
      unknownUser: false,
    }));
    events += await store.portalEvents.append(inputs);
    if (NOT_ENROLLED.has(user)) continue;
    const random = rng(`${user}/enrollment`);
    const start = Math.floor(random() * QUESTIONS.length);
    const chosen = [0, 1, 2].map((k) => QUESTIONS[(start + k) % QUESTIONS.length] as readonly [string, string]);
    const enrolledAt = new Date(t - (20 + Math.floor(random() * 60)) * DAY);
    await store.enrollments.replace(user, chosen.map(([question, answer]) => ({ question, answer: cipher.seal(user, answer) })), enrolledAt);
    const locked = user === DEMO_LOCKED_PORTAL_USER;
    const lockedAt = new Date(t - 3 * HOUR + 10);
    await store.portalAccounts.put({
      user,
      enrolled: true,
      methods: 'mobile' in u && u.mobile ? ['questions', 'mobile'] : ['questions'],
      updatedAt: locked ? lockedAt : enrolledAt,
    });
    if (locked) await store.portalAccounts.setLock(user, { locked, lockedAt, failedAttempts: 5 }, lockedAt);
  }
  return { events, users: data.users.length };
}
