// Mapping an Active Directory user entry (as ldapts returns it) onto DirectoryEntry. Pure: the
// time and the domain's lockout/password policy are passed in.
import type { AccountState, DirectoryEntry } from '../../domain/directory-user';
import { adDurationToMs, fileTimeToDate, generalizedTimeToDate, isZeroFileTime } from './ad-time';
import { firstRdnValue } from './dn';

/** What the adapter asks for: only the attributes the mapping reads. */
export const USER_ATTRIBUTES = [
  'sAMAccountName',
  'userPrincipalName',
  'displayName',
  'givenName',
  'sn',
  'userAccountControl',
  'msDS-User-Account-Control-Computed',
  'lockoutTime',
  'badPwdCount',
  'pwdLastSet',
  'msDS-UserPasswordExpiryTimeComputed',
  'lastLogon',
  'lastLogonTimestamp',
  'accountExpires',
  'whenCreated',
  'department',
  'title',
  'company',
  'physicalDeliveryOfficeName',
  'manager',
  'mail',
  'telephoneNumber',
  'mobile',
  'proxyAddresses',
  // Privilege marks, read with the entry (no extra round trip): see domain/protection.ts.
  'adminCount',
  'primaryGroupID',
  // Direct groups, read with the entry: the transitive walk then starts one level up (a round trip less).
  'memberOf',
  // The source anchor Entra Connect syncs as onPremisesImmutableId (base64 of these 16 bytes).
  'objectGUID',
] as const;

/** Binary attributes ldapts must hand over as Buffers (a UTF-8 decode would mangle them). */
export const BUFFER_ATTRIBUTES = ['objectGUID'];

// userAccountControl / msDS-User-Account-Control-Computed flags
const UF_ACCOUNTDISABLE = 0x2;
const UF_LOCKOUT = 0x10;
const UF_DONT_EXPIRE_PASSWD = 0x10000;
const UF_PASSWORD_EXPIRED = 0x800000;

/** The domain-wide settings the fallbacks need, read from the domain root (raw AD values). */
export interface DomainPolicy {
  /** lockoutDuration: negative 100-ns intervals; 0 = until an administrator unlocks. */
  readonly lockoutDuration?: string;
  /** maxPwdAge: negative 100-ns intervals; 0 = passwords never expire. */
  readonly maxPwdAge?: string;
}

/** An entry as ldapts returns it: attribute name → string, string[] or Buffer(s). */
export type RawEntry = { readonly dn: string } & Readonly<Record<string, unknown>>;

/** Attribute access by case-insensitive name (servers may return another casing than requested). */
export class Attributes {
  private readonly byName = new Map<string, string[]>();

  constructor(raw: RawEntry) {
    for (const [name, value] of Object.entries(raw)) {
      if (name === 'dn') continue;
      const values = (Array.isArray(value) ? value : [value])
        .map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'string' ? v : undefined))
        .filter((v): v is string => v !== undefined);
      this.byName.set(name.toLowerCase(), values);
    }
  }

  first(name: string): string | undefined {
    const v = this.byName.get(name.toLowerCase())?.[0];
    return v === undefined || v === '' ? undefined : v;
  }

  all(name: string): string[] {
    return this.byName.get(name.toLowerCase()) ?? [];
  }

  int(name: string): number | undefined {
    const v = this.first(name);
    if (v === undefined || !/^-?\d+$/.test(v.trim())) return undefined;
    return Number(v);
  }
}

// An entry is read by several of the functions below while it becomes a DirectoryEntry: its attribute
// map is built once (entries are never changed once the DC returned them).
const attributesOf = new WeakMap<RawEntry, Attributes>();
function attributes(raw: RawEntry): Attributes {
  let a = attributesOf.get(raw);
  if (!a) {
    a = new Attributes(raw);
    attributesOf.set(raw, a);
  }
  return a;
}

/**
 * memberOf as the DC sent it, without mapping the whole entry first (the group walk starts with it, ahead of
 * the mapping); under any other spelling of the name, from the entry's mapped attributes.
 */
