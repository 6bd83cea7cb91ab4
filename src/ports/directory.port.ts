// The directory the helpdesk acts on: Active Directory over LDAPS, Entra ID, or the demo file.
// Adapters throw HelpdeskError with a DIR.* code for every expected failure; they never hang
// (every call is bounded by the adapter's timeout).
import type { DirectoryEntry, DirectorySource, GroupRef } from '../domain/directory-user';
import type { LockoutPolicy } from '../domain/lockout-policy';
import type { PasswordRules } from '../domain/password-rules';

export interface GroupMatches {
  readonly name: string;
  readonly groups: readonly GroupRef[];
}

/** A set lock and the policy that judges it (the user's PSO, else the domain's; undefined: the directory states none). */
export interface LockedOutEntry {
  readonly entry: DirectoryEntry;
  readonly policy: LockoutPolicy | undefined;
}

/** One domain controller's own view of a user: badPwdCount, badPasswordTime and lastLogon are kept per DC (not replicated). */
export interface DcLogonState {
  /** The DC's DNS host name (its server object's dNSHostName). */
  readonly dc: string;
  /** False when that DC could not be read (down, unreachable, refused): the numbers are then absent. */
  readonly reachable: boolean;
  readonly badPwdCount?: number;
  readonly badPasswordTime?: Date;
  readonly lastLogon?: Date;
  readonly lockoutTime?: Date;
}

/** Where and when the account's current lockoutTime was written (the replication metadata of lockoutTime). */
export interface LockoutOrigin {
  /** The originating DC's host name, when its invocationId names a DC of the domain. */
  readonly dc?: string;
  readonly invocationId: string;
  readonly at: Date;
  /** msDS-ReplAttributeMetaData (AD) or the binary replPropertyMetaData (Samba). */
  readonly from: 'msDS-ReplAttributeMetaData' | 'replPropertyMetaData';
}

export interface LockoutForensics {
  /** Every DC of the domain (from the configuration partition), each read on its own connection. */
  readonly dcs: readonly DcLogonState[];
  readonly origin?: LockoutOrigin;
}

export interface Directory {
  readonly source: DirectorySource;
  /**
   * Users matching a free-text query: exact sAMAccountName, UPN, mail or proxy address (as typed or
   * as shown, "smtp:…"); display name, given name or surname by prefix; login or mail containing it
   * (ASCII: "muller" finds zoe.muller); telephone number or mobile by digits (7 or more: the number's
   * last digits, any formatting). At most `limit` entries (the caller asks for one more
   * than it shows to know the list was cut). The query is a value, never a filter: adapters escape it.
   */
  search(query: string, limit: number): Promise<DirectoryEntry[]>;
  /** The one user whose sAMAccountName, UPN or mail equals `login` (case-insensitive), or null. */
  findByLogin(login: string): Promise<DirectoryEntry | null>;
  /**
   * Every group each name could mean: a DN names that group; a name matches a group's cn or
   * sAMAccountName anywhere in the domain. The caller decides what none or several mean. AD groups come
   * with their primaryGroupToken. Used once at start-up (group-settings.ts), never per request.
   */
  resolveGroups(names: readonly string[]): Promise<GroupMatches[]>;
  /** The DN of the account the adapter binds as (AD: LDAP_BIND_DN), or undefined when there is none. */
  serviceAccount(): Promise<string | undefined>;
  /** Transitive group membership of the entry with this dn. */
  groupsOf(dn: string, directGroups?: readonly string[]): Promise<GroupRef[]>;
  /** Clear the lockout (AD: lockoutTime = 0). */
  unlock(dn: string): Promise<void>;
  /** Set a new password; with mustChange the user must change it at next logon (pwdLastSet = 0). */
  setPassword(dn: string, password: string, options: { mustChange: boolean }): Promise<void>;
  /**
   * Whether `password` is the account's current password, proven by a real bind as that account (AD) on a
   * connection of its own. False for a wrong password and for an account that may not log on (locked,
   * disabled, expired); DIR.UNAVAILABLE when the directory cannot be asked. Never logs the password.
   */
  checkPassword(dn: string, password: string): Promise<boolean>;
  /** The rules a new password must meet, as the directory states them (shown on the portal), if it says. */
  passwordRules(): Promise<PasswordRules | undefined>;
  /**
   * The fine-grained policy that applies to this user instead of the domain's (AD: msDS-ResultantPSO), if
   * one does and the service account may read it; undefined when the domain's rules apply.
   */
  userPasswordRules(dn: string): Promise<PasswordRules | undefined>;
  /**
   * When wrong passwords lock an account: without `dn` the domain's policy, with it the one that applies to
   * that user (AD: its PSO, else the domain's). Undefined when the directory states none (Entra: no password
   * is ever checked). DIR.INSUFFICIENT_RIGHTS when a PSO applies that the service account may not read: the
   * domain's numbers would then be a guess.
   */
  lockoutPolicy(dn?: string): Promise<LockoutPolicy | undefined>;
  /**
   * The accounts whose lock is set (AD: one indexed query `(lockoutTime>=1)`, read page by page), each with
   * its state as the directory reports it and the lockout policy in force for it, as lockoutPolicy(dn) would
   * state it (AD: each distinct PSO read once per answer, not once per user). Whether a lock still holds is
   * the caller's to judge from `account.lockedAt` and that policy. Entra: Graph reports no lockout state
   * (smart lockout is not exposed per user), so none.
   */
  lockedOut(): Promise<LockedOutEntry[]>;
  /**
   * Enabled accounts whose password expires before `before` or has expired, or must be changed
   * (pwdLastSet = 0); never those whose password never expires. AD: one paged query on pwdLastSet bounded by
   * the shortest maximum age in force (domain or any PSO), each entry's own expiry from the DC's computed
   * attribute. Entra: none (cloud passwords follow the tenant's policy, not reported per user).
   */
  expiringPasswords(before: Date): Promise<DirectoryEntry[]>;
  /**
   * Why an account locks (`lockout <user>`): each DC's own counters and where lockoutTime originated. Only
   * directories with domain controllers offer it (AD); absent elsewhere.
   */
  lockoutForensics?(dn: string): Promise<LockoutForensics>;
  /** Throws DIR.UNAVAILABLE (or another DIR.* code) when the directory cannot be used. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
