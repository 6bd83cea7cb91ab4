// Entra ID through Microsoft Graph: the Directory port for cloud-only users (DIRECTORY=graph) and the Entra
// port (aadObjectId → user and roles, linked accounts, Temporary Access Pass, session revocation).
//
// - A Graph user is a DirectoryEntry with dn = object id and login (sAMAccountName) = its UPN.
// - Values in $filter are OData literals (quotes doubled); $search terms lose quotes and backslashes.
// - Groups and directory roles come from transitiveMemberOf, by object id; roles are marked directoryRole.
// - Entra has no account lockout an app can clear: `unlock` does not apply and is refused.
import type { PasswordRules } from '../../domain/password-rules';
import type { DirectoryEntry, GroupRef } from '../../domain/directory-user';
import type { EntraAccount, EntraMethodCount, TemporaryAccessPass } from '../../domain/entra-account';
import { HelpdeskError, isHelpdeskError } from '../../domain/errors';
import type { Directory, GroupMatches, LockedOutEntry } from '../../ports/directory.port';
import type { Entra, EntraUser } from '../../ports/entra.port';
import { GraphApi, type GraphApiOptions, odataString, searchTerm } from './graph-api';

export const USER_SELECT = [
  'id', 'userPrincipalName', 'displayName', 'givenName', 'surname', 'mail', 'accountEnabled', 'onPremisesSyncEnabled',
  'onPremisesSamAccountName', 'onPremisesImmutableId', 'onPremisesDistinguishedName', 'department', 'jobTitle', 'companyName',
  'officeLocation', 'businessPhones', 'mobilePhone', 'proxyAddresses', 'createdDateTime', 'lastPasswordChangeDateTime',
] as const;

export interface GraphUser {
  readonly id: string;
  readonly userPrincipalName?: string | null;
  readonly displayName?: string | null;
  readonly givenName?: string | null;
  readonly surname?: string | null;
  readonly mail?: string | null;
  readonly accountEnabled?: boolean | null;
  readonly onPremisesSyncEnabled?: boolean | null;
  readonly onPremisesSamAccountName?: string | null;
  readonly onPremisesImmutableId?: string | null;
  readonly onPremisesDistinguishedName?: string | null;
  readonly department?: string | null;
  readonly jobTitle?: string | null;
  readonly companyName?: string | null;
  readonly officeLocation?: string | null;
  readonly businessPhones?: readonly string[] | null;
  readonly mobilePhone?: string | null;
  readonly proxyAddresses?: readonly string[] | null;
  readonly createdDateTime?: string | null;
  readonly lastPasswordChangeDateTime?: string | null;
  readonly signInActivity?: { readonly lastSignInDateTime?: string | null } | null;
}

