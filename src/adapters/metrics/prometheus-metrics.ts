// The operator's metrics (prom-client, the Prometheus text format): one registry per process holding the
// request, peer, portal, text and audit families, the build info and Node's own (event-loop lag, heap).
// Every label value comes from a closed set (a command word, a verb, a surface, a coded reason, a method
// name): never a login, an address, a number or anything a user typed. See README "Runbook".
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { KNOWN_EVENT_TYPES, type PortalEventInput } from '../../domain/portal';
import type { AnsweredRequest, RequestMetrics } from '../../ports/metrics.port';
import { measured, type AfterCall, type MeasuredCall } from './measured';

/** Peers whose calls are timed: the ports the composition root wraps. */
export type Peer = 'directory' | 'graph' | 'store' | 'sms' | 'tickets';

/** Read at each scrape; an answer that cannot be had (the store down) leaves the last value. */
export interface ScrapeSources {
  readonly approvalsPending: () => Promise<number>;
  readonly auditChain: () => Promise<{ readonly state: AuditChainState; readonly headSeq?: number }>;
}

export type AuditChainState = 'ok' | 'broken' | 'unverified';

const AUDIT_STATES: readonly AuditChainState[] = ['ok', 'broken', 'unverified'];
const CHALLENGE_METHODS = new Set(['questions', 'sms', 'pin', 'password']);
const EVENT_TYPES: ReadonlySet<string> = new Set(KNOWN_EVENT_TYPES);

