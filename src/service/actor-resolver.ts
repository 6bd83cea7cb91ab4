// Chat identity → directory user → role. Typed commands may reuse a role resolved a few seconds ago;
// button presses always resolve afresh, because a card in a shared channel can be clicked by anyone and
// group membership may have changed since the card was drawn.
import { HelpdeskError } from '../domain/errors';
import type { Actor, RoleGroups } from '../domain/roles';
import { roleOf } from '../domain/roles';
import type { Clock } from '../ports/clock.port';
import type { Directory } from '../ports/directory.port';
import type { ChatIdentity } from './request-context';

const MAX_CACHED = 5000;

export class ActorResolver {
  private readonly cache = new Map<string, { actor: Actor; until: number }>();

  constructor(
    private readonly directory: Directory,
    private readonly roles: RoleGroups,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async resolve(identity: ChatIdentity, options: { fresh: boolean }): Promise<Actor> {
    const login = identity.login?.trim().toLowerCase();
    if (!login) throw new HelpdeskError('AUTH.UNKNOWN_IDENTITY');
    const now = this.clock.now().getTime();
    const cached = this.cache.get(login);
    if (!options.fresh && cached && cached.until > now) return cached.actor;

    const entry = await this.directory.findByLogin(login);
    if (!entry) throw new HelpdeskError('AUTH.UNKNOWN_IDENTITY');
    const groups = await this.directory.groupsOf(entry.dn, entry.memberOf);
    const actor: Actor = { user: { ...entry, groups }, role: roleOf(groups, this.roles) };
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(login, { actor, until: now + this.ttlMs });
    return actor;
  }
}
