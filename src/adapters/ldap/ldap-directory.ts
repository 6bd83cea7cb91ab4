// The Directory port on Active Directory over LDAPS (ldapts). Reads users and their transitive
// groups, clears lockouts and resets passwords with a delegated service account.
//
// Choices worth knowing:
// - Filters are ldapts filter objects (ldap-filters.ts): values travel as BER octets, never parsed.
// - An exact login / mail / address match is the whole answer; names by prefix are searched only
//   when there is none (same outcome for `user <query>`, far less work for the DC).
// - Phone numbers match when their digits equal the query's digits ("+1 555 0111" = "15550111").
// - The manager's name is the CN of the manager DN (no extra round trip per entry).
// - `limit` is enforced by the DC (sizeLimit for AD, a paged-results page for Samba).
// - Transitive groups: memberOf walk by default, LDAP_MATCHING_RULE_IN_CHAIN on request
//   (group-lookup.ts explains the cost difference).
// - Every call is bounded by timeoutMs and fails with a DIR.* HelpdeskError (ldap-errors.ts).
import { DOMAIN_PASSWORD_COMPLEX, type PasswordRules } from '../../domain/password-rules';
import type { LockoutPolicy } from '../../domain/lockout-policy';
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Attribute, Change, Client, InvalidCredentialsError, type Entry, type Filter } from 'ldapts';
import type { DirectoryEntry, GroupRef } from '../../domain/directory-user';
import { HelpdeskError } from '../../domain/errors';
import type { Directory, GroupMatches, LockedOutEntry, LockoutForensics } from '../../ports/directory.port';
import { domainControllers, forensicsOf } from './lockout-forensics';
import { type Logger, silentLogger } from '../../ports/logger.port';
import {
  type DomainPolicy,
  type RawEntry,
  Attributes,
  memberOfAsSent,
  hasLockoutTime,
  needsPolicyFallback,
  toDirectoryEntry,
  USER_ATTRIBUTES,
  BUFFER_ATTRIBUTES,
} from './ad-entry';
import { type GroupLookup, groupsNamed, inChainGroups, isDn, memberOfWalk } from './group-lookup';
import { LdapConnectionPool } from './ldap-connection-pool';
import {
  exactSearchFilter,
  expiringFilter,
  lockedOutFilter,
  FOLDED_NAME_CANDIDATES,
  foldedNameCandidatesFilter,
  foldedNameMatches,
  isPhoneLike,
  isSearchable,
  loginFilter,
  mayBeName,
  phoneMatches,
  searchFilter,
} from './ldap-filters';
import { toDirectoryError } from './ldap-errors';
import { adDurationToMs, dateToFileTime } from './ad-time';

export interface LdapDirectoryOptions {
  /** ldaps://host[:port] — plain ldap:// is refused (the bind password and new passwords travel on it). */
  readonly url: string;
  readonly bindDN: string;
  readonly bindPassword: string;
  /** Where users and groups are searched (normally the domain root). */
  readonly baseDN: string;
  /** PEM file of the CA that issued the DC's certificate; default: Node's public CAs. */
  readonly caFile?: string;
  /** Upper bound of every operation, connecting and binding included. Default 5000. */
  readonly timeoutMs?: number;
  /** Most connections kept open at once. Default 4. */
  readonly poolSize?: number;
  /**
   * How transitive groups are found (see group-lookup.ts): 'member-of' (default) follows memberOf
   * level by level with base searches; 'in-chain' asks the DC with LDAP_MATCHING_RULE_IN_CHAIN.
   * Same answer; on Samba the first is ~60× cheaper for the DC.
   */
  readonly groupLookup?: GroupLookup;
  readonly logger?: Logger;
  /** For tests: the time lock expiry is judged against. */
  readonly now?: () => Date;
  /** The URL of a DC named in the directory, when its name is not what this host reaches (tests: loopback addresses). */
  readonly dcUrl?: (hostName: string) => string | undefined;
}

