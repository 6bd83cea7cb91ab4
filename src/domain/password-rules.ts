// The directory's password rules as the portal shows them before a user types a new password (AD: the
// domain's minPwdLength, pwdProperties' complexity bit and pwdHistoryLength, or those of the fine-grained
// policy, a PSO, that applies to the user). The directory still has the last word when the password is set.

export interface PasswordRules {
  readonly minLength: number;
  /** AD complexity: three of upper case, lower case, digits and symbols; not the login or full name. */
  readonly complexity: boolean;
  /** How many earlier passwords cannot be used again (0: none remembered). */
  readonly history: number;
}

/** pwdProperties bit 0: DOMAIN_PASSWORD_COMPLEX. */
export const DOMAIN_PASSWORD_COMPLEX = 1;

export function passwordRulesText(rules: PasswordRules | undefined): string {
  if (!rules) return 'Your new password must follow the organisation’s password policy; the directory checks it when you save it.';
  const parts = [`at least ${rules.minLength} characters`];
  if (rules.complexity) parts.push('characters of three kinds out of upper case, lower case, digits and symbols', 'not your login or your name');
  if (rules.history > 0) parts.push(rules.history === 1 ? 'not your current password' : `not one of your last ${rules.history} passwords`);
  return `Your new password needs ${parts.join('; ')}. The directory checks it when you save it.`;
}

/**
 * Why the directory most likely refused `password`, in words (Windows AD answers only "constraint
 * violation"): checked against the rules it states, in the order it checks them.
 */
export function refusalReason(password: string, login: string, rules: PasswordRules | undefined): string {
  if (rules && password.length < rules.minLength) return `it is shorter than ${rules.minLength} characters.`;
  if (rules?.complexity) {
    const kinds = [/\p{Lu}/u, /\p{Ll}/u, /\p{Nd}/u, /[^\p{L}\p{Nd}]/u].filter((k) => k.test(password)).length;
    if (kinds < 3) return 'it needs characters of three kinds out of upper case, lower case, digits and symbols.';
    if (login.length >= 3 && password.toLowerCase().includes(login.toLowerCase())) return 'it contains your login.';
  }
  const history = rules && rules.history > 0 ? (rules.history === 1 ? 'your current password, ' : `one of your last ${rules.history} passwords, `) : '';
  return `it does not meet the policy: it may be ${history}contain part of your name, or be too new a change (passwords cannot be changed again too soon).`;
}
