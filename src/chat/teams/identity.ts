// Who is talking, as the chat surface knows it: Teams — the member's UPN from the Bot Connector
// (TeamsInfo.getMember), cached briefly; the local console — the login its user picked (self-asserted,
// so only on turns the in-process console adapter marked, and only when the console is enabled).
// Mapping that login to a directory user and a role is the service's job, not this file's.
import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Surface } from '../../domain/roles';
import type { Logger } from '../../ports/logger.port';
import type { ChatIdentity } from '../../service/kernel';

/** Set in turnState by the local console's in-process adapter (src/chat/local); never reachable over HTTP. */
export const LOCAL_CONSOLE_TURN = Symbol('mypass.localConsoleTurn');

export interface ResolvedIdentity {
  readonly surface: Surface;
  readonly identity: ChatIdentity;
  readonly localConsole: boolean;
}

export interface IdentityResolverOptions {
  readonly logger: Logger;
  /** config.localConsole: whether console turns may assert a login. */
  readonly localConsole: boolean;
  /** How long a Teams member's UPN is reused (default 5 minutes). */
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
  /** Graph configured: the member is the Entra user of the activity's aadObjectId (the service looks them up). */
  readonly aadIdentity?: boolean;
}

interface CacheEntry {
  readonly login: string | undefined;
  readonly displayName: string | undefined;
  readonly expiresAt: number;
}

export function isLocalConsoleTurn(context: TurnContext): boolean {
  return context.turnState.get(LOCAL_CONSOLE_TURN) === true;
}

export class IdentityResolver {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<CacheEntry>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: IdentityResolverOptions) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async resolve(context: TurnContext): Promise<ResolvedIdentity> {
    const activity = context.activity;
    const from = activity.from ?? { id: '', name: '' };
    const chatUserId = from.id ?? '';
    const displayName = from.name || undefined;

    if (isLocalConsoleTurn(context)) {
      const login = this.options.localConsole && chatUserId !== '' ? chatUserId : undefined;
      return { surface: 'local', localConsole: true, identity: { chatUserId, login, displayName } };
    }
    if (activity.channelId !== 'msteams') {
      // Web Chat over a real Direct Line, the Emulator…: no verified identity to map.
      return { surface: 'directline', localConsole: false, identity: { chatUserId, displayName } };
    }
    if (this.options.aadIdentity) {
      // Entra knows the user by object id (and their groups by id): no connector round trip.
      const aadObjectId = from.aadObjectId?.trim() || undefined;
      return { surface: 'teams', localConsole: false, identity: { chatUserId, ...(aadObjectId ? { aadObjectId } : {}), displayName } };
    }
    const member = await this.teamsMember(context, chatUserId, from.aadObjectId);
    return {
      surface: 'teams',
      localConsole: false,
      identity: { chatUserId, login: member.login, displayName: member.displayName ?? displayName },
    };
  }

  private async teamsMember(context: TurnContext, memberId: string, aadObjectId: string | undefined): Promise<CacheEntry> {
    const tenant = context.activity.conversation?.tenantId ?? '';
    const key = `${tenant}|${aadObjectId ?? memberId}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.now()) return cached;
    const pending = this.inFlight.get(key);
    if (pending) return pending;

    const lookup = (async (): Promise<CacheEntry> => {
      try {
        const member = await TeamsInfo.getMember(context, memberId);
        const login = member.userPrincipalName || member.email || undefined;
        const entry = { login, displayName: member.name || undefined, expiresAt: this.now() + this.ttlMs };
        if (login) this.remember(key, entry);
        return entry;
      } catch (err) {
        this.options.logger.warn({ err, memberId }, 'could not resolve the Teams member (getMember)');
        return { login: undefined, displayName: undefined, expiresAt: 0 };
      } finally {
        this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, lookup);
    return lookup;
  }

  private remember(key: string, entry: CacheEntry): void {
    this.cache.delete(key);
    this.cache.set(key, entry);
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }

  /** For tests and for an operator who changed a user's UPN. */
  clear(): void {
    this.cache.clear();
  }
}
