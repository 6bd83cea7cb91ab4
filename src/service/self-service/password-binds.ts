// The portal's password checks (real binds) counted per account, so the portal can never lock an AD account
// (domain/lockout-policy.ts sets the budget). They are quota uses in the store (QuotaRepository: unique-key
// places, no transaction), keyed by the lower-cased sAMAccountName, so every spelling of a login and every
// process share one count.
import type { BindBudget } from '../../domain/lockout-policy';
import type { QuotaRepository } from '../../ports/quotas.port';

/**
 * Claims one bind for `account` at `at` if fewer than `budget.max` were claimed within `budget.windowMs`
 * before it; true when claimed. Never given back: a bind that was made was made.
 */
export async function claimPasswordBind(quotas: QuotaRepository, account: string, at: Date, budget: BindBudget): Promise<boolean> {
  if (budget.max <= 0) return false;
  return (await quotas.take(`password-bind:${account.toLowerCase()}`, budget.max, budget.windowMs, at)).ok;
}