export function memberOfAsSent(raw: RawEntry): string[] {
  const value = raw.memberOf;
  if (value === undefined) return attributes(raw).all('memberOf');
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

/** True when the entry may be locked (then lockoutEndsAt needs the domain's lockoutDuration). */
export function hasLockoutTime(raw: RawEntry): boolean {
  return fileTimeToDate(attributes(raw).first('lockoutTime')) !== undefined;
}

/** True when the DC did not return the computed attributes, so the mapping falls back on policy. */
export function needsPolicyFallback(raw: RawEntry): boolean {
  const a = attributes(raw);
  return a.first('msDS-User-Account-Control-Computed') === undefined || a.first('msDS-UserPasswordExpiryTimeComputed') === undefined;
}

export function accountState(a: Attributes, policy: DomainPolicy, now: Date): AccountState {
  const uac = a.int('userAccountControl') ?? 0;
  const computed = a.int('msDS-User-Account-Control-Computed');
  const lockoutDurationMs = adDurationToMs(policy.lockoutDuration);

  // Locked: the DC's computed flag when offered; else lockoutTime still inside lockoutDuration.
  // AD leaves lockoutTime set after the lock ran out by itself, so lockoutTime alone is not enough.
  const lockoutTime = fileTimeToDate(a.first('lockoutTime'));
  const locked =
    computed !== undefined
      ? (computed & UF_LOCKOUT) !== 0
      : lockoutTime !== undefined && (lockoutDurationMs === undefined || now.getTime() < lockoutTime.getTime() + lockoutDurationMs);
  const lockedAt = locked ? lockoutTime : undefined;
  const lockoutEndsAt =
    lockedAt !== undefined && lockoutDurationMs !== undefined ? new Date(lockedAt.getTime() + lockoutDurationMs) : undefined;

  const passwordMustChange = isZeroFileTime(a.first('pwdLastSet'));
  const passwordLastSet = fileTimeToDate(a.first('pwdLastSet'));
  const passwordExpiresAt = passwordExpiry(a, uac, passwordLastSet, policy);
  const passwordExpired =
    !passwordMustChange &&
    ((computed !== undefined && (computed & UF_PASSWORD_EXPIRED) !== 0) ||
      (passwordExpiresAt !== undefined && passwordExpiresAt.getTime() <= now.getTime()));

  // lastLogon is per DC and exact; lastLogonTimestamp is replicated but up to ~14 days behind.
  const logons = [fileTimeToDate(a.first('lastLogon')), fileTimeToDate(a.first('lastLogonTimestamp'))].filter(
    (d): d is Date => d !== undefined,
  );
  const lastLogon = logons.length ? new Date(Math.max(...logons.map((d) => d.getTime()))) : undefined;

  return {
    enabled: (uac & UF_ACCOUNTDISABLE) === 0,
    locked,
    lockedAt,
    lockoutEndsAt,
    badPwdCount: a.int('badPwdCount'),
    passwordLastSet,
    passwordMustChange,
    passwordExpiresAt,
    passwordExpired,
    lastLogon,
    accountExpiresAt: fileTimeToDate(a.first('accountExpires')),
    createdAt: generalizedTimeToDate(a.first('whenCreated')),
  };
}

/** msDS-UserPasswordExpiryTimeComputed when offered (it knows fine-grained policies); else maxPwdAge. */
function passwordExpiry(a: Attributes, uac: number, lastSet: Date | undefined, policy: DomainPolicy): Date | undefined {
  const computed = a.first('msDS-UserPasswordExpiryTimeComputed');
  if (computed !== undefined) return fileTimeToDate(computed); // 0 (must change) and "never" → undefined
  if ((uac & UF_DONT_EXPIRE_PASSWD) !== 0 || lastSet === undefined) return undefined;
  const maxAgeMs = adDurationToMs(policy.maxPwdAge);
  return maxAgeMs === undefined ? undefined : new Date(lastSet.getTime() + maxAgeMs);
}

/** base64 of the objectGUID bytes: what Entra Connect stores as onPremisesImmutableId. */
export function immutableIdOf(raw: RawEntry): string | undefined {
  const key = Object.keys(raw).find((k) => k.toLowerCase() === 'objectguid');
  const v: unknown = key === undefined ? undefined : raw[key];
  const bytes = Array.isArray(v) ? (v as unknown[])[0] : v;
  return Buffer.isBuffer(bytes) && bytes.length === 16 ? bytes.toString('base64') : undefined;
}

export function toDirectoryEntry(raw: RawEntry, policy: DomainPolicy, now: Date): DirectoryEntry {
  const a = attributes(raw);
  const sAMAccountName = a.first('sAMAccountName') ?? '';
  const upn = a.first('userPrincipalName');
  const given = a.first('givenName');
  const surname = a.first('sn');
  const managerDn = a.first('manager');
  const at = upn?.lastIndexOf('@') ?? -1;
  return {
    dn: raw.dn,
    sAMAccountName,
    userPrincipalName: upn,
    displayName: a.first('displayName') ?? ([given, surname].filter(Boolean).join(' ') || sAMAccountName),
    givenName: given,
    surname,
    account: accountState(a, policy, now),
    organisation: {
      department: a.first('department'),
      title: a.first('title'),
      company: a.first('company'),
      office: a.first('physicalDeliveryOfficeName'),
      // The manager's CN, read from the DN: AD names user objects by full name, and this saves a
      // round trip per entry on every search.
      manager: managerDn === undefined ? undefined : firstRdnValue(managerDn),
    },
    contact: {
      mail: a.first('mail'),
      telephoneNumber: a.first('telephoneNumber'),
      mobile: a.first('mobile'),
    },
    linked: {
      upnSuffix: upn !== undefined && at >= 0 ? upn.slice(at + 1) : undefined,
      proxyAddresses: a.all('proxyAddresses'),
    },
    privilege: { adminCount: a.int('adminCount') === 1, primaryGroupId: a.int('primaryGroupID') },
    memberOf: a.all('memberOf'),
    ...(immutableIdOf(raw) ? { immutableId: immutableIdOf(raw) } : {}),
    source: 'ldap',
  };
}
