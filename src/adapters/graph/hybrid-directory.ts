// Hybrid: Active Directory is the directory the helpdesk acts on; each AD user's group membership also
// counts the groups and directory roles of their synced Entra account (so ROLE_* and PROTECTED_GROUPS may
// name Entra groups by object id, and an Entra admin role protects the AD account too). Fails closed:
// when Graph cannot answer, membership is unknown and the request fails rather than skip a protection.
// Both directories: users AD does not have (Entra users not synced from on-premises) are found through
// Graph after AD's; such an entry's dn is its object id, so acting on it goes to Graph (no AD unlock).
import type { LockoutPolicy } from '../../domain/lockout-policy';
import type { PasswordRules } from '../../domain/password-rules';
import type { DirectoryEntry, GroupRef } from '../../domain/directory-user';
import { HelpdeskError } from '../../domain/errors';
import type { Directory, GroupMatches, LockedOutEntry } from '../../ports/directory.port';
import { isObjectId, type GraphDirectory } from './graph-directory';

type Cloud = Pick<GraphDirectory, 'linkedGroups' | 'resolveGroups' | 'searchCloudOnly' | 'findCloudOnlyByLogin' | 'groupsOf' | 'setPassword'>;

const MAX_REMEMBERED = 5000;

export class HybridDirectory implements Directory {
  readonly source: Directory['source'];
  /** The entries AD returned lately, by DN: groupsOf gets only a DN, the Entra match needs the login. */
  private readonly seen = new Map<string, DirectoryEntry>();

  constructor(
    private readonly ad: Directory,
    private readonly entra: Cloud,
  ) {
    this.source = ad.source;
  }

  /** AD's users first, then the cloud-only ones, up to `limit` in all. */
  async search(query: string, limit: number): Promise<DirectoryEntry[]> {
    const [onPrem, cloud] = await Promise.all([this.ad.search(query, limit), this.entra.searchCloudOnly(query, limit)]);
    return [...this.remember(onPrem), ...cloud].slice(0, limit);
  }

  async findByLogin(login: string): Promise<DirectoryEntry | null> {
    const entry = await this.ad.findByLogin(login);
    if (entry) return this.remember([entry])[0] ?? null;
    return this.entra.findCloudOnlyByLogin(login);
  }

  /** Object ids are Entra groups; names and DNs are AD's. */
  async resolveGroups(names: readonly string[]): Promise<GroupMatches[]> {
    const ids = names.filter(isObjectId);
    const others = names.filter((n) => !isObjectId(n));
    const [cloud, onPrem] = await Promise.all([ids.length ? this.entra.resolveGroups(ids) : [], others.length ? this.ad.resolveGroups(others) : []]);
    return [...cloud, ...onPrem];
  }

  serviceAccount(): Promise<string | undefined> {
    return this.ad.serviceAccount();
  }

  async groupsOf(dn: string, directGroups?: readonly string[]): Promise<GroupRef[]> {
    if (isObjectId(dn)) return this.entra.groupsOf(dn); // a cloud-only user
    const entry = this.seen.get(dn.toLowerCase());
    // The entry's own memberOf goes through: AD starts from it, or takes the walk its search started.
    const [onPrem, cloud] = await Promise.all([this.ad.groupsOf(dn, directGroups), entry ? this.entra.linkedGroups(entry) : Promise.resolve([])]);
    return [...onPrem, ...cloud];
  }

  unlock(dn: string): Promise<void> {
    if (isObjectId(dn)) return Promise.reject(new HelpdeskError('CMD.NOT_AVAILABLE', 'Entra ID accounts have no lockout to clear', { command: 'unlock' }));
    return this.ad.unlock(dn);
  }

  checkPassword(dn: string, password: string): Promise<boolean> {
    return this.ad.checkPassword(dn, password);
  }

  /** The portal resets AD accounts: Active Directory's rules. */
  passwordRules(): Promise<PasswordRules | undefined> {
    return this.ad.passwordRules();
  }

  userPasswordRules(dn: string): Promise<PasswordRules | undefined> {
    return isObjectId(dn) ? Promise.resolve(undefined) : this.ad.userPasswordRules(dn);
  }

  /** Passwords are checked against AD only: its policy (none for an Entra object id). */
  lockoutPolicy(dn?: string): Promise<LockoutPolicy | undefined> {
    return dn !== undefined && isObjectId(dn) ? Promise.resolve(undefined) : this.ad.lockoutPolicy(dn);
  }

  /** Lockouts and password expiry are AD's: Graph reports neither per user. */
  lockedOut(): Promise<LockedOutEntry[]> {
    return this.ad.lockedOut();
  }

  expiringPasswords(before: Date): Promise<DirectoryEntry[]> {
    return this.ad.expiringPasswords(before);
  }

  setPassword(dn: string, password: string, options: { mustChange: boolean }): Promise<void> {
    return isObjectId(dn) ? this.entra.setPassword(dn, password, options) : this.ad.setPassword(dn, password, options);
  }

  ping(): Promise<void> {
    return this.ad.ping();
  }

  close(): Promise<void> {
    return this.ad.close();
  }

  private remember(entries: DirectoryEntry[]): DirectoryEntry[] {
    for (const e of entries) {
      this.seen.delete(e.dn.toLowerCase());
      this.seen.set(e.dn.toLowerCase(), e);
    }
    while (this.seen.size > MAX_REMEMBERED) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
    return entries;
  }
}
