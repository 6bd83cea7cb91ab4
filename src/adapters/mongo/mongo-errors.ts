// Every failure of the MongoDB server or the driver (no server within the selection timeout, a closed
// connection, a socket timeout, a refused write) becomes STORE.UNAVAILABLE: callers rely on that single
// code to fail closed. A duplicate key is no failure here: it is how a claim learns it lost the race.
import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import { HelpdeskError, isHelpdeskError } from '../../domain/errors';

export function mongoUnavailable(what: string, cause: unknown): HelpdeskError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new HelpdeskError('STORE.UNAVAILABLE', `MongoDB store: ${what} failed: ${detail}`, {}, { cause });
}

/** Runs `fn`, mapping anything it throws (other than our own coded errors) to STORE.UNAVAILABLE. */
export async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isHelpdeskError(e)) throw e;
    throw mongoUnavailable(what, e);
  }
}

/** Error 11000: a unique index refused the insert (the claim was someone else's). */
export function isDuplicateKey(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 11000;
}

/** Inserts `doc` as a claim: true when it is ours, false when the key was already taken. */
export async function claim<T extends Document>(collection: Collection<T>, doc: NoInfer<OptionalUnlessRequiredId<T>>): Promise<boolean> {
  try {
    await collection.insertOne(doc);
    return true;
  } catch (e) {
    if (isDuplicateKey(e)) return false;
    throw e;
  }
}