// Chat answers are human-facing (budgets of a second or two); peer calls go from sub-millisecond store
// writes to LDAP and Graph timeouts of several seconds.
const REQUEST_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];
const PEER_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class PrometheusMetrics implements RequestMetrics {
  readonly registry = new Registry();
  private readonly commandSeconds: Histogram<'command' | 'surface'>;
  private readonly buttonSeconds: Histogram<'verb' | 'surface'>;
  private readonly outcomes: Counter<'kind' | 'name' | 'outcome' | 'code'>;
  private readonly peerSeconds: Histogram<'peer' | 'operation'>;
  private readonly peerErrors: Counter<'peer' | 'operation' | 'code'>;
  private readonly portalEvents: Counter<'type' | 'outcome'>;
  private readonly challenges: Counter<'method' | 'result'>;
  private readonly portalLocks: Counter;
  private readonly smsSent: Counter<'sender'>;
  private readonly smsRefused: Counter<'code'>;

  constructor(options: { readonly version: string }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({ name: 'mypass_build_info', help: 'The running build: version and Node.js release (always 1).', labelNames: ['version', 'node'], registers })
      .set({ version: options.version, node: process.versions.node }, 1);
    this.commandSeconds = new Histogram({
      name: 'mypass_command_seconds', help: 'Time to answer a typed command, by command word and surface.', labelNames: ['command', 'surface'], buckets: REQUEST_BUCKETS, registers,
    });
    this.buttonSeconds = new Histogram({
      name: 'mypass_button_seconds', help: 'Time to answer a button press, by verb and surface.', labelNames: ['verb', 'surface'], buckets: REQUEST_BUCKETS, registers,
    });
    this.outcomes = new Counter({
      name: 'mypass_outcomes_total', help: 'Answered commands and presses: success, refused or failed, with the coded reason.',
      labelNames: ['kind', 'name', 'outcome', 'code'], registers,
    });
    this.peerSeconds = new Histogram({
      name: 'mypass_peer_call_seconds', help: 'Calls to the directory, Graph, the store, the SMS provider and the ticket system, by operation.',
      labelNames: ['peer', 'operation'], buckets: PEER_BUCKETS, registers,
    });
    this.peerErrors = new Counter({
      name: 'mypass_peer_errors_total', help: 'Failed peer calls, by operation and error code.', labelNames: ['peer', 'operation', 'code'], registers,
    });
    this.portalEvents = new Counter({ name: 'mypass_portal_events_total', help: 'Self-service portal events stored, by type and outcome.', labelNames: ['type', 'outcome'], registers });
    this.challenges = new Counter({ name: 'mypass_portal_challenges_total', help: 'Portal sign-in challenges, by method and result.', labelNames: ['method', 'result'], registers });
    this.portalLocks = new Counter({ name: 'mypass_portal_locks_total', help: 'Portal accounts locked after failed challenges.', registers });
    this.smsSent = new Counter({ name: 'mypass_sms_sent_total', help: 'Texts the SMS provider took.', labelNames: ['sender'], registers });
    this.smsRefused = new Counter({ name: 'mypass_sms_refused_total', help: 'Texts the SMS provider refused or did not take, by code.', labelNames: ['code'], registers });
  }

  /** The gauges read at each scrape (approvals pending, the audit chain), once the core that answers them exists. */
  watch(sources: ScrapeSources): void {
    const registers = [this.registry];
    new Gauge({
      name: 'mypass_approvals_pending', help: 'Approval requests waiting for a supervisor.', registers,
      async collect() {
        await sources.approvalsPending().then((n) => this.set(n), () => undefined);
      },
    });
    new Gauge({
      name: 'mypass_audit_chain_state', help: "The audit chain's state at the last verification (1 for the current state).", labelNames: ['state'], registers,
      async collect() {
        const chain = await sources.auditChain().catch(() => undefined);
        if (chain) for (const state of AUDIT_STATES) this.set({ state }, state === chain.state ? 1 : 0);
      },
    });
    new Gauge({
      name: 'mypass_audit_chain_head_seq', help: "The audit chain head's sequence number (it only grows).", registers,
      async collect() {
        const chain = await sources.auditChain().catch(() => undefined);
        if (chain?.headSeq !== undefined) this.set(chain.headSeq);
      },
    });
  }

  answered(r: AnsweredRequest): void {
    if (r.kind === 'command') this.commandSeconds.observe({ command: r.name, surface: r.surface }, r.seconds);
    else this.buttonSeconds.observe({ verb: r.name, surface: r.surface }, r.seconds);
    this.outcomes.inc({ kind: r.kind, name: r.name, outcome: r.outcome, code: r.code ?? '' });
  }

  /** The port, measured: its calls timed and their failures counted (texts and portal events counted too). */
  measure<T extends object>(peer: Peer, port: T): T {
    return measured(peer, port, (call) => this.peerCall(call), this.afterCall(peer, port));
  }

  /** The Prometheus text exposition. */
  async exposition(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private peerCall(call: MeasuredCall): void {
    this.peerSeconds.observe({ peer: call.peer, operation: call.operation }, call.seconds);
    if (call.error !== undefined) {
      this.peerErrors.inc({ peer: call.peer, operation: call.operation, code: call.error });
      if (call.peer === 'sms' && call.operation === 'send') this.smsRefused.inc({ code: call.error });
    }
  }

  private afterCall(peer: Peer, port: object): AfterCall | undefined {
    // The sender's kind (twilio, outbox) is the port's own constant.
    const sender = String((port as { kind?: unknown }).kind ?? 'sms');
    if (peer === 'sms') return (operation) => operation === 'send' && this.smsSent.inc({ sender });
    if (peer === 'store') return (operation, args) => operation === 'portalEvents.append' && this.countEvents(args[0]);
    return undefined;
  }

  /** Only the event's type, outcome and challenge method (a closed set each) are read, never its user or address. */
  private countEvents(events: unknown): void {
    if (!Array.isArray(events)) return;
    for (const e of events as PortalEventInput[]) {
      if (e.category !== 'self-service') continue;
      const type = EVENT_TYPES.has(e.type) ? e.type : 'other';
      this.portalEvents.inc({ type, outcome: e.outcome });
      if (type === 'challenge') {
        const method = /^[a-z]+/.exec(e.detail ?? '')?.[0] ?? '';
        this.challenges.inc({ method: CHALLENGE_METHODS.has(method) ? method : 'other', result: e.outcome });
      }
      if (type === 'portal-lock') this.portalLocks.inc();
    }
  }
}

