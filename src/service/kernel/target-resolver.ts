// A command's <user> argument → exactly one directory user, with the protections that apply to it.
import type { DirectoryEntry, DirectoryUser } from '../../domain/directory-user';
import { HelpdeskError } from '../../domain/errors';
import { type Protection, type ProtectionReason, protectionReason } from '../../domain/protection';
import type { Actor } from '../../domain/roles';
import type { Directory } from '../../ports/directory.port';

export interface Target {
  readonly user: DirectoryUser;
  /** Privileged (see domain/protection.ts): no account-changing action through the bot. */
  readonly protected: boolean;
  /** Why it is protected, when it is. */
  readonly protectedBecause?: ProtectionReason;
  /** The actor's own account. */
  readonly self: boolean;
}

function sameUser(a: DirectoryEntry, b: DirectoryEntry): boolean {
  return a.dn.toLowerCase() === b.dn.toLowerCase();
}

/** Exact login first; otherwise a search that must find exactly one user. */
export async function findOne(directory: Directory, query: string): Promise<DirectoryEntry> {
  const exact = await directory.findByLogin(query);
  if (exact) return exact;
  const hits = await directory.search(query, 2);
  if (hits.length === 0) throw new HelpdeskError('DIR.USER_NOT_FOUND', undefined, { query });
  if (hits.length > 1) throw new HelpdeskError('DIR.AMBIGUOUS', undefined, { query });
  return hits[0] as DirectoryEntry;
}

export async function withProtections(
  directory: Directory,
  entry: DirectoryEntry,
  actor: Actor,
  protection: Protection,
): Promise<Target> {
  const groups = await directory.groupsOf(entry.dn, entry.memberOf);
  const reason = protectionReason(entry, groups, protection);
  return {
    user: { ...entry, groups },
    protected: reason !== undefined,
    ...(reason ? { protectedBecause: reason } : {}),
    self: sameUser(entry, actor.user),
  };
}

/** Refuses account-changing actions on protected targets and on oneself. */
export function assertMayChange(target: Target): void {
  if (target.self) throw new HelpdeskError('POLICY.SELF_ACTION');
  if (target.protected) throw new HelpdeskError('POLICY.PROTECTED_TARGET', undefined, { user: target.user.sAMAccountName });
}