interface DirectoryObject {
  readonly '@odata.type'?: string;
  readonly id: string;
  readonly displayName?: string | null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isObjectId = (v: string): boolean => GUID.test(v.trim());
const val = (v: string | null | undefined): string | undefined => (v === null || v === undefined || v === '' ? undefined : v);
const date = (v: string | null | undefined): Date | undefined => (v ? new Date(v) : undefined);

/** A Graph user as the helpdesk's entry. */
export function toEntry(u: GraphUser): DirectoryEntry {
  const upn = val(u.userPrincipalName) ?? u.id;
  return {
    dn: u.id,
    sAMAccountName: upn,
    userPrincipalName: upn,
    displayName: val(u.displayName) ?? upn,
    ...(val(u.givenName) ? { givenName: val(u.givenName) } : {}),
    ...(val(u.surname) ? { surname: val(u.surname) } : {}),
    account: {
      enabled: u.accountEnabled !== false,
      locked: false,
      passwordMustChange: false,
      passwordExpired: false,
      ...(date(u.lastPasswordChangeDateTime) ? { passwordLastSet: date(u.lastPasswordChangeDateTime) } : {}),
      ...(date(u.createdDateTime) ? { createdAt: date(u.createdDateTime) } : {}),
    },
    organisation: Object.fromEntries(
      Object.entries({ department: val(u.department), title: val(u.jobTitle), company: val(u.companyName), office: val(u.officeLocation) }).filter(([, v]) => v),
    ),
    contact: Object.fromEntries(
      Object.entries({ mail: val(u.mail), telephoneNumber: val(u.businessPhones?.[0]), mobile: val(u.mobilePhone) }).filter(([, v]) => v),
    ),
    linked: { upnSuffix: upn.includes('@') ? upn.slice(upn.indexOf('@') + 1) : undefined, proxyAddresses: [...(u.proxyAddresses ?? [])] },
    source: 'graph',
  };
}

/** '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod' → 'microsoftAuthenticator'. */
export function methodKind(odataType: string | undefined): string {
  return (odataType ?? '').replace(/^#microsoft\.graph\./, '').replace(/AuthenticationMethod$/, '') || 'unknown';
}

/**
 * How long a directory user's linked Entra account (the match and its groups) is reused: one details card
 * asks twice. Per process (each replica asks Graph itself; nothing to share), but the groups decide
 * protection, so the reuse is kept to a few seconds (DESIGN: no cache decides a security question longer).
 */
export const LINK_TTL_MS = 5_000;
const MAX_LINKS = 2000;

interface Link {
  readonly user: GraphUser;
  readonly groups: GroupRef[];
}

export class GraphDirectory implements Directory, Entra {
  readonly source = 'graph' as const;
  readonly api: GraphApi;
  private readonly links = new Map<string, { readonly at: number; readonly value: Promise<Link | null> }>();

  constructor(options: GraphApiOptions | GraphApi) {
    this.api = options instanceof GraphApi ? options : new GraphApi(options);
  }

  async search(query: string, limit: number): Promise<DirectoryEntry[]> {
    return (await this.searchUsers(query, limit)).map(toEntry);
  }

  /** Hybrid: the users AD does not have — those not synced from on-premises (Entra Connect / Cloud Sync). */
  async searchCloudOnly(query: string, limit: number): Promise<DirectoryEntry[]> {
    // Synced users take rows of Graph's answer: ask for more than are wanted, keep the cloud-only ones.
    const found = await this.searchUsers(query, Math.min(limit * 3, 999));
    return found.filter(isCloudOnly).slice(0, limit).map(toEntry);
  }

  async findByLogin(login: string): Promise<DirectoryEntry | null> {
    const user = await this.findUserByLogin(login);
    return user ? toEntry(user) : null;
  }

  /** Hybrid: the cloud-only user with this UPN, mail or object id; a synced one is AD's to answer. */
  async findCloudOnlyByLogin(login: string): Promise<DirectoryEntry | null> {
    const user = await this.findUserByLogin(login);
    return user && isCloudOnly(user) ? toEntry(user) : null;
  }

  async resolveGroups(names: readonly string[]): Promise<GroupMatches[]> {
    return Promise.all(
      names.map(async (name) => {
        if (isObjectId(name)) {
          const g = await this.api.get<DirectoryObject>(`/groups/${encodeURIComponent(name)}`, ['id', 'displayName']).catch(notFoundAsNull);
          return { name, groups: g ? [{ id: g.id, name: val(g.displayName) ?? g.id }] : [] };
        }
        const groups = await this.api.list<DirectoryObject>('/groups', { select: ['id', 'displayName'], filter: `displayName eq ${odataString(name)}`, max: 10 });
        return { name, groups: groups.map((g) => ({ id: g.id, name: val(g.displayName) ?? g.id })) };
      }),
    );
  }

  /** The app has no user account of its own. */
  serviceAccount(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  async groupsOf(objectId: string): Promise<GroupRef[]> {
    if (!isObjectId(objectId)) return [];
    const objects = await this.api.list<DirectoryObject & { roleTemplateId?: string }>(`/users/${objectId}/transitiveMemberOf`, {
      select: ['id', 'displayName', 'roleTemplateId'],
      top: 999,
    });
    return objects
      .filter((o) => o['@odata.type'] === '#microsoft.graph.group' || o['@odata.type'] === '#microsoft.graph.directoryRole')
      .map((o) => ({
        id: o.id,
        name: val(o.displayName) ?? o.id,
        ...(o['@odata.type'] === '#microsoft.graph.directoryRole' ? { directoryRole: true } : {}),
      }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  unlock(): Promise<void> {
    return Promise.reject(new HelpdeskError('CMD.NOT_AVAILABLE', 'Entra ID accounts have no lockout to clear', { command: 'unlock' }));
  }

  /** An administrative reset: passwordProfile with forceChangePasswordNextSignIn. */
  /** Graph has no password check for an app (no ROPC): enrollment by password is not offered on Entra. */
  async checkPassword(): Promise<boolean> {
    return false;
  }

  /** Entra ID's cloud password policy (fixed by Microsoft): 8+ characters, 3 of 4 kinds, not the current one. */
  async passwordRules(): Promise<PasswordRules> {
    return { minLength: 8, complexity: true, history: 1 };
  }

  /** Entra has one policy for everyone. */
  async userPasswordRules(): Promise<undefined> {
    return undefined;
  }

  /** Entra's smart lockout is not stated through Graph, and no password is ever checked here (checkPassword). */
  async lockoutPolicy(): Promise<undefined> {
    return undefined;
  }

  /** Graph exposes no per-user lockout (Entra smart lockout is not reported on the user object). */
  async lockedOut(): Promise<LockedOutEntry[]> {
    return [];
  }

  /** Cloud passwords follow the tenant's expiry policy, which Graph does not report per user. */
  async expiringPasswords(): Promise<DirectoryEntry[]> {
    return [];
  }

  async setPassword(objectId: string, password: string, options: { mustChange: boolean }): Promise<void> {
    await this.api.patch(`/users/${objectId}`, { passwordProfile: { forceChangePasswordNextSignIn: options.mustChange, password } });
  }

  async ping(): Promise<void> {
    await this.api.list('/users', { select: ['id'], top: 1, max: 1 });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  // ---------------------------------------------------------------------------------------- Entra port

  async userById(objectId: string): Promise<EntraUser | null> {
    if (!isObjectId(objectId)) return null;
    const user = await this.userOrNull(objectId);
    if (!user) return null;
    const groups = await this.groupsOf(user.id);
    return { entry: toEntry(user), groups, ...(val(user.onPremisesSamAccountName) ? { onPremisesSamAccountName: val(user.onPremisesSamAccountName) } : {}) };
  }

  async linkedAccount(entry: DirectoryEntry): Promise<EntraAccount | null> {
    const link = await this.link(entry);
    if (!link) return null;
    const { user, groups } = link;
    const [methods, lastSignIn] = await Promise.all([this.methods(user.id), this.lastSignIn(user.id)]);
    return {
      id: user.id,
      userPrincipalName: val(user.userPrincipalName) ?? user.id,
      displayName: val(user.displayName) ?? '',
      enabled: user.accountEnabled !== false,
      origin: user.onPremisesSyncEnabled ? 'synced' : 'cloud-only',
      ...(lastSignIn.at ? { lastSignIn: lastSignIn.at } : {}),
      lastSignInReported: lastSignIn.reported,
      methods,
      directoryRoles: groups.filter((g) => g.directoryRole).map((g) => g.name),
    };
  }

  async linkedGroups(entry: DirectoryEntry): Promise<GroupRef[]> {
    return (await this.link(entry))?.groups ?? [];
  }

  /**
   * The linked account and its groups, reused for LINK_TTL_MS (a card's protection check and its Entra
   * lines ask for the same). Failures are not kept. Roles of the acting user never come from here.
   */
  private link(entry: DirectoryEntry): Promise<Link | null> {
    const key = `${entry.source}:${entry.dn.toLowerCase()}`;
    const now = Date.now();
    const hit = this.links.get(key);
    if (hit && now - hit.at < LINK_TTL_MS) return hit.value;
    const value = (async () => {
      const user = await this.matching(entry);
      return user ? { user, groups: await this.groupsOf(user.id) } : null;
    })();
    this.links.delete(key);
    this.links.set(key, { at: now, value });
    value.catch(() => {
      if (this.links.get(key)?.value === value) this.links.delete(key);
    });
    for (const [k, v] of this.links) {
      if (this.links.size <= MAX_LINKS && now - v.at < LINK_TTL_MS) break;
      this.links.delete(k);
    }
    return value;
  }

  async createTemporaryAccessPass(objectId: string, options: { lifetimeMinutes: number; oneTime: boolean }): Promise<TemporaryAccessPass> {
    // Not retried: a repeat would replace the pass the first request may already have created.
    const created = await this.api.post<{ id?: string; temporaryAccessPass?: string; startDateTime?: string; lifetimeInMinutes?: number; isUsableOnce?: boolean }>(
      `/users/${objectId}/authentication/temporaryAccessPassMethods`,
      { lifetimeInMinutes: options.lifetimeMinutes, isUsableOnce: options.oneTime },
      { retry: false },
    );
    if (!created.temporaryAccessPass || !created.id) throw new HelpdeskError('DIR.ERROR', 'Graph created no Temporary Access Pass');
    return {
      id: created.id,
      value: created.temporaryAccessPass,
      startsAt: created.startDateTime ? new Date(created.startDateTime) : new Date(),
      lifetimeMinutes: created.lifetimeInMinutes ?? options.lifetimeMinutes,
      oneTime: created.isUsableOnce ?? options.oneTime,
    };
  }

  async deleteTemporaryAccessPass(objectId: string, methodId: string): Promise<void> {
    await this.api.delete(`/users/${objectId}/authentication/temporaryAccessPassMethods/${encodeURIComponent(methodId)}`);
  }

  async revokeSessions(objectId: string): Promise<void> {
    await this.api.post(`/users/${objectId}/revokeSignInSessions`, {});
  }

  // ------------------------------------------------------------------------------------------ helpers

  private users(filter: string, max: number): Promise<GraphUser[]> {
    return this.api.list<GraphUser>('/users', { select: USER_SELECT, filter, top: max, max });
  }

  private async searchUsers(query: string, limit: number): Promise<GraphUser[]> {
    const q = query.trim();
    if (q === '' || q.length > 256 || !Number.isInteger(limit) || limit <= 0) return [];
    const exact = await this.users(`userPrincipalName eq ${odataString(q)} or mail eq ${odataString(q)}`, limit);
    if (exact.length > 0 || q.includes('@')) return exact;
    // Names and logins by prefix: $search tokenises displayName, mail and UPN (advanced query).
    const search = ['displayName', 'mail', 'userPrincipalName'].map((p) => searchTerm(p, q)).join(' OR ');
    const found = await this.api.list<GraphUser>('/users', { select: USER_SELECT, search, top: limit, max: limit, eventual: true });
    const name = (u: GraphUser) => val(u.displayName) ?? val(u.userPrincipalName) ?? u.id;
    return found.sort((a, b) => name(a).localeCompare(name(b)) || a.id.localeCompare(b.id));
  }

  private async findUserByLogin(login: string): Promise<GraphUser | null> {
    const l = login.trim();
    if (l === '' || l.length > 256) return null;
    if (isObjectId(l)) return this.userOrNull(l);
    const list = await this.users(`userPrincipalName eq ${odataString(l)} or mail eq ${odataString(l)}`, 2);
    if (list.length > 1) throw new HelpdeskError('DIR.AMBIGUOUS', `several Entra users answer to "${l}"`, { query: l });
    return list[0] ?? null;
  }

  private userOrNull(objectId: string): Promise<GraphUser | null> {
    return this.api.get<GraphUser>(`/users/${objectId}`, USER_SELECT).catch(notFoundAsNull);
  }

  /**
   * The Entra user behind an entry: a Graph entry is itself; an AD user is the synced account whose
   * onPremisesImmutableId is its objectGUID (base64; the sync's source anchor), else the one whose
   * onPremisesSamAccountName is its login (the one with its DN when several forests sync), else its UPN.
   */
  private async matching(entry: DirectoryEntry): Promise<GraphUser | null> {
    if (entry.source === 'graph') return this.userOrNull(entry.dn);
    if (entry.immutableId) {
      const byAnchor = await this.users(`onPremisesImmutableId eq ${odataString(entry.immutableId)}`, 2);
      if (byAnchor.length === 1) return byAnchor[0] ?? null;
    }
    const bySam = await this.api.list<GraphUser>('/users', {
      select: USER_SELECT,
      filter: `onPremisesSamAccountName eq ${odataString(entry.sAMAccountName)}`,
      eventual: true,
      max: 5,
    });
    const sameDn = bySam.filter((u) => u.onPremisesDistinguishedName?.toLowerCase() === entry.dn.toLowerCase());
    if (sameDn.length === 1) return sameDn[0] ?? null;
    if (bySam.length === 1) return bySam[0] ?? null;
    if (!entry.userPrincipalName) return null;
    const byUpn = await this.api.list<GraphUser>('/users', { select: USER_SELECT, filter: `userPrincipalName eq ${odataString(entry.userPrincipalName)}`, max: 2 });
    return byUpn.length === 1 ? (byUpn[0] ?? null) : null;
  }

  private async methods(objectId: string): Promise<EntraMethodCount[]> {
    const methods = await this.api.list<{ '@odata.type'?: string }>(`/users/${objectId}/authentication/methods`);
    const counts = new Map<string, number>();
    for (const m of methods) counts.set(methodKind(m['@odata.type']), (counts.get(methodKind(m['@odata.type'])) ?? 0) + 1);
    return [...counts].map(([kind, count]) => ({ kind, count })).sort((a, b) => a.kind.localeCompare(b.kind));
  }

  /** signInActivity needs AuditLog.Read.All and a Entra ID P1 licence: without them it is "not reported". */
  private async lastSignIn(objectId: string): Promise<{ at?: Date; reported: boolean }> {
    try {
      const u = await this.api.get<GraphUser>(`/users/${objectId}`, ['id', 'signInActivity']);
      const at = date(u.signInActivity?.lastSignInDateTime);
      return { ...(at ? { at } : {}), reported: true };
    } catch (e) {
      if (isHelpdeskError(e) && (e.code === 'DIR.INSUFFICIENT_RIGHTS' || e.code === 'DIR.ERROR')) return { reported: false };
      throw e;
    }
  }
}

function isCloudOnly(u: GraphUser): boolean {
  return u.onPremisesSyncEnabled !== true;
}

function notFoundAsNull(e: unknown): null {
  if (isHelpdeskError(e) && e.code === 'DIR.USER_NOT_FOUND') return null;
  throw e;
}
