// Text messages to a user's mobile: Twilio in production, the dev outbox on a developer's machine (shown in
// the local console, refused in production). The body may hold a one-time secret (a PIN, a code): adapters
// never log it. Failures are HelpdeskErrors with an SMS.* code (an invalid number, an unverified sender,
// the provider down or timing out), so the service can tell the agent what happened in words.
export interface SmsMessage {
  /** E.164 where the directory has it so; adapters normalise what they can. */
  readonly to: string;
  readonly body: string;
}

export interface SmsReceipt {
  /** The provider's id for the message (Twilio's SM… sid; the outbox's own id). */
  readonly id: string;
}

export interface SmsSender {
  readonly kind: 'twilio' | 'outbox';
  send(message: SmsMessage): Promise<SmsReceipt>;
}
