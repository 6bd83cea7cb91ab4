// The portal's password checks (real binds) counted per account, so the portal can never lock an AD
// account (DESIGN "Self-service portal"). Keyed by the resolved account (the lower-cased sAMAccountName),
// so every spelling of a login and every process share one count.
//
// Each bind is a claim: a row (account, n) with n one more than the account's newest. Two claimers that
// read the same newest row race for the same n and a unique key lets one of them in; the other reads
// again. So MongoDB can do it with a unique index on (account, n) and insertOne, no conditional update.
import type { BindBudget } from '../domain/lockout-policy';

export interface PasswordBindRepository {
  /**
   * Claims one bind for `account` at `at` if fewer than `budget.max` were claimed within `budget.windowMs`
   * before it; true when claimed. Never more than `budget.max` claims succeed in a window, however many
   * processes ask at once. Claims never given back: a bind that was made was made.
   */
  claim(account: string, at: Date, budget: BindBudget): Promise<boolean>;
}
