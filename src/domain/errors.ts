// Coded errors: every expected failure has a stable code. Adapters map vendor errors onto these;
// chat surfaces turn a code into one polite sentence (src/chat/core/error-text.ts).

export const ERROR_CODES = [
  'CMD.UNKNOWN', // the first word is not a command
  'CMD.USAGE', // a known command with missing or malformed arguments
  'CMD.NOT_AVAILABLE', // a command this installation does not offer (yet)
  'AUTH.UNKNOWN_IDENTITY', // the chat user maps to no directory user
  'AUTH.NOT_STAFF', // directory user in no helpdesk group
  'AUTH.FORBIDDEN', // staff, but the role does not allow this action
  'POLICY.PROTECTED_TARGET', // target is in a protected group
  'POLICY.SELF_ACTION', // the actor acting on their own account
  'POLICY.PRIVATE_ONLY', // a secret would be shown in a shared conversation
  'POLICY.RATE_LIMITED', // over LIMIT_AGENT_PER_HOUR or LIMIT_TARGET_PER_HOUR account changes
  'ACCOUNT.NOT_LOCKED', // unlock asked for an account that is not locked: nothing to do, nothing written
  'DIR.USER_NOT_FOUND',
  'DIR.AMBIGUOUS', // several users match where exactly one is needed
  'DIR.UNAVAILABLE', // DC down, timed out, refused the connection
  'DIR.BIND_FAILED', // wrong service-account credentials
  'DIR.TLS', // certificate not trusted / TLS handshake failed
  'DIR.INSUFFICIENT_RIGHTS', // service account may not do this
  'DIR.PASSWORD_POLICY', // the directory refused the password
  'DIR.ERROR', // any other directory failure
  'CONFIRM.INVALID', // unknown token, or a token of another agent
  'CONFIRM.USED',
  'CONFIRM.EXPIRED',
  'AUDIT.UNAVAILABLE', // the audit trail could not be written: nothing ran
  'STORE.UNAVAILABLE',
  'TICKETS.UNAVAILABLE', // the ticket system is down, timing out or failing (5xx): worth retrying
  'TICKETS.REJECTED', // the ticket system refused the request (credentials, rights, shape): not retried
  'INTERNAL', // an unexpected failure; the message carries only a reference
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Parameters that may appear in a user-facing message: never a secret. */
export type ErrorParams = Readonly<Record<string, string | number>>;

export class HelpdeskError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly params: ErrorParams = {},
    options?: { cause?: unknown },
  ) {
    super(message ?? code, options);
    this.name = 'HelpdeskError';
  }
}

/** Codes that mean "we said no" (bad input, role, policy, button) rather than "something failed". */
export function isRefusal(code: ErrorCode): boolean {
  return /^(AUTH|POLICY|CONFIRM|CMD|ACCOUNT)\.|^DIR\.(USER_NOT_FOUND|AMBIGUOUS)$/.test(code);
}

export function isHelpdeskError(e: unknown): e is HelpdeskError {
  return e instanceof HelpdeskError;
}
