// How many texts the self-service portal may send (issue 16, SMS pumping): per account, per destination
// number and in total in any hour, and to which countries a registered mobile may belong. Plain rules.

export interface TextBudgetSettings {
  /** Codes (sign-in, mobile registration) texted for one portal account in any hour (SMS_PER_ACCOUNT_PER_HOUR). */
  readonly perAccount: number;
  /** Texts (codes and notices) to one number in any hour (SMS_PER_NUMBER_PER_HOUR). */
  readonly perNumber: number;
  /** Texts the portal sends in all in any hour (SMS_PER_HOUR). */
  readonly total: number;
  /** Country calling codes ('+1', '+44') a registered mobile may have (SMS_ALLOWED_COUNTRIES); empty: any. */
  readonly allowedCountries: readonly string[];
}

export const DEFAULT_TEXT_BUDGET: TextBudgetSettings = { perAccount: 3, perNumber: 3, total: 100, allowedCountries: [] };

/**
 * Whether an E.164 number belongs to one of the allowed country calling codes. Calling codes are a prefix
 * code (no code begins another), so a plain prefix test tells the country.
 */
export function inAllowedCountry(e164: string, allowed: readonly string[]): boolean {
  return allowed.length === 0 || allowed.some((code) => e164.startsWith(code));
}
