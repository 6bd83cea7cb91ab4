// ldapts / Node errors → our coded errors. Nothing raw leaves the adapter: every failure becomes a
// HelpdeskError with a DIR.* code (the original error is kept as `cause` for logs; it never holds a
// password: ldapts does not echo credentials).
import {
  BusyError,
  ConfidentialityRequiredError,
  ConstraintViolationError,
  InsufficientAccessError,
  InvalidCredentialsError,
  InvalidDNSyntaxError,
  NoSuchObjectError,
  ResultCodeError,
  StrongAuthRequiredError,
  UnavailableError,
  UnwillingToPerformError,
} from 'ldapts';
import { type ErrorCode, HelpdeskError, isHelpdeskError } from '../../domain/errors';

/** What the adapter was doing: decides how ambiguous LDAP results read (e.g. constraint violation). */
export type LdapAction = 'bind' | 'search' | 'unlock' | 'setPassword';

/** Raised by the adapter's own per-operation deadline. */
export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineExceeded';
  }
}

// Node's TLS / certificate error codes (tls.connect): the server's certificate is not trusted, does
// not name the host, has expired, or the server does not speak TLS on this port.
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|HOSTNAME_MISMATCH|EPROTO$)/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EADDRNOTAVAIL',
]);
// ldapts raises plain Errors for connection trouble; these are their messages.
const CONNECTION_MESSAGE =
  /Connection timeout|Operation timed out|Connection closed|Socket error|Socket connection not established/i;

/** The AD sub-code in a diagnostic message: "… AcceptSecurityContext error, data 775, v1db1" → "775". */
export function adDataCode(message: string): string | undefined {
  return /\bdata ([0-9a-f]+)\b/i.exec(message)?.[1]?.toLowerCase();
}

const BIND_REASONS: Record<string, string> = {
  '525': 'the service account does not exist',
  '52e': 'wrong service account password',
  '530': 'the service account may not log on at this time',
  '531': 'the service account may not log on from this workstation',
  '532': 'the service account password has expired',
  '533': 'the service account is disabled',
  '701': 'the service account has expired',
  '773': 'the service account must change its password',
  '775': 'the service account is locked out',
};

/** True for failures that mean "the connection is gone" (worth one retry on a fresh connection). */
export function isConnectionFailure(e: unknown): boolean {
  if (e instanceof DeadlineExceeded) return true;
  if (e instanceof BusyError || e instanceof UnavailableError) return true;
  if (e instanceof ResultCodeError) return false;
  const code = errorCode(e);
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  return e instanceof Error && CONNECTION_MESSAGE.test(e.message);
}

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function coded(code: ErrorCode, message: string, cause: unknown): HelpdeskError {
  return new HelpdeskError(code, message, {}, { cause });
}

export function toDirectoryError(e: unknown, action: LdapAction, url: string): HelpdeskError {
  if (isHelpdeskError(e)) return e;
  if (e instanceof DeadlineExceeded) return coded('DIR.UNAVAILABLE', `directory ${url}: ${e.message}`, e);

  if (e instanceof ResultCodeError) {
    const detail = e.message;
    if (e instanceof InvalidCredentialsError) {
      const reason = BIND_REASONS[adDataCode(detail) ?? ''] ?? 'invalid service account credentials';
      return coded('DIR.BIND_FAILED', `directory ${url}: bind refused: ${reason}`, e);
    }
    if (e instanceof InsufficientAccessError) {
      return coded('DIR.INSUFFICIENT_RIGHTS', `the service account may not do this (${action}): ${detail}`, e);
    }
    // AD refuses a password with constraintViolation 0000052D (length, complexity, history, age).
    if (action === 'setPassword' && (e instanceof ConstraintViolationError || /\b0000052D\b/i.test(detail))) {
      return coded('DIR.PASSWORD_POLICY', `the directory refused the password: ${policyReason(detail)}`, e);
    }
    if ((action === 'unlock' || action === 'setPassword') && (e instanceof NoSuchObjectError || e instanceof InvalidDNSyntaxError)) {
      return coded('DIR.USER_NOT_FOUND', `no such directory entry (${action})`, e);
    }
    if (e instanceof StrongAuthRequiredError || e instanceof ConfidentialityRequiredError) {
      return coded('DIR.TLS', `directory ${url} requires an encrypted connection (use ldaps://): ${detail}`, e);
    }
    if (e instanceof BusyError || e instanceof UnavailableError) {
      return coded('DIR.UNAVAILABLE', `directory ${url} is unavailable: ${detail}`, e);
    }
    if (e instanceof UnwillingToPerformError) {
      return coded('DIR.ERROR', `the directory would not ${action}: ${detail}`, e);
    }
    return coded('DIR.ERROR', `directory error during ${action} (LDAP result ${e.code}): ${detail}`, e);
  }

  const code = errorCode(e);
  const message = e instanceof Error ? e.message : String(e);
  if (code !== undefined && TLS_CODE.test(code)) {
    return coded('DIR.TLS', `TLS with ${url} failed (${code}): ${message}`, e);
  }
  if (isConnectionFailure(e)) {
    return coded('DIR.UNAVAILABLE', `directory ${url} is unreachable${code ? ` (${code})` : ''}: ${message}`, e);
  }
  return coded('DIR.ERROR', `directory error during ${action}: ${message}`, e);
}

/** The human part of AD's password refusal, without the hex prefix. */
function policyReason(detail: string): string {
  const text = detail.replace(/^[0-9A-F]{8}:\s*/i, '').replace(/^Constraint violation - /i, '');
  return text.trim() || 'it does not meet the password policy';
}
