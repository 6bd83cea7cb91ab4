// The one place the helpdesk's rules run. Chat surfaces hand in a parsed command or a button press with
// who asked; the service resolves the asker's role, checks the policy, runs the use case, writes the
// audit trail (failing closed), and answers with a view. Expected failures become error views; only the
// unexpected is thrown (and turned into a polite reference by src/chat/core/dispatch.ts).
import type { Command } from '../domain/command';
import { HelpdeskError, isHelpdeskError, isRefusal, type ErrorCode } from '../domain/errors';
import type { HealthReport } from '../domain/health';
import type { Actor, Role } from '../domain/roles';
import type { ButtonPress } from '../domain/verbs';
import type { AuditDurability } from '../ports/audit-trail.port';
import {
  ActorResolver,
  assertRole,
  AuditIntegrity,
  AuditRecorder,
  ChangeLeaseSweep,
  Confirmations,
  OneTimeCodes,
  helpView,
  shareRequest,
  loginOfActor,
  type Capability,
  type ChatIdentity,
  type RequestContext,
  type ServiceDeps,
  type AuditSubject,
  type UseCaseCall,
  type UseCaseEnv,
  type ErrorView,
  type View,
} from './kernel';
import { randomBytes } from 'node:crypto';
import { decidesApprovals } from './approvals';
import { receivesAlerts } from './desk';
import { COMMAND_ROUTES, PRESS_ROUTES } from './routes';
import { TicketDesk } from './tickets';

/** How long a readiness probe of the directory or the store may take: within /readyz's own 3 s. */
const HEALTH_PROBE_BOUND_MS = 2_000;

interface Step {
  /** The action written to the audit trail. */
  readonly action: string;
  /** The least role that may ask (from the policy table). */
  readonly needs: Role;
  readonly target?: string;
  /** Button presses re-resolve the role; typed commands may use a seconds-old one. */
  readonly fresh: boolean;
  /** A lookup: its record must be written before the answer, not on disk (route.ts). */
  readonly readOnly?: boolean;
}

export class HelpdeskService {
  private readonly env: UseCaseEnv;
  private readonly actors: ActorResolver;
  /** Start-up verification and the periodic head log (src/main.ts starts them). */
  readonly auditIntegrity: AuditIntegrity;
  /** Helpdesk PINs, for the portal's verification (helpdesk-pins.ts) as well. */
  readonly pins: OneTimeCodes;
  /** Escalation tickets: src/main.ts starts their background retries; chat surfaces hear of retried tickets. */
  readonly tickets: TicketDesk | undefined;
  /** Gives back the places of changes whose process died mid-action (src/main.ts starts it). */
  readonly changeLeases: ChangeLeaseSweep;

  constructor(private readonly deps: ServiceDeps) {
    const audit = new AuditRecorder(deps.store, deps.clock, deps.logger);
    const confirmations = new Confirmations(deps.store.confirmations, deps.clock, deps.settings.confirmationTtlMs);
    const codesKey = deps.codesKey ?? randomBytes(32);
    this.pins = new OneTimeCodes(deps.store.pins, deps.clock, codesKey, deps.settings.pinPolicy, 'PINs');
    const callerCodes = new OneTimeCodes(deps.store.verificationCodes, deps.clock, codesKey, deps.settings.callerCodePolicy, 'verification codes');
    this.tickets = deps.ticketSink ? new TicketDesk(deps.ticketSink, deps.store.escalations, deps.store.pendingWork, deps.clock, deps.logger, deps.ticketRetry) : undefined;
    this.env = { ...deps, audit, confirmations, pins: this.pins, callerCodes, ...(this.tickets ? { tickets: this.tickets } : {}) };
    this.auditIntegrity = new AuditIntegrity(deps.store.audit, deps.logger, deps.settings.auditVerifyWindowMs
      ? { quotas: deps.store.quotas, clock: deps.clock, windowMs: deps.settings.auditVerifyWindowMs } : undefined);
    this.changeLeases = new ChangeLeaseSweep(deps.store.accountChanges, deps.clock, deps.logger, deps.settings.changeLeaseMs);
    this.actors = new ActorResolver(deps.directory, deps.settings.roles, deps.clock, deps.settings.actorCacheTtlMs, deps.entra);
  }

