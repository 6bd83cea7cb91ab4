// SmsSender on Twilio, through the official client (Messages resource: POST /2010-04-01/Accounts/{sid}/
// Messages.json, Basic auth). TWILIO_API_URL points it elsewhere (tests: a loopback server) by rewriting
// only the origin of each request in a RequestClient subclass; auth, encoding and error parsing stay
// Twilio's. Twilio's errors become SMS.* codes. The message body (it may hold a PIN) is never logged.
import twilio from 'twilio';
import type TwilioRequestClient from 'twilio/lib/base/RequestClient';
import { HelpdeskError, type ErrorCode } from '../../domain/errors';
import type { Logger } from '../../ports/logger.port';
import type { SmsMessage, SmsReceipt, SmsSender } from '../../ports/sms.port';

export interface TwilioSmsOptions {
  readonly accountSid: string;
  readonly authToken: string;
  /** Our sender: an E.164 number or a Messaging Service sid (MG…). */
  readonly from: string;
  /** Base URL override (TWILIO_API_URL), e.g. http://127.0.0.1:9001 */
  readonly apiUrl?: string;
  /** Bound of one send (default 10 s). */
  readonly timeoutMs?: number;
  readonly logger: Logger;
}

class OriginRewritingClient extends twilio.RequestClient {
  constructor(private readonly base: URL, opts: TwilioRequestClient.RequestClientOptions) {
    super(opts);
  }
  override request<T>(opts: TwilioRequestClient.RequestOptions<T>) {
    const uri = new URL(opts.uri);
    uri.protocol = this.base.protocol;
    uri.host = this.base.host;
    return super.request({ ...opts, uri: uri.href });
  }
}

// Twilio error codes (https://www.twilio.com/docs/api/errors) grouped by what the agent should do.
const INVALID_NUMBER = new Set([21211, 21214, 21217, 21401, 21407, 21612, 21614, 21408]);
const SENDER_REJECTED = new Set([21212, 21606, 21608, 21659, 21660, 21661, 21603, 21604, 20003, 20404]);

/** Formatting out ("+1 555 0199" → "+15550199"); Twilio wants E.164. */
export function toE164(number: string): string {
  const trimmed = number.trim();
  const digits = trimmed.replace(/\D/g, '');
  return trimmed.startsWith('+') || trimmed.startsWith('00') ? `+${digits.replace(/^00/, '')}` : digits;
}

export function mapTwilioError(err: unknown): HelpdeskError {
  const e = err as { status?: unknown; code?: unknown; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const code = typeof e.code === 'number' ? e.code : undefined;
  let coded: ErrorCode;
  if (code !== undefined && INVALID_NUMBER.has(code)) coded = 'SMS.INVALID_NUMBER';
  else if (code !== undefined && SENDER_REJECTED.has(code)) coded = 'SMS.SENDER_REJECTED';
  else if (status === undefined || status >= 500 || status === 429) coded = 'SMS.UNAVAILABLE'; // network, timeout, 5xx
  else coded = 'SMS.REFUSED';
  return new HelpdeskError(coded, `twilio: ${status ?? 'no answer'} ${code ?? ''}`.trim(), code !== undefined ? { providerCode: code } : {}, { cause: err });
}

export class TwilioSmsSender implements SmsSender {
  readonly kind = 'twilio' as const;
  private readonly client: twilio.Twilio;

  constructor(private readonly options: TwilioSmsOptions) {
    const timeout = options.timeoutMs ?? 10_000;
    const httpClient = options.apiUrl
      ? new OriginRewritingClient(new URL(options.apiUrl), { timeout })
      : new twilio.RequestClient({ timeout });
    this.client = twilio(options.accountSid, options.authToken, { httpClient, autoRetry: false });
  }

  async send(message: SmsMessage): Promise<SmsReceipt> {
    const sender = this.options.from.startsWith('MG') ? { messagingServiceSid: this.options.from } : { from: this.options.from };
    try {
      const sent = await this.client.messages.create({ to: toE164(message.to), body: message.body, ...sender });
      return { id: sent.sid };
    } catch (err) {
      const mapped = mapTwilioError(err);
      // Status and Twilio's code only: the error's own text may quote the request.
      this.options.logger.warn({ code: mapped.code, status: (err as { status?: unknown }).status, providerCode: mapped.params.providerCode }, 'SMS send failed');
      throw mapped;
    }
  }
}
