// What the helpdesk knows about a directory user. Plain data, the same for AD, Entra and the demo file.

export type DirectorySource = 'ldap' | 'demo' | 'graph';

export interface GroupRef {
  /** Distinguished name (AD) or object id (Entra); unique. */
  readonly id: string;
  /** Short name shown to people: the group's cn / displayName. Never compared: names are not unique. */
  readonly name: string;
  /** AD: the group's RID, which a user's primaryGroupID names (resolved groups only). */
  readonly primaryGroupToken?: number;
  /** Entra: an (active) directory role rather than a group; holding one protects the account. */
  readonly directoryRole?: boolean;
}

export interface AccountState {
  readonly enabled: boolean;
  readonly locked: boolean;
  readonly lockedAt?: Date;
  /** When AD will release the lock by itself; undefined = until an admin unlocks. */
  readonly lockoutEndsAt?: Date;
  readonly badPwdCount?: number;
  readonly passwordLastSet?: Date;
  /** pwdLastSet = 0: the user must change the password at next logon. */
  readonly passwordMustChange: boolean;
  /** undefined = never expires (or unknown). */
  readonly passwordExpiresAt?: Date;
  readonly passwordExpired: boolean;
  readonly lastLogon?: Date;
  /** undefined = never expires. */
  readonly accountExpiresAt?: Date;
  readonly createdAt?: Date;
}

export interface DirectoryEntry {
  /** Distinguished name (AD) or object id: the stable id adapters act on. */
  readonly dn: string;
  readonly sAMAccountName: string;
  readonly userPrincipalName?: string;
  readonly displayName: string;
  readonly givenName?: string;
  readonly surname?: string;
  readonly account: AccountState;
  readonly organisation: {
    readonly department?: string;
    readonly title?: string;
    readonly company?: string;
    readonly office?: string;
    /** The manager's display name. */
    readonly manager?: string;
  };
  readonly contact: {
    readonly mail?: string;
    readonly telephoneNumber?: string;
    readonly mobile?: string;
  };
  readonly linked: {
    readonly upnSuffix?: string;
    readonly proxyAddresses: readonly string[];
  };
  /** What marks an AD account as privileged beyond its groups (read with the entry: no extra round trip). */
  readonly privilege?: {
    /** adminCount = 1: AD's SDProp has protected it as a member of a privileged group (now or once). */
    readonly adminCount: boolean;
    /** The RID of the primary group, a membership that memberOf does not show. */
    readonly primaryGroupId?: number;
  };
  /**
   * The entry's direct groups (AD: DNs from memberOf) when the directory read them with the entry, so that
   * its transitive groups need one round trip less; undefined when not read.
   */
  readonly memberOf?: readonly string[];
  /** AD: base64 of the objectGUID, which Entra Connect syncs as onPremisesImmutableId (the linked account's anchor). */
  readonly immutableId?: string;
  readonly source: DirectorySource;
}

/** An entry with its transitive group membership. */
export interface DirectoryUser extends DirectoryEntry {
  readonly groups: readonly GroupRef[];
}
