// The dev outbox: SMS that would have been sent, kept in memory (the last 50) and shown in the local
// console's outbox panel (/api/dev/outbox). Development only: config refuses it in production.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock.port';
import type { SmsMessage, SmsReceipt, SmsSender } from '../../ports/sms.port';

export interface OutboxItem {
  readonly id: string;
  readonly channel: 'sms';
  readonly at: string;
  readonly to: string;
  readonly body: string;
}

export const OUTBOX_SIZE = 50;

export class SmsOutbox implements SmsSender {
  readonly kind = 'outbox' as const;
  private readonly items: OutboxItem[] = [];

  constructor(private readonly clock: Clock) {}

  async send(message: SmsMessage): Promise<SmsReceipt> {
    const item: OutboxItem = { id: randomUUID(), channel: 'sms', at: this.clock.now().toISOString(), to: message.to, body: message.body };
    this.items.push(item);
    if (this.items.length > OUTBOX_SIZE) this.items.shift();
    return { id: item.id };
  }

  /** Oldest first. */
  list(): readonly OutboxItem[] {
    return [...this.items];
  }
}
