// The Entra ID (Azure AD) account of a user, as the details card shows it: never a secret, never a
// method's value (phone numbers, keys), only kinds and counts.

export interface EntraMethodCount {
  /** e.g. 'password', 'microsoftAuthenticator', 'fido2', 'phone', 'temporaryAccessPass'. */
  readonly kind: string;
  readonly count: number;
}

export interface EntraAccount {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
  readonly enabled: boolean;
  /** Synced from on-premises AD (Entra Connect / Cloud Sync) or created in the cloud. */
  readonly origin: 'synced' | 'cloud-only';
  /** undefined with lastSignInReported false: the tenant does not report it (licence or permission). */
  readonly lastSignIn?: Date;
  readonly lastSignInReported: boolean;
  readonly methods: readonly EntraMethodCount[];
  /** Active directory roles held (names); any makes the account protected. */
  readonly directoryRoles: readonly string[];
}

/** A Temporary Access Pass as Graph created it. `value` is the secret: shown once to its viewer, nowhere else. */
export interface TemporaryAccessPass {
  /** The method's id, to delete it (a pass that could not be delivered). */
  readonly id: string;
  readonly value: string;
  readonly startsAt: Date;
  readonly lifetimeMinutes: number;
  readonly oneTime: boolean;
}