  command(ctx: RequestContext, command: Command): Promise<View> {
    return this.measured(ctx, 'command', command.name, () => this.answerCommand(ctx, command));
  }

  press(ctx: RequestContext, press: ButtonPress): Promise<View> {
    return this.measured(ctx, 'button', press.verb, () => this.answerPress(ctx, press));
  }

  private answerCommand(ctx: RequestContext, command: Command): Promise<View> {
    if (command.name === 'help') return this.help(ctx);
    const route = COMMAND_ROUTES.find((r) => r.when(command));
    if (!route) return this.notAvailable(ctx, command.name === 'reset' ? `reset … ${command.delivery}` : command.name);
    if (ctx.conversation === 'shared' && !route.sharedOk) {
      // Everyone there reads the answer: store the request; each staff member gets the details as their
      // own view, after a fresh role check (shared-request.ts).
      return this.run(ctx, { action: 'request.share', needs: route.needs, target: route.target(command), fresh: false }, (call) =>
        shareRequest(call, command),
      );
    }
    return this.run(ctx, { action: route.audit, needs: route.needs, target: route.target(command), fresh: route.fresh, readOnly: route.readOnly }, (call) =>
      route.run(call, command),
    );
  }

  private answerPress(ctx: RequestContext, press: ButtonPress): Promise<View> {
    const route = PRESS_ROUTES.get(press.verb);
    if (!route) return this.notAvailable(ctx, press.verb);
    return this.run(ctx, { action: route.audit, needs: route.needs, target: route.target(press.data), fresh: route.fresh, readOnly: route.readOnly }, (call) =>
      route.run(call, press.data),
    );
  }

  /**
   * Whether a chat user is sent approval requests to decide (the local console sends each to every
   * supervisor's conversation). Nothing is shown or changed, so nothing is audited; unknown: no.
   */
  async decidesApprovals(identity: ChatIdentity): Promise<boolean> {
    return this.actors.resolve(identity, { fresh: false }).then(decidesApprovals, () => false);
  }

  /**
   * Whether a chat user is sent the supervisors' alerts where the surface picks the receivers (the local
   * console sends each to every supervisor's conversation). Nothing is shown or changed, so nothing is
   * audited; unknown: no.
   */
  async receivesAlerts(identity: ChatIdentity): Promise<boolean> {
    return this.actors.resolve(identity, { fresh: false }).then(receivesAlerts, () => false);
  }

  /**
   * Whether this is the first delivery of a chat event (`key`: surface and the event's own id), across every
   * replica: a chat service retries an event it thinks was missed, maybe to another replica. A claim in the
   * store (a unique-key insert), held for `forMs`. Nothing is shown or changed, so nothing is audited.
   */
  async firstDelivery(key: string, forMs: number): Promise<boolean> {
    return (await this.deps.store.quotas.take(`event:${key}`, 1, forMs, this.deps.clock.now())).ok;
  }

  async health(): Promise<HealthReport> {
    // A part that has not answered within the bound is down: a MongoDB gone away waits out the driver's 5 s
    // server selection, longer than /readyz waits, and the answer would no longer name the part.
    const probe = (p: Promise<void>) => new Promise<'ok' | 'down'>((resolve) => {
      const timer = setTimeout(() => resolve('down'), HEALTH_PROBE_BOUND_MS);
      p.then(() => resolve('ok'), () => resolve('down')).finally(() => clearTimeout(timer));
    });
    const [directory, store, audit] = await Promise.all([
      probe(this.deps.directory.ping()), probe(this.deps.store.ping()), this.auditIntegrity.status(),
    ]);
    return { directory, store, audit };
  }

  private async help(ctx: RequestContext): Promise<View> {
    let actor: Actor | undefined;
    try {
      actor = await this.actors.resolve(ctx.identity, { fresh: false });
    } catch (err) {
      if (!isHelpdeskError(err) || err.code !== 'AUTH.UNKNOWN_IDENTITY') return this.fail(ctx, undefined, { action: 'help' }, err);
    }
    const role = actor?.role ?? 'none';
    try {
      await this.env.audit.record(ctx, {
        actor: actor ? loginOfActor(actor) : chatActor(ctx),
        role,
        action: 'help',
        outcome: role === 'none' ? 'refused' : 'success',
        ...(role === 'none' ? { code: actor ? 'AUTH.NOT_STAFF' : 'AUTH.UNKNOWN_IDENTITY' } : {}),
      }, 'committed'); // help reads nothing of anyone's
    } catch (err) {
      return this.fail(ctx, actor, { action: 'help' }, err);
    }
    const installed: Record<Capability, boolean> = { entra: this.env.entra !== undefined, sms: this.env.sms !== undefined, tickets: this.env.tickets !== undefined };
    return helpView(role, (c) => installed[c]);
  }

