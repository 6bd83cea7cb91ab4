// Uses counted in a sliding window, kept in the store so a restart or a second replica counts the same:
// texts per account, per number and in total, challenge attempts per login, password binds per account (issue 16).
//
// A key has `limit` places. Taking one claims a free place by a unique-key insert, or frees a place whose
// use left the window by a delete whose count is checked and then claims it: the two operations that are
// atomic on every MongoDB-compatible server (DESIGN "Production store and replicas"), so concurrent takers
// in any number of processes never hold more than `limit` places within the window.

export interface QuotaPlace {
  readonly key: string;
  readonly place: number;
  readonly at: Date;
}

export type QuotaTake =
  | { readonly ok: true; readonly place: QuotaPlace }
  /** Every place is in use; `freeAt`: when the oldest use leaves the window. */
  | { readonly ok: false; readonly freeAt: Date };

export interface QuotaRepository {
  /** One use of `key` at `at`, if fewer than `limit` uses lie within the `windowMs` before it. */
  take(key: string, limit: number, windowMs: number, at: Date): Promise<QuotaTake>;
  /** Gives a taken place back (the use did not happen after all). */
  giveBack(place: QuotaPlace): Promise<void>;
}
