// The demo directory: a JSON file of realistic users and helpdesk staff, held in memory. It answers like
// Active Directory (same search keys, transitive groups, lock state) and marks every entry source 'demo',
// so every card says so. Changes (unlock, reset) live only as long as the process.
import type { AccountState, DirectoryEntry, GroupRef } from '../../domain/directory-user';
import { HelpdeskError } from '../../domain/errors';
import type { LockoutPolicy } from '../../domain/lockout-policy';
import type { PasswordRules } from '../../domain/password-rules';
import type { Clock } from '../../ports/clock.port';
import type { Directory, GroupMatches, LockedOutEntry } from '../../ports/directory.port';
import data from './demo-directory.json';

interface DemoUser {
  login: string;
  givenName: string;
  surname: string;
  department?: string;
  title?: string;
  company?: string;
  office?: string;
  telephoneNumber?: string;
  mobile?: string;
  groups: string[];
  manager?: string;
  proxyAddresses?: string[];
  disabled?: boolean;
  locked?: { minutesAgo: number; badPwdCount: number; durationMinutes: number };
  passwordExpiredDaysAgo?: number;
}

interface DemoState {
  lockedAt?: Date;
  lockoutEndsAt?: Date;
  badPwdCount: number;
  passwordLastSet: Date;
  mustChange: boolean;
  passwordExpiresAt: Date;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const PASSWORD_MAX_AGE_DAYS = 90;

export class DemoDirectory implements Directory {
  readonly source = 'demo' as const;
  private readonly users: DemoUser[] = data.users as DemoUser[];
  private readonly parents = new Map(data.groups.map((g) => [g.name.toLowerCase(), g.memberOf]));
  private readonly state = new Map<string, DemoState>();
  private readonly startedAt: Date;

  constructor(private readonly clock: Clock) {
    this.startedAt = clock.now();
    const t0 = this.startedAt.getTime();
    for (const u of this.users) {
      const lastSet = new Date(t0 - (u.passwordExpiredDaysAgo !== undefined ? PASSWORD_MAX_AGE_DAYS + u.passwordExpiredDaysAgo : 20) * DAY);
      this.state.set(u.login, {
        ...(u.locked
          ? {
              lockedAt: new Date(t0 - u.locked.minutesAgo * MINUTE),
              // A duration of 0 is AD's "locked until an administrator unlocks it".
              ...(u.locked.durationMinutes > 0 ? { lockoutEndsAt: new Date(t0 + (u.locked.durationMinutes - u.locked.minutesAgo) * MINUTE) } : {}),
            }
          : {}),
        badPwdCount: u.locked?.badPwdCount ?? 0,
        passwordLastSet: lastSet,
        mustChange: false,
        passwordExpiresAt: new Date(lastSet.getTime() + PASSWORD_MAX_AGE_DAYS * DAY),
      });
    }
  }