/** How long the domain's lockout/password policy is trusted before it is read again. */
const POLICY_TTL_MS = 15 * 60_000;
/** How much further than asked an `expiring` read reaches, so that agents asking within a minute share it. */
const FLIGHT_REACH_MS = 60_000;

export class LdapDirectory implements Directory {
  readonly source = 'ldap' as const;
  private readonly pool: LdapConnectionPool;
  private readonly baseDN: string;
  private readonly bindDN: string;
  private readonly timeLimitS: number;
  private readonly groupLookup: GroupLookup;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly url: string;
  private readonly tls: ConnectionOptions;
  private readonly timeoutMs: number;
  private policy?: { readonly value: Promise<DomainPolicy>; readonly until: number };
  /** Group walks started with a search's only hit, by that entry's memberOf (this very array: see walkAhead). */
  private readonly walksAhead = new WeakMap<readonly string[], Promise<GroupRef[]>>();
  /** The `locked` read in progress, if any (shared by whoever asks meanwhile). */
  private lockedFlight?: Promise<LockedOutEntry[]>;
  /** The `expiring` read in progress, if any, and how far ahead it reads. */
  private expiringFlight?: { readonly reach: number; readonly entries: Promise<DirectoryEntry[]> };
  private readonly options: LdapDirectoryOptions;

  constructor(options: LdapDirectoryOptions) {
    if (!/^ldaps:\/\//i.test(options.url)) {
      throw new HelpdeskError('DIR.TLS', `the directory URL must be ldaps:// (got ${options.url})`);
    }
    const timeoutMs = options.timeoutMs ?? 5000;
    this.options = options;
    this.baseDN = options.baseDN;
    this.bindDN = options.bindDN;
    this.url = options.url;
    this.tls = tlsOptions(options.caFile);
    this.timeoutMs = timeoutMs;
    this.timeLimitS = Math.max(1, Math.ceil(timeoutMs / 1000));
    this.groupLookup = options.groupLookup ?? 'member-of';
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.pool = new LdapConnectionPool({
      url: options.url,
      bindDN: options.bindDN,
      bindPassword: options.bindPassword,
      tlsOptions: this.tls,
      timeoutMs,
      size: Math.max(1, options.poolSize ?? 4),
      logger: this.logger,
    });
  }

  async search(query: string, limit: number): Promise<DirectoryEntry[]> {
    if (!Number.isInteger(limit) || limit <= 0 || !isSearchable(query)) return [];
    // Exact logins first: when the query is someone's login, mail or address, those users are the
    // answer (the service picks the exact match anyway) and the DC is spared the prefix scan, which
    // costs it several times an indexed lookup. Otherwise the full search, names by prefix included.
    const searchEntries = await this.pool.run(
      'search',
      async (c) => {
        if (mayBeName(query)) {
          // Equality on unique-ish attributes matches a handful of entries at most: a plain search (no
          // paged-results state on the DC) is enough, and cut to `limit` here in case the DC ignores sizeLimit.
          const { searchEntries } = await c.search(this.baseDN, {
            scope: 'sub', filter: exactSearchFilter(query), attributes: [...USER_ATTRIBUTES], explicitBufferAttributes: BUFFER_ATTRIBUTES, sizeLimit: limit, timeLimit: this.timeLimitS,
          });
          const exact = searchEntries.slice(0, limit);
          if (exact.length > 0) return exact;
        }
        const hits = await firstPage(c, this.baseDN, searchFilter(query), limit, this.timeLimitS);
        return hits.length < limit ? [...hits, ...(await this.foldedNames(c, query, hits, limit - hits.length))] : hits;
      },
      true,
    );
    let found = searchEntries as RawEntry[];
    if (isPhoneLike(query.trim())) found = found.filter((e) => phoneMatches(query, phoneFields(e)));
    const walk = found.length === 1 && found[0] ? this.walkAhead(found[0]) : undefined;
    const entries = await this.toEntries(found);
    if (walk && entries[0]?.memberOf) this.walksAhead.set(entries[0].memberOf, walk);
    return entries.sort((a, b) => a.displayName.localeCompare(b.displayName) || a.dn.localeCompare(b.dn));
  }

