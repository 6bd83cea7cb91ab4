// Builds a HelpdeskService on the demo directory and an in-memory SQLite store, with a clock the test
// moves, for unit tests of the service's rules.
import { DemoDirectory, demoGroupDn } from '../../src/adapters/demo/demo-directory';
import { aesGcmAnswerCipher } from '../../src/adapters/secrets/answer-cipher';
import type { AnswerCipher } from '../../src/ports/answer-cipher.port';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store';
import type { Clock } from '../../src/ports/clock.port';
import type { Directory } from '../../src/ports/directory.port';
import { silentLogger } from '../../src/ports/logger.port';
import type { Store } from '../../src/ports/store.port';
import { HelpdeskService } from '../../src/service/helpdesk-service';
import type { RequestContext } from '../../src/service/kernel/request-context';
import { DEFAULT_SETTINGS } from '../../src/service-settings';
import type { ServiceSettings } from '../../src/service/kernel/service-deps';
import type { View } from '../../src/service/kernel/views';
import type { SmsSender } from '../../src/ports/sms.port';
import type { TicketSink } from '../../src/ports/ticket-sink.port';
import type { RetryPolicy } from '../../src/service/tickets/ticket-desk';
import type { Entra } from '../../src/ports/entra.port';

export class TestClock implements Clock {
  constructor(private t = Date.parse('2026-11-25T09:00:00Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

const demoGroup = (name: string) => ({ id: demoGroupDn(name), name });

/** As start-up resolves them on the demo directory (group-settings.ts): groups by their DN-like ids. */
export const DEMO_SETTINGS: ServiceSettings = {
  ...DEFAULT_SETTINGS,
  roles: { agentGroups: [demoGroup('Helpdesk Agents')], supervisorGroups: [demoGroup('Helpdesk Supervisors')] },
  protection: { groups: ['Domain Admins', 'Administrators', 'Helpdesk Agents', 'Helpdesk Supervisors'].map(demoGroup), accounts: [] },
};

export interface Fixture {
  service: HelpdeskService;
  directory: Directory;
  store: Store;
  clock: TestClock;
  cipher: AnswerCipher;
}

export function demoFixture(
  overrides: {
    store?: Store; directory?: Directory; settings?: Partial<ServiceSettings>; ticketSink?: TicketSink; ticketRetry?: RetryPolicy; sms?: SmsSender; entra?: Entra;
  } = {},
): Fixture {
  const clock = new TestClock();
  const directory = overrides.directory ?? new DemoDirectory(clock);
  const store = overrides.store ?? openSqliteStore({ path: ':memory:', auditKey: Buffer.alloc(32, 7), clock });
  const cipher = aesGcmAnswerCipher(Buffer.alloc(32, 9));
  const settings = { ...DEMO_SETTINGS, ...overrides.settings };
  const service = new HelpdeskService({
    directory, store, clock, logger: silentLogger, answerCipher: cipher, settings,
    ...(overrides.ticketSink ? { ticketSink: overrides.ticketSink } : {}),
    ...(overrides.ticketRetry ? { ticketRetry: overrides.ticketRetry } : {}),
    ...(overrides.sms ? { sms: overrides.sms } : {}),
    ...(overrides.entra ? { entra: overrides.entra } : {}),
  });
  return { service, directory, store, clock, cipher };
}

let seq = 0;
export function ctxFor(login: string | undefined, conversation: 'personal' | 'shared' = 'personal'): RequestContext {
  seq += 1;
  return {
    surface: 'local',
    identity: { chatUserId: `chat-${login ?? 'nobody'}`, ...(login ? { login } : {}) },
    correlationId: `corr-${seq}`,
    conversation,
  };
}

/** Narrows a view to the expected kind or fails with what came instead. */
export function expectKind<K extends View['kind']>(view: View, kind: K): Extract<View, { kind: K }> {
  if (view.kind !== kind) throw new Error(`expected a ${kind} view, got ${JSON.stringify(view)}`);
  return view as Extract<View, { kind: K }>;
}
