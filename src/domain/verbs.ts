// Button verbs: one table shared by card templates, Slack action ids and the routes that handle them.
// Card data carries only a verb and ids (a user's login or a confirmation token), never state.

export const VERBS = {
  /** Show a user's details (from a pick list or a result card). data: { user } */
  userShow: 'user.show',
  /** Ask to unlock the AD account: leads to a confirm card. data: { user } */
  accountUnlock: 'account.unlock',
  /** Supervisor: reset the password and show it once (private chats only). data: { user } */
  passwordResetView: 'password.reset.view',
  /** Accept a confirmation. data: { token } */
  confirmAccept: 'confirm.accept',
  /** Cancel a confirmation (the token is burnt). data: { token } */
  confirmCancel: 'confirm.cancel',
  /** Show the details of a request typed in a shared conversation, to the presser only. data: { requestId } */
  requestShow: 'request.show',
  /** Hide a shown one-time secret (also pressed by the surface itself after a while). data: { ref } */
  secretHide: 'secret.hide',
  /** Ask to unlock the self-service portal account: leads to a confirm card. data: { user } */
  portalUnlock: 'portal.unlock',
  /** The next page of `audit`. data: { user, cursor (the last shown event's id), days?, type? } */
  auditMore: 'audit.more',
  /** Supervisor: create an Entra Temporary Access Pass and show it once (private chats only). data: { user } */
  tapView: 'tap.view',
  /** Agent: an Entra Temporary Access Pass by SMS (leads to a confirm card). data: { user } */
  tapSms: 'tap.sms',
  /** Agent: a helpdesk PIN by SMS (leads to a confirm card). data: { user } */
  pinSms: 'pin.sms',
  /** Supervisor: a PIN shown once; an agent's press becomes an approval request. data: { user } */
  pinView: 'pin.view',
  /** Agent: reset the password and send it by SMS (leads to a confirm card). data: { user } */
  passwordResetSms: 'password.reset',
  /** Accept a reset's confirmation without "must change at next logon". data: { token } */
  confirmAcceptKeep: 'confirm.accept-keep',
  /** A supervisor accepts a confirmation over a change limit. data: { token, reason (the card's input) } */
  confirmOverride: 'confirm.override',
  /** A supervisor approves / denies an approval request. data: { approvalId } */
  approvalApprove: 'approval.approve',
  approvalDeny: 'approval.deny',
  /** Refresh of an approval card (the requester's own view shows the PIN once approved). data: { approvalId } */
  approvalShow: 'approval.show',
  /** Send a caller verification code. data: { user } */
  verifySend: 'verify.send',
  /** The agent enters the code the caller read back. data: { user }, input: { code } */
  verifyCheck: 'verify.check',
  /** Escalate a user into a ticket: leads to a card that asks for the reason. data: { user } */
  ticketEscalate: 'ticket.escalate',
  /** The reason card's button: open the ticket (or comment on the open one). data: { user, reason (the card's input) } */
  ticketEscalateSubmit: 'ticket.escalate.submit',
  /** An escalation's current state (its ticket once a background retry created it). data: { ref } */
  ticketShow: 'ticket.show',
  /** The next page of `locked`. data: { cursor (the last shown row: lock time in ms and login) } */
  lockedMore: 'locked.more',
  /** The next page of `expiring`. data: { days, cursor (the last shown row: expiry in ms and login) } */
  expiringMore: 'expiring.more',
  /** Text the user a reminder that their password expires (the date and the portal's address). data: { user } */
  expiryRemind: 'expiry.remind',
  /** The next page of `history`. data: { user, cursor (the last shown entry's seq) } */
  historyMore: 'history.more',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];

export const ALL_VERBS: readonly Verb[] = Object.values(VERBS);

export function isVerb(v: unknown): v is Verb {
  return typeof v === 'string' && (ALL_VERBS as readonly string[]).includes(v);
}

/** What a button press carries: a verb and flat string ids. */
export interface ButtonPress {
  readonly verb: Verb;
  readonly data: Readonly<Record<string, string>>;
}