  /** Names that match only without their accents ("garcia" → García); the cost and bound: ldap-filters.ts. */
  private async foldedNames(c: Client, query: string, hits: readonly Entry[], room: number): Promise<Entry[]> {
    const filter = foldedNameCandidatesFilter(query);
    if (!filter) return [];
    const seen = new Set(hits.map((e) => e.dn.toLowerCase()));
    const candidates = await firstPage(c, this.baseDN, filter, FOLDED_NAME_CANDIDATES, this.timeLimitS);
    return candidates
      .filter((e) => !seen.has(e.dn.toLowerCase()) && foldedNameMatches(query, ['displayName', 'givenName', 'sn'].map((a) => first(e, a))))
      .slice(0, room);
  }

  async findByLogin(login: string): Promise<DirectoryEntry | null> {
    if (!isSearchable(login)) return null;
    const filter = loginFilter(login);
    const { searchEntries } = await this.pool.run(
      'search',
      (c) => c.search(this.baseDN, { scope: 'sub', filter, attributes: [...USER_ATTRIBUTES], explicitBufferAttributes: BUFFER_ATTRIBUTES, sizeLimit: 2, timeLimit: this.timeLimitS }),
      true,
    );
    if (searchEntries.length > 1) {
      throw new HelpdeskError('DIR.AMBIGUOUS', `several directory users answer to "${login}"`, { query: login });
    }
    const [entry] = await this.toEntries(searchEntries as RawEntry[]);
    return entry ?? null;
  }

