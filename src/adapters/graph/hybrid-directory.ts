// Hybrid: Active Directory is the directory the helpdesk acts on; each AD user's group membership also
// counts the groups and directory roles of their synced Entra account (so ROLE_* and PROTECTED_GROUPS may
// name Entra groups by object id, and an Entra admin role protects the AD account too). Fails closed:
// when Graph cannot answer, membership is unknown and the request fails rather than skip a protection.
import type { DirectoryEntry, GroupRef } from '../../domain/directory-user';
import type { Directory, GroupMatches } from '../../ports/directory.port';
import type { Entra } from '../../ports/entra.port';
import { isObjectId } from './graph-directory';

const MAX_REMEMBERED = 5000;

export class HybridDirectory implements Directory {
  readonly source: Directory['source'];
  /** The entries AD returned lately, by DN: groupsOf gets only a DN, the Entra match needs the login. */
  private readonly seen = new Map<string, DirectoryEntry>();

  constructor(
    private readonly ad: Directory,
    private readonly entra: Entra & Pick<Directory, 'resolveGroups'>,
  ) {
    this.source = ad.source;
  }

  async search(query: string, limit: number): Promise<DirectoryEntry[]> {
    return this.remember(await this.ad.search(query, limit));
  }

  async findByLogin(login: string): Promise<DirectoryEntry | null> {
    const entry = await this.ad.findByLogin(login);
    if (entry) this.remember([entry]);
    return entry;
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

  async groupsOf(dn: string): Promise<GroupRef[]> {
    const entry = this.seen.get(dn.toLowerCase());
    const [onPrem, cloud] = await Promise.all([this.ad.groupsOf(dn), entry ? this.entra.linkedGroups(entry) : Promise.resolve([])]);
    return [...onPrem, ...cloud];
  }

  unlock(dn: string): Promise<void> {
    return this.ad.unlock(dn);
  }

  checkPassword(dn: string, password: string): Promise<boolean> {
    return this.ad.checkPassword(dn, password);
  }

  setPassword(dn: string, password: string, options: { mustChange: boolean }): Promise<void> {
    return this.ad.setPassword(dn, password, options);
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
