// The self-service portal (PORTAL=on|off|only): its sign-in policy, sessions, rates, texts and proxies.
import { z } from 'zod';
import { DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE } from '../../domain/portal';
import { DEFAULT_TEXT_BUDGET } from '../../domain/text-budget';
import { isAddressOrRange } from '../address-or-range';
import { integer, integration, list, optional } from '../integration';
import type { Config } from '../config';

/** PORTAL_QUESTIONS' default: the questions a user picks from when enrolling. */
export const DEFAULT_PORTAL_QUESTIONS: readonly string[] = [
  'What was the name of your first pet?',
  'In which city were you born?',
  'What was the first book you loved?',
  'What was the name of your first school?',
  'What is your favourite dish?',
  'What was the make of your first car or bicycle?',
  'What is the middle name of your oldest sibling?',
  'What was your childhood nickname?',
];

export const portal = integration({
  variables: {
    PORTAL: z.enum(['on', 'off', 'only']).default('on'),
    PORTAL_LOCK_AFTER: integer(1, 100, 5),
    PORTAL_QUESTIONS_ASKED: integer(1, 10, 3),
    PORTAL_QUESTIONS: list,
    PORTAL_MIN_QUESTIONS: integer(1, 10, 3),
    PORTAL_MIN_ANSWER_LENGTH: integer(1, 100, 3),
    PORTAL_SESSION_IDLE_MINUTES: integer(1, 120, 10),
    PORTAL_SESSION_MAX_MINUTES: integer(1, 1440, 30),
    PORTAL_RATE_PER_MINUTE: integer(1, 100_000, 60),
    PORTAL_LOGIN_RATE_PER_MINUTE: integer(1, 1000, DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE),
    PORTAL_PAGE_RATE_PER_MINUTE: integer(1, 100_000, 300),
    // The portal's texts: bounded per account, per number and in total, in any hour.
    SMS_PER_ACCOUNT_PER_HOUR: integer(1, 100, DEFAULT_TEXT_BUDGET.perAccount),
    SMS_PER_NUMBER_PER_HOUR: integer(1, 100, DEFAULT_TEXT_BUDGET.perNumber),
    SMS_PER_HOUR: integer(1, 100_000, DEFAULT_TEXT_BUDGET.total),
    SMS_ALLOWED_COUNTRIES: optional
      .transform((v) => (v ? v.split(/[,;]/).map((s) => s.trim()).filter(Boolean) : undefined))
      .refine((v) => (v ?? []).every((code) => /^\+[1-9]\d{0,2}$/.test(code)), 'must be country calling codes, a + and 1 to 3 digits, comma-separated (e.g. +1,+44)'),
    PORTAL_LOGIN_SUFFIXES: list.refine((v) => (v ?? []).every((s) => /^@?[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(s)), 'must be domain names (corp.example.com), ;-separated'),
    PORTAL_TRUSTED_PROXIES: list.refine((v) => (v ?? []).every(isAddressOrRange), 'must be IP addresses or CIDR ranges (10.0.0.0/8), ;-separated'),
  },
  build: (env, facts): Pick<Config, 'portal'> => ({
    portal: {
      mode: env.PORTAL,
      lockAfter: env.PORTAL_LOCK_AFTER,
      questionsAsked: env.PORTAL_QUESTIONS_ASKED,
      questions: env.PORTAL_QUESTIONS?.length ? env.PORTAL_QUESTIONS : DEFAULT_PORTAL_QUESTIONS,
      minQuestions: env.PORTAL_MIN_QUESTIONS,
      minAnswerLength: env.PORTAL_MIN_ANSWER_LENGTH,
      sessionIdleMs: env.PORTAL_SESSION_IDLE_MINUTES * 60_000,
      sessionMaxMs: env.PORTAL_SESSION_MAX_MINUTES * 60_000,
      ratePerMinute: env.PORTAL_RATE_PER_MINUTE,
      loginRatePerMinute: env.PORTAL_LOGIN_RATE_PER_MINUTE,
      pageRatePerMinute: env.PORTAL_PAGE_RATE_PER_MINUTE,
      texts: { perAccount: env.SMS_PER_ACCOUNT_PER_HOUR, perNumber: env.SMS_PER_NUMBER_PER_HOUR, total: env.SMS_PER_HOUR, allowedCountries: env.SMS_ALLOWED_COUNTRIES ?? [] },
      trustedProxies: env.PORTAL_TRUSTED_PROXIES ?? [],
      loginSuffixes: loginSuffixes(env.PORTAL_LOGIN_SUFFIXES ?? [], facts.adBaseDN),
    },
  }),
});

/** PORTAL_LOGIN_SUFFIXES (lower case, without @) and the AD domain's DNS name, from LDAP_BASE_DN's DC= parts. */
function loginSuffixes(configured: readonly string[], baseDN: string | undefined): string[] {
  const dc = [...(baseDN ?? '').matchAll(/(?:^|,)\s*DC=([^,]+)/gi)].map((m) => (m[1] ?? '').trim());
  const domain = dc.length > 0 ? [dc.join('.')] : [];
  return [...new Set([...configured.map((s) => s.replace(/^@/, '')), ...domain].map((s) => s.toLowerCase()))];
}
