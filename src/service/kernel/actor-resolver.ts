// Chat identity → directory user → role. Typed commands may reuse a role resolved a few seconds ago;
// button presses always resolve afresh, because a card in a shared channel can be clicked by anyone and
// group membership may have changed since the card was drawn.
import { HelpdeskError } from '../../domain/errors';
import { roleOf, type Actor, type RoleGroups } from '../../domain/roles';
import type { Clock } from '../../ports/clock.port';
import type { Directory } from '../../ports/directory.port';
import type { Entra } from '../../ports/entra.port';
import type { ChatIdentity } from './request-context';

const MAX_CACHED = 5000;

export class ActorResolver {
  private readonly cache = new Map<string, { actor: Actor; until: number }>();

  constructor(
    private readonly directory: Directory,
    private readonly roles: RoleGroups,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    /** Graph configured: Teams identities carry an aadObjectId, resolved through Entra. */
    private readonly entra?: Entra,
  ) {}

  async resolve(identity: ChatIdentity, options: { fresh: boolean }): Promise<Actor> {
    const aad = this.entra ? identity.aadObjectId?.trim().toLowerCase() : undefined;
    const login = identity.login?.trim().toLowerCase();
    const key = aad ? `aad:${aad}` : login;
    if (!key) throw new HelpdeskError('AUTH.UNKNOWN_IDENTITY');
    const now = this.clock.now().getTime();
    const cached = this.cache.get(key);
    if (!options.fresh && cached && cached.until > now) return cached.actor;

    const actor = aad ? await this.byObjectId(aad) : await this.byLogin(login ?? '');
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(key, { actor, until: now + this.ttlMs });
    return actor;
  }

  private async byLogin(login: string): Promise<Actor> {
    const entry = await this.directory.findByLogin(login);
    if (!entry) throw new HelpdeskError('AUTH.UNKNOWN_IDENTITY');
    const groups = await this.directory.groupsOf(entry.dn, entry.memberOf);
    return { user: { ...entry, groups }, role: roleOf(groups, this.roles) };
  }

  /**
   * The Entra user with this object id, their roles from transitive membership by group id. In a hybrid
   * setup the same person's AD account is the actor (found by onPremisesSamAccountName, else UPN), and its
   * AD groups count too: the fallback when the role groups are AD groups.
   */
  private async byObjectId(objectId: string): Promise<Actor> {
    const cloud = await this.entra?.userById(objectId);
    if (!cloud) throw new HelpdeskError('AUTH.UNKNOWN_IDENTITY');
    if (this.directory.source !== 'graph') {
      const login = cloud.onPremisesSamAccountName ?? cloud.entry.userPrincipalName;
      const ad = login ? await this.directory.findByLogin(login) : null;
      if (ad) {
        const groups = uniqueById([...cloud.groups, ...(await this.directory.groupsOf(ad.dn, ad.memberOf))]);
        return { user: { ...ad, groups }, role: roleOf(groups, this.roles) };
      }
    }
    return { user: { ...cloud.entry, groups: cloud.groups }, role: roleOf(cloud.groups, this.roles) };
  }
}

function uniqueById<T extends { readonly id: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.id.toLowerCase()) && seen.add(i.id.toLowerCase()));
}
