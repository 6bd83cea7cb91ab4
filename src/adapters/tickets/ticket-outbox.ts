// The dev outbox for tickets (no TICKETS_KIND on a developer's machine; refused in production): tickets
// and comments are kept in memory and shown in the local console's "Dev outbox" panel. `close` lets a
// developer (or a test) see what the next escalation does with a closed ticket.
import type { TicketDraft, TicketHandle, TicketSink, TicketState } from '../../ports/ticket-sink.port';

export interface OutboxTicketEntry {
  readonly channel: 'ticket';
  readonly at: string;
  readonly event: 'created' | 'comment';
  readonly ticket: string;
  readonly subject?: string;
  readonly text: string;
}

export interface TicketOutbox extends TicketSink {
  entries(): readonly OutboxTicketEntry[];
  close(id: string): void;
}

const MAX_ENTRIES = 200;

export function ticketOutbox(now: () => Date = () => new Date()): TicketOutbox {
  const entries: OutboxTicketEntry[] = [];
  const tickets = new Map<string, { ref: string; state: TicketState }>();
  const push = (e: OutboxTicketEntry) => {
    entries.push(e);
    if (entries.length > MAX_ENTRIES) entries.shift();
  };
  const handle = (id: string): TicketHandle => ({ id, label: `Outbox ticket ${id}`, url: '' });
  return {
    kind: 'outbox',
    async create(d: TicketDraft): Promise<TicketHandle> {
      const id = `T-${tickets.size + 1}`;
      tickets.set(id, { ref: d.ref, state: 'open' });
      push({ channel: 'ticket', at: now().toISOString(), event: 'created', ticket: id, subject: d.subject, text: d.body });
      return handle(id);
    },
    async comment(t: TicketHandle, text: string): Promise<void> {
      push({ channel: 'ticket', at: now().toISOString(), event: 'comment', ticket: t.id, text });
    },
    async state(t: TicketHandle): Promise<TicketState> {
      return tickets.get(t.id)?.state ?? 'closed';
    },
    async findByRef(ref: string): Promise<TicketHandle | undefined> {
      for (const [id, t] of tickets) if (t.ref === ref) return handle(id);
      return undefined;
    },
    entries: () => [...entries],
    close(id: string): void {
      const t = tickets.get(id);
      if (t) t.state = 'closed';
    },
  };
}