  private async notAvailable(ctx: RequestContext, command: string): Promise<View> {
    return this.run(ctx, { action: `command.${command.split(' ')[0]}`, needs: 'agent', fresh: false }, async () => {
      throw new HelpdeskError('CMD.NOT_AVAILABLE', undefined, { command });
    });
  }

  /**
   * Times the answer and counts its outcome by the command word or verb and the surface (closed sets):
   * an error view is refused or failed with its code; the unexpected, thrown on, is failed (INTERNAL).
   */
  private async measured(ctx: RequestContext, kind: 'command' | 'button', name: string, answer: () => Promise<View>): Promise<View> {
    const metrics = this.deps.metrics;
    if (!metrics) return answer();
    const started = performance.now();
    const done = (outcome: 'success' | 'refused' | 'failed', code?: ErrorCode) =>
      metrics.answered({ kind, name, surface: ctx.surface, outcome, ...(code ? { code } : {}), seconds: (performance.now() - started) / 1000 });
    try {
      const view = await answer();
      if (view.kind === 'error') done(isRefusal(view.code) ? 'refused' : 'failed', view.code);
      else done(view.kind === 'result' && view.outcome === 'failure' ? 'failed' : 'success');
      return view;
    } catch (err) {
      done('failed', 'INTERNAL');
      throw err;
    }
  }

  /** Resolve the asker, check the role, run the use case, and audit the outcome whatever it is. */
  private async run(ctx: RequestContext, s: Step, useCase: (call: UseCaseCall) => Promise<View>): Promise<View> {
    // Until the use case names the user it resolved, the target is the login as typed: lower-cased (logins
    // ignore case) so that `history` finds it under one of the user's logins.
    const subject: AuditSubject = { action: s.action, ...(s.target ? { target: s.target.trim().toLowerCase().slice(0, 256) } : {}) };
    let actor: Actor | undefined;
    try {
      actor = await this.actors.resolve(ctx.identity, { fresh: s.fresh });
      assertRole(actor, s.needs, s.action);
      const view = await useCase({ env: this.env, ctx, actor, subject });
      await this.env.audit.record(ctx, { actor: loginOfActor(actor), role: actor.role, ...subject, outcome: 'success' }, durabilityOf(s));
      return view;
    } catch (err) {
      return this.fail(ctx, actor, subject, err, durabilityOf(s));
    }
  }

  /** An expected failure: audited (refused / failure) and answered with an error view. */
  private async fail(ctx: RequestContext, actor: Actor | undefined, subject: AuditSubject, err: unknown, durability: AuditDurability = 'on-disk'): Promise<ErrorView> {
    if (!isHelpdeskError(err)) throw err;
    if (err.code === 'AUDIT.UNAVAILABLE') return errorView(ctx, 'AUDIT.UNAVAILABLE');
    try {
      await this.env.audit.record(ctx, {
        actor: actor ? loginOfActor(actor) : chatActor(ctx),
        role: actor?.role ?? 'none',
        ...subject,
        outcome: isRefusal(err.code) ? 'refused' : 'failure',
        code: err.code,
      }, durability);
    } catch {
      return errorView(ctx, 'AUDIT.UNAVAILABLE');
    }
    return errorView(ctx, err.code, err.params);
  }
}

/** A lookup's record need only be written before its answer; every other waits for the disk. */
function durabilityOf(s: Step): AuditDurability {
  return s.readOnly ? 'committed' : 'on-disk';
}

/** The audit actor when a chat user maps to no directory user. */
function chatActor(ctx: RequestContext): string {
  return `${ctx.surface}:${ctx.identity.chatUserId}`.slice(0, 256);
}

function errorView(ctx: RequestContext, code: ErrorCode, params: ErrorView['params'] = {}): ErrorView {
  return { kind: 'error', code, params, correlationId: ctx.correlationId };
}