  async groupsOf(dn: string, directGroups?: readonly string[]): Promise<GroupRef[]> {
    if (!isSearchable(dn)) return [];
    const ahead = directGroups && this.walksAhead.get(directGroups);
    if (directGroups) this.walksAhead.delete(directGroups);
    const groups = await (ahead || this.walkGroups(dn, directGroups));
    return groups.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  private walkGroups(dn: string, directGroups: readonly string[] | undefined): Promise<GroupRef[]> {
    return this.groupLookup === 'in-chain'
      ? this.pool.run('search', (c) => inChainGroups(c, this.baseDN, dn, this.timeLimitS), true)
      : this.pool.run('search', (c) => memberOfWalk(c, dn, this.timeLimitS, directGroups), true);
  }

  /**
   * A search with one hit is followed by that user's groups (the details card, the protection check of an
   * action): the walk starts now, while the entry becomes a DirectoryEntry and the service works on it,
   * rather than one directory round trip later. Only the holder of that entry takes it (groupsOf with the
   * entry's own memberOf array, not an equal one): another request, even for the same user, walks afresh.
   */
  private walkAhead(raw: RawEntry): Promise<GroupRef[]> | undefined {
    const dn = String(raw.dn);
    if (!isSearchable(dn)) return undefined;
    const walk = this.walkGroups(dn, memberOfAsSent(raw)); // before toEntries maps the whole entry
    walk.catch(() => undefined); // the error reaches groupsOf's caller, if it takes the walk
    return walk;
  }

  async resolveGroups(names: readonly string[]): Promise<GroupMatches[]> {
    return this.pool.run(
      'search',
      async (c) => {
        const domainDN = await this.domainDN(c);
        return Promise.all(names.map(async (name) => ({ name, groups: await groupsNamed(c, domainDN, name, this.timeLimitS) })));
      },
      true,
    );
  }

  /**
   * LDAP_BIND_DN as the DC spells it. A bind name may also be a UPN or DOMAIN\login (AD accepts
   * both): then the user it names. Throws DIR.USER_NOT_FOUND when the DC shows no such user.
   */
  async serviceAccount(): Promise<string | undefined> {
    const bind = this.bindDN.trim();
    if (isDn(bind)) {
      const { searchEntries } = await this.pool.run(
        'search',
        (c) => c.search(bind, { scope: 'base', attributes: ['distinguishedName'], timeLimit: this.timeLimitS }),
        true,
      );
      const dn = first(searchEntries[0], 'distinguishedName');
      if (dn !== undefined) return dn;
    } else {
      const entry = await this.findByLogin(bind.slice(bind.indexOf('\\') + 1));
      if (entry) return entry.dn;
    }
    throw new HelpdeskError('DIR.USER_NOT_FOUND', `no directory entry for the bind account ${bind}`);
  }

  async unlock(dn: string): Promise<void> {
    // Writing 0 is how AD unlocks (it also resets badPwdCount); repeating it is harmless.
    const change = new Change({ operation: 'replace', modification: new Attribute({ type: 'lockoutTime', values: ['0'] }) });
    await this.pool.run('unlock', (c) => c.modify(dn, change), true);
    this.logger.info({ dn }, 'directory account unlocked');
  }

  async setPassword(dn: string, password: string, options: { mustChange: boolean }): Promise<void> {
    // An administrative reset: unicodePwd replaced by the quoted password in UTF-16LE, over TLS.
    // pwdLastSet 0 = must change at next logon, -1 = "now" (clears a pending must-change).
    // One modify request, so a refused password changes nothing. Never retried: a repeat could be
    // refused by password history after the first one went through.
    const changes = [
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${password}"`, 'utf16le')] }),
      }),
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'pwdLastSet', values: [options.mustChange ? '0' : '-1'] }),
      }),
    ];
    await this.pool.run('setPassword', (c) => c.modify(dn, changes), false);
    this.logger.info({ dn, mustChange: options.mustChange }, 'directory password set');
  }

  async checkPassword(dn: string, password: string): Promise<boolean> {
    // A bind of its own (never a pooled connection: those stay bound as the service account). An empty
    // password would be an anonymous bind that "succeeds", so it is refused before asking.
    if (password.length === 0 || password.length > 512) return false;
    const client = new Client({ url: this.url, tlsOptions: this.tls, timeout: this.timeoutMs, connectTimeout: this.timeoutMs });
    try {
      await client.bind(dn, password);
      return true;
    } catch (e) {
      if (e instanceof InvalidCredentialsError) return false;
      throw toDirectoryError(e, 'bind', this.url);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  /** The domain object's password settings (the Default Domain Policy; a PSO may be stricter for some users). */
  async passwordRules(): Promise<PasswordRules | undefined> {
    return this.pool.run('search', async (c) => {
      const domain = await c.search(await this.domainDN(c), { scope: 'base', attributes: ['minPwdLength', 'pwdProperties', 'pwdHistoryLength'], timeLimit: this.timeLimitS });
      const entry = domain.searchEntries[0];
      const minLength = Number(first(entry, 'minPwdLength'));
      if (!entry || !Number.isInteger(minLength)) return undefined;
      return {
        minLength,
        complexity: (Number(first(entry, 'pwdProperties') ?? 0) & DOMAIN_PASSWORD_COMPLEX) !== 0,
        history: Number(first(entry, 'pwdHistoryLength') ?? 0) || 0,
      };
    }, true);
  }

  async userPasswordRules(dn: string): Promise<PasswordRules | undefined> {
    if (!isSearchable(dn)) return undefined;
    return this.pool.run('search', async (c) => {
      const user = await c.search(dn, { scope: 'base', attributes: [RESULTANT_PSO], timeLimit: this.timeLimitS });
      const pso = first(user.searchEntries[0], RESULTANT_PSO);
      if (!pso) return undefined;
      // Reading a PSO needs a right AD grants only to Domain Admins by default: without it, nothing comes back.
      const found = await c.search(pso, {
        scope: 'base', attributes: ['msDS-MinimumPasswordLength', 'msDS-PasswordComplexityEnabled', 'msDS-PasswordHistoryLength'], timeLimit: this.timeLimitS,
      }).catch(() => undefined);
      const entry = found?.searchEntries[0];
      const minLength = Number(first(entry, 'msDS-MinimumPasswordLength'));
      if (!entry || !Number.isInteger(minLength)) return undefined;
      return {
        minLength,
        complexity: first(entry, 'msDS-PasswordComplexityEnabled')?.toUpperCase() === 'TRUE',
        history: Number(first(entry, 'msDS-PasswordHistoryLength') ?? 0) || 0,
      };
    }, true);
  }

  async lockoutPolicy(dn?: string): Promise<LockoutPolicy | undefined> {
    if (dn !== undefined && !isSearchable(dn)) return undefined;
    return this.pool.run('search', async (c) => {
      const pso = dn === undefined ? undefined
        : first((await c.search(dn, { scope: 'base', attributes: [RESULTANT_PSO], timeLimit: this.timeLimitS })).searchEntries[0], RESULTANT_PSO);
      return pso ? this.psoLockoutPolicy(c, pso, dn ?? '') : this.domainLockoutPolicy(c);
    }, true);
  }

  /** Several agents asking `locked` at once (and the alerts' poll) share one directory read: the answer is the same. */
  lockedOut(): Promise<LockedOutEntry[]> {
    this.lockedFlight ??= this.readLockedOut().finally(() => {
      this.lockedFlight = undefined;
    });
    return this.lockedFlight;
  }

  private async readLockedOut(): Promise<LockedOutEntry[]> {
    // The PSO that applies comes with each entry (a constructed attribute, which Samba and AD compute in a
    // subtree search too); each distinct one is then read once, the domain's at most once: a handful of
    // reads per answer, where a read per user made 200 locked users cost 600 round trips.
    const raw = (await this.pool.run('search', (c) => everyPage(c, this.baseDN, lockedOutFilter(), this.timeLimitS, [RESULTANT_PSO]), true)) as RawEntry[];
    const entries = await this.toEntries(raw);
    const psos = raw.map((e) => first(e as Entry, RESULTANT_PSO));
    const policies = await this.pool.run('search', async (c) => {
      const byPso = new Map<string | undefined, LockoutPolicy | undefined>();
      for (const pso of new Set(psos)) {
        const user = raw[psos.indexOf(pso)]?.dn ?? '';
        byPso.set(pso, pso ? await this.psoLockoutPolicy(c, pso, user) : await this.domainLockoutPolicy(c));
      }
      return byPso;
    }, true);
    return entries.map((entry, i) => ({ entry, policy: policies.get(psos[i]) }));
  }

  /** A PSO's lockout numbers; the PSO may lock sooner than the domain, so without them there is no safe guess. */
  private async psoLockoutPolicy(c: Client, pso: string, dn: string): Promise<LockoutPolicy> {
    const found = await c.search(pso, { scope: 'base', attributes: [...PSO_LOCKOUT], timeLimit: this.timeLimitS }).catch(() => undefined);
    const policy = lockoutPolicyOf(found?.searchEntries[0], PSO_LOCKOUT, 'pso');
    if (!policy) throw new HelpdeskError('DIR.INSUFFICIENT_RIGHTS', `the fine-grained policy ${pso} that applies to ${dn} cannot be read (grant the service account read access to it)`);
    return policy;
  }

  private async domainLockoutPolicy(c: Client): Promise<LockoutPolicy | undefined> {
    const domain = await c.search(await this.domainDN(c), { scope: 'base', attributes: [...DOMAIN_LOCKOUT], timeLimit: this.timeLimitS });
    return lockoutPolicyOf(domain.searchEntries[0], DOMAIN_LOCKOUT, 'domain');
  }

  async expiringPasswords(before: Date): Promise<DirectoryEntry[]> {
    // Agents asking at once for the same days share one read: one that reaches a little further (FLIGHT_REACH_MS),
    // which each answer then cuts at its own date.
    const flight = this.expiringFlight && this.expiringFlight.reach >= before.getTime() ? this.expiringFlight : this.readExpiring(before.getTime() + FLIGHT_REACH_MS);
    const entries = await flight.entries;
    // The query's bound is the shortest age in force; each entry's own expiry (its PSO's) decides.
    return entries.filter((e) => e.account.passwordMustChange || (e.account.passwordExpiresAt !== undefined && e.account.passwordExpiresAt < before));
  }

  private readExpiring(reach: number): { readonly reach: number; readonly entries: Promise<DirectoryEntry[]> } {
    const flight = {
      reach,
      entries: (async () => {
        const maxAgeMs = await this.shortestMaxPasswordAge();
        if (maxAgeMs === undefined) return []; // passwords never expire in this domain
        const lastSetBy = dateToFileTime(new Date(reach - maxAgeMs));
        const raw = await this.pool.run('search', (c) => everyPage(c, this.baseDN, expiringFilter(lastSetBy), this.timeLimitS), true);
        return this.toEntries(raw as RawEntry[]);
      })().finally(() => {
        if (this.expiringFlight === flight) this.expiringFlight = undefined;
      }),
    };
    this.expiringFlight = flight;
    return flight;
  }

  /** The domain's maxPwdAge, or a PSO's shorter one (those the service account may read); undefined: none expires. */
  private async shortestMaxPasswordAge(): Promise<number | undefined> {
    return this.pool.run('search', async (c) => {
      const domainDN = await this.domainDN(c);
      const domain = await c.search(domainDN, { scope: 'base', attributes: ['maxPwdAge'], timeLimit: this.timeLimitS });
      const psos = await c.search(`CN=Password Settings Container,CN=System,${domainDN}`, {
        scope: 'one', filter: '(objectClass=msDS-PasswordSettings)', attributes: ['msDS-MaximumPasswordAge'], timeLimit: this.timeLimitS,
      }).catch(() => ({ searchEntries: [] as Entry[] }));
      const ages = [first(domain.searchEntries[0], 'maxPwdAge'), ...psos.searchEntries.map((e) => first(e, 'msDS-MaximumPasswordAge'))]
        .map((v) => adDurationToMs(v))
        .filter((ms): ms is number => ms !== undefined && ms > 0);
      return ages.length ? Math.min(...ages) : undefined;
    }, true);
  }

  async lockoutForensics(dn: string): Promise<LockoutForensics> {
    const dcs = await this.pool.run('search', (c) => domainControllers(c, this.timeLimitS), true);
    const { bindDN, bindPassword, dcUrl } = this.options;
    return forensicsOf({ url: this.url, bindDN, bindPassword, tls: this.tls, timeoutMs: this.timeoutMs, logger: this.logger, ...(dcUrl ? { dcUrl } : {}) }, dcs, dn);
  }

  async ping(): Promise<void> {
    await this.pool.run('search', (c) => c.search('', { scope: 'base', attributes: ['defaultNamingContext'] }), true);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** The domain's root (RootDSE defaultNamingContext): groups live outside an OU base DN too. */
  private async domainDN(c: Client): Promise<string> {
    const root = await c.search('', { scope: 'base', attributes: ['defaultNamingContext'] });
    return first(root.searchEntries[0], 'defaultNamingContext') ?? this.baseDN;
  }

  private async toEntries(raw: readonly RawEntry[]): Promise<DirectoryEntry[]> {
    const needsPolicy = raw.some((e) => hasLockoutTime(e) || needsPolicyFallback(e));
    const policy = needsPolicy ? await this.domainPolicy() : {};
    const now = this.now();
    return raw.map((e) => toDirectoryEntry(e, policy, now));
  }

  /**
   * lockoutDuration and maxPwdAge from the domain root (found through the RootDSE, so it works when
   * baseDN is an OU). Only needed for lockoutEndsAt, or when the DC does not offer the computed
   * attributes; cached. Unreadable → empty: the entry then lacks those dates rather than failing.
   */
  private domainPolicy(): Promise<DomainPolicy> {
    const t = Date.now();
    if (this.policy && t < this.policy.until) return this.policy.value;
    const value = this.pool
      .run(
        'search',
        async (c) => {
          const root = await c.search('', { scope: 'base', attributes: ['defaultNamingContext'] });
          const nc = first(root.searchEntries[0], 'defaultNamingContext') ?? this.baseDN;
          const domain = await c.search(nc, { scope: 'base', attributes: ['lockoutDuration', 'maxPwdAge'] });
          const e = domain.searchEntries[0];
          return { lockoutDuration: first(e, 'lockoutDuration'), maxPwdAge: first(e, 'maxPwdAge') };
        },
        true,
      )
      .catch((e: unknown) => {
        this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'could not read the domain lockout policy');
        this.policy = undefined;
        return {};
      });
    this.policy = { value, until: t + POLICY_TTL_MS };
    return value;
  }
}

/**
 * At most `limit` users, in one round trip. AD honours sizeLimit (ldapts then returns the entries
 * instead of failing on sizeLimitExceeded); Samba ignores sizeLimit but honours a paged-results
 * page of that size. Only the first page is read; the DC drops the rest with the connection's
 * paging state.
 */
async function firstPage(client: Client, baseDN: string, filter: Filter, limit: number, timeLimit: number): Promise<Entry[]> {
  const pages = client.searchPaginated(baseDN, {
    scope: 'sub',
    filter,
    attributes: [...USER_ATTRIBUTES],
    explicitBufferAttributes: BUFFER_ATTRIBUTES,
    sizeLimit: limit,
    paged: { pageSize: limit },
    timeLimit,
  });
  try {
    const page = await pages.next();
    return page.done ? [] : page.value.searchEntries.slice(0, limit);
  } finally {
    await pages.return(undefined);
  }
}

/** Every entry a filter matches, page by page (AD's MaxPageSize is 1000; Samba's likewise). */
async function everyPage(client: Client, baseDN: string, filter: Filter, timeLimit: number, extra: readonly string[] = []): Promise<Entry[]> {
  const entries: Entry[] = [];
  const pages = client.searchPaginated(baseDN, {
    scope: 'sub', filter, attributes: [...USER_ATTRIBUTES, ...extra], explicitBufferAttributes: BUFFER_ATTRIBUTES, paged: { pageSize: 500 }, timeLimit,
  });
  for await (const page of pages) entries.push(...page.searchEntries);
  return entries;
}

/** The DN of the fine-grained policy (PSO) in force for a user, computed by the DC; absent: the domain's. */
const RESULTANT_PSO = 'msDS-ResultantPSO';

/** Threshold, observation window and duration, as the domain object and a PSO name them. */
const DOMAIN_LOCKOUT = ['lockoutThreshold', 'lockOutObservationWindow', 'lockoutDuration'] as const;
const PSO_LOCKOUT = ['msDS-LockoutThreshold', 'msDS-LockoutObservationWindow', 'msDS-LockoutDuration'] as const;

/** Undefined when the threshold, or the window of a threshold that locks, cannot be read. */
function lockoutPolicyOf(entry: Entry | undefined, [threshold, window, duration]: readonly [string, string, string], source: LockoutPolicy['source']): LockoutPolicy | undefined {
  const t = Number(first(entry, threshold));
  if (!entry || first(entry, threshold) === undefined || !Number.isInteger(t) || t < 0) return undefined;
  const observationWindowMs = adDurationToMs(first(entry, window));
  if (t > 0 && observationWindowMs === undefined) return undefined;
  return { threshold: t, observationWindowMs: observationWindowMs ?? 0, durationMs: adDurationToMs(first(entry, duration)), source };
}

function first(entry: Entry | undefined, name: string): string | undefined {
  return entry === undefined ? undefined : new Attributes(entry as RawEntry).first(name);
}

function phoneFields(e: RawEntry): Parameters<typeof phoneMatches>[1] {
  const a = new Attributes(e);
  return {
    sAMAccountName: a.first('sAMAccountName'),
    userPrincipalName: a.first('userPrincipalName'),
    mail: a.first('mail'),
    phones: [...a.all('telephoneNumber'), ...a.all('mobile')],
  };
}

function tlsOptions(caFile: string | undefined): ConnectionOptions {
  const options: ConnectionOptions = { minVersion: 'TLSv1.2' };
  if (caFile === undefined || caFile === '') return options;
  try {
    return { ...options, ca: [readFileSync(caFile)] };
  } catch (e) {
    throw new HelpdeskError('DIR.TLS', `cannot read the directory CA file ${caFile}`, { caFile }, { cause: e });
  }
}