  async search(query: string, limit: number): Promise<DirectoryEntry[]> {
    const q = query.trim().toLowerCase();
    if (!q || q.length > 256) return [];
    // The same keys as Active Directory: exact logins and proxy addresses (as shown: "smtp:…"), name
    // prefixes, logins containing the query folded to ASCII, phone numbers ending with its 7+ digits.
    const address = q.replace(/^smtp:/, '');
    const folded = fold(q);
    const digits = /^[\d\s+().\-/]+$/.test(q) ? q.replace(/\D/g, '') : '';
    const hits = this.users.filter((u) => {
      const proxies = [`SMTP:${this.upn(u)}`, ...(u.proxyAddresses ?? [])].map((p) => p.toLowerCase());
      const exact = [u.login, this.upn(u)].some((v) => v.toLowerCase() === address) || proxies.includes(q) || proxies.includes(`smtp:${q}`);
      // Names by prefix, accents ignored on both sides ("garcia" finds García), as AD's folded search does.
      const prefix = [`${u.givenName} ${u.surname}`, u.givenName, u.surname].some((v) => fold(v.toLowerCase()).startsWith(folded));
      const ascii = folded.length >= 3 && /^[a-z0-9._'-]+$/.test(folded) && [u.login, this.upn(u)].some((v) => v.toLowerCase().includes(folded));
      const phone = digits.length >= 7 && digits.length <= 15 && [u.telephoneNumber, u.mobile].some((p) => p !== undefined && p.replace(/\D/g, '').endsWith(digits));
      return exact || prefix || ascii || phone;
    });
    return hits.slice(0, Math.max(0, limit)).map((u) => this.entry(u));
  }

  async findByLogin(login: string): Promise<DirectoryEntry | null> {
    const q = login.trim().toLowerCase();
    const user = this.users.find((u) => u.login.toLowerCase() === q || this.upn(u).toLowerCase() === q);
    return user ? this.entry(user) : null;
  }

  async resolveGroups(names: readonly string[]): Promise<GroupMatches[]> {
    return names.map((name) => {
      const n = name.trim().toLowerCase();
      const groups = data.groups
        .filter((g) => g.name.toLowerCase() === n || this.groupDn(g.name).toLowerCase() === n)
        .map((g) => ({ id: this.groupDn(g.name), name: g.name }));
      return { name, groups };
    });
  }

  /** The demo file has no bind account. */
  async serviceAccount(): Promise<string | undefined> {
    return undefined;
  }

  async groupsOf(dn: string): Promise<GroupRef[]> {
    const user = this.byDn(dn);
    const seen = new Set<string>();
    const walk = (name: string) => {
      if (seen.has(name.toLowerCase())) return;
      seen.add(name.toLowerCase());
      for (const parent of this.parents.get(name.toLowerCase()) ?? []) walk(parent);
    };
    user.groups.forEach(walk);
    const names = data.groups.map((g) => g.name).filter((n) => seen.has(n.toLowerCase()));
    return names.map((name) => ({ id: this.groupDn(name), name }));
  }

  async unlock(dn: string): Promise<void> {
    const s = this.stateOf(this.byDn(dn));
    delete s.lockedAt;
    delete s.lockoutEndsAt;
    s.badPwdCount = 0;
  }

  /** The demo file has no passwords: enrollment by password never succeeds there (a helpdesk PIN does). */
  async checkPassword(): Promise<boolean> {
    return false;
  }

  /** What setPassword below enforces. */
  async passwordRules(): Promise<PasswordRules> {
    return { minLength: 8, complexity: false, history: 0 };
  }

  async userPasswordRules(): Promise<undefined> {
    return undefined;
  }

  /** The policy the demo data's locks follow (as the test domain's: 3 wrong passwords, until an administrator unlocks). */
  async lockoutPolicy(): Promise<LockoutPolicy> {
    return { threshold: 3, observationWindowMs: 30 * MINUTE, durationMs: undefined, source: 'domain' };
  }

  async setPassword(dn: string, password: string, options: { mustChange: boolean }): Promise<void> {
    if (password.length < 8) throw new HelpdeskError('DIR.PASSWORD_POLICY');
    const s = this.stateOf(this.byDn(dn));
    const now = this.clock.now();
    s.passwordLastSet = now;
    s.mustChange = options.mustChange;
    s.passwordExpiresAt = new Date(now.getTime() + PASSWORD_MAX_AGE_DAYS * DAY);
  }

  /** The demo users' UPN and mail suffix. */
  get domain(): string {
    return data.domain;
  }

  async lockedOut(): Promise<LockedOutEntry[]> {
    const policy = await this.lockoutPolicy();
    return this.users.map((u) => this.entry(u)).filter((e) => e.account.locked).map((entry) => ({ entry, policy }));
  }

  async expiringPasswords(before: Date): Promise<DirectoryEntry[]> {
    return this.users
      .map((u) => this.entry(u))
      .filter((e) => e.account.enabled && (e.account.passwordMustChange || (e.account.passwordExpiresAt !== undefined && e.account.passwordExpiresAt < before)));
  }

  async ping(): Promise<void> {}
  async close(): Promise<void> {}

  private upn(u: DemoUser): string {
    return `${u.login}@${data.domain}`;
  }

  private dn(u: DemoUser): string {
    return `CN=${u.givenName} ${u.surname},OU=Demo Users,DC=demo,DC=example`;
  }

  private groupDn(name: string): string {
    return demoGroupDn(name);
  }

  private byDn(dn: string): DemoUser {
    const user = this.users.find((u) => this.dn(u).toLowerCase() === dn.toLowerCase());
    if (!user) throw new HelpdeskError('DIR.USER_NOT_FOUND', undefined, { query: dn });
    return user;
  }

  private stateOf(u: DemoUser): DemoState {
    return this.state.get(u.login) as DemoState;
  }

  private entry(u: DemoUser): DirectoryEntry {
    const s = this.stateOf(u);
    const now = this.clock.now().getTime();
    const locked = s.lockedAt !== undefined && (s.lockoutEndsAt === undefined || s.lockoutEndsAt.getTime() > now);
    const account: AccountState = {
      enabled: !u.disabled,
      locked,
      ...(locked && s.lockedAt ? { lockedAt: s.lockedAt } : {}),
      ...(locked && s.lockoutEndsAt ? { lockoutEndsAt: s.lockoutEndsAt } : {}),
      badPwdCount: s.badPwdCount,
      passwordLastSet: s.passwordLastSet,
      passwordMustChange: s.mustChange,
      passwordExpiresAt: s.passwordExpiresAt,
      passwordExpired: s.passwordExpiresAt.getTime() <= now,
      lastLogon: new Date(this.startedAt.getTime() - 2 * 60 * MINUTE),
      createdAt: new Date(this.startedAt.getTime() - 400 * DAY),
    };
    const manager = u.manager ? this.users.find((m) => m.login === u.manager) : undefined;
    return {
      dn: this.dn(u),
      sAMAccountName: u.login,
      userPrincipalName: this.upn(u),
      displayName: `${u.givenName} ${u.surname}`,
      givenName: u.givenName,
      surname: u.surname,
      account,
      organisation: {
        ...(u.department ? { department: u.department } : {}),
        ...(u.title ? { title: u.title } : {}),
        ...(u.company ? { company: u.company } : {}),
        ...(u.office ? { office: u.office } : {}),
        ...(manager ? { manager: `${manager.givenName} ${manager.surname}` } : {}),
      },
      contact: {
        mail: this.upn(u),
        ...(u.telephoneNumber ? { telephoneNumber: u.telephoneNumber } : {}),
        ...(u.mobile ? { mobile: u.mobile } : {}),
      },
      linked: { upnSuffix: data.domain, proxyAddresses: [`SMTP:${this.upn(u)}`, ...(u.proxyAddresses ?? [])] },
      source: 'demo',
    };
  }
}

/** The DN-like id of a demo group: roles compare ids, never names. */
export function demoGroupDn(name: string): string {
  return `CN=${name},OU=Demo Groups,DC=demo,DC=example`;
}

function fold(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss');
}
