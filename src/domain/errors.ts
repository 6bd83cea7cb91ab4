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
  'SMS.NO_MOBILE', // the user has no mobile number in the directory
  'SMS.INVALID_NUMBER', // the provider refused the number (not a valid or not a mobile number)
  'SMS.SENDER_REJECTED', // the provider refused our sender (unverified or not allowed for the destination)
  'SMS.UNAVAILABLE', // the provider failed (5xx), timed out or could not be reached
  'SMS.REFUSED', // any other refusal by the provider
  'PIN.LOCKED', // too many wrong PINs or codes were tried recently: no new one is issued yet
  'VERIFY.REQUIRED', // VERIFY_REQUIRED: the caller must be verified by code first
  'VERIFY.NO_CODE', // no verification code was sent (or it was replaced)
  'APPROVAL.OWN_REQUEST', // the requester pressed Approve/Deny on their own request
  'APPROVAL.DECIDED', // somebody decided first
  'APPROVAL.EXPIRED',
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
  return /^(AUTH|POLICY|CONFIRM|CMD|ACCOUNT|PIN|VERIFY|APPROVAL)\.|^DIR\.(USER_NOT_FOUND|AMBIGUOUS)$/.test(code);
}

export function isHelpdeskError(e: unknown): e is HelpdeskError {
  return e instanceof HelpdeskError;
}
