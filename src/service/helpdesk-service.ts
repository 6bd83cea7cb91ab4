// The one place the helpdesk's rules run. Chat surfaces hand in a parsed command or a button press with
// who asked; the service resolves the asker's role, checks the policy, runs the use case, writes the
// audit trail (failing closed), and answers with a view. Expected failures become error views; only the
// unexpected is thrown (and turned into a polite reference by src/chat/core/dispatch.ts).
import type { Command } from '../domain/command';
import { HelpdeskError, isHelpdeskError, isRefusal, type ErrorCode } from '../domain/errors';
import { requiredRole, type Action } from '../domain/policy';
import { hasRole, type Actor, type Role } from '../domain/roles';
import type { ButtonPress } from '../domain/verbs';
import { VERBS } from '../domain/verbs';
import { isAccountAction } from './account-actions';
import { ActorResolver } from './actor-resolver';
import { AuditRecorder } from './audit-recorder';
import { Confirmations } from './confirmations';
import { findUser } from './find-user';
import { helpView } from './help';
import { promptConfirmation } from './prompt-confirmation';
import type { RequestContext } from './request-context';
import { resetPassword } from './reset-password';
import type { ServiceDeps } from './service-deps';
import { showUser } from './show-user';
import { assertMayChange, findOne, withProtections } from './target-resolver';
import { unlockAccount } from './unlock-account';
import { loginOfActor, type AuditSubject, type UseCaseCall, type UseCaseEnv } from './use-case';
import type { ErrorView, View } from './views';

export interface HealthReport {
  readonly directory: 'ok' | 'down';
  readonly store: 'ok' | 'down';
}

interface Step {
  /** The action written to the audit trail. */
  readonly action: string;
  /** The least role that may ask (from the policy table). */
  readonly needs: Role;
  readonly target?: string;
  /** Button presses re-resolve the role; typed commands may use a seconds-old one. */
  readonly fresh: boolean;
}

export class HelpdeskService {
  private readonly env: UseCaseEnv;
  private readonly actors: ActorResolver;

  constructor(private readonly deps: ServiceDeps) {
    const audit = new AuditRecorder(deps.store, deps.clock, deps.logger);
    const confirmations = new Confirmations(deps.store.confirmations, deps.clock, deps.settings.confirmationTtlMs);
    this.env = { ...deps, audit, confirmations };
    this.actors = new ActorResolver(deps.directory, deps.settings.roles, deps.clock, deps.settings.actorCacheTtlMs);
  }

  command(ctx: RequestContext, command: Command): Promise<View> {
    switch (command.name) {
      case 'help':
        return this.help(ctx);
      case 'user':
        return this.run(ctx, step('user.find', command.query, false), (call) => findUser(call, command.query));
      case 'unlock':
        return this.run(ctx, step('account.unlock', command.user, false, 'account.unlock.prompt'), (call) =>
          promptConfirmation(call, 'account.unlock', command.user),
        );
      case 'reset':
        if (command.delivery === 'view') {
          return this.run(ctx, step('password.reset.view', command.user, false, 'password.reset.view.prompt'), (call) =>
            promptConfirmation(call, 'password.reset.view', command.user),
          );
        }
        return this.notAvailable(ctx, 'reset … sms');
      default:
        return this.notAvailable(ctx, command.name);
    }
  }

  press(ctx: RequestContext, press: ButtonPress): Promise<View> {
    const user = press.data.user ?? '';
    const token = press.data.token ?? '';
    switch (press.verb) {
      case VERBS.userShow:
        return this.run(ctx, step('user.view', user, true), (call) => showUser(call, user));
      case VERBS.accountUnlock:
        return this.run(ctx, step('account.unlock', user, true, 'account.unlock.prompt'), (call) =>
          promptConfirmation(call, 'account.unlock', user),
        );
      case VERBS.passwordResetView:
        return this.run(ctx, step('password.reset.view', user, true, 'password.reset.view.prompt'), (call) =>
          promptConfirmation(call, 'password.reset.view', user),
        );
      case VERBS.confirmAccept:
        return this.run(ctx, { action: 'confirm.accept', needs: 'agent', fresh: true }, (call) => this.accept(call, token));
      case VERBS.confirmCancel:
        return this.run(ctx, { action: 'confirm.cancel', needs: 'agent', fresh: true }, (call) => this.cancel(call, token));
    }
  }

  async health(): Promise<HealthReport> {
    const probe = (p: Promise<void>) => p.then(() => 'ok' as const, () => 'down' as const);
    const [directory, store] = await Promise.all([probe(this.deps.directory.ping()), probe(this.deps.store.ping())]);
    return { directory, store };
  }

  /** Token → the action it was issued for, re-checked now (role, protection, self), then performed. */
  private async accept(call: UseCaseCall, token: string): Promise<View> {
    const { env, actor, subject } = call;
    const confirmation = await env.confirmations.consume(loginOfActor(actor), token);
    subject.action = confirmation.action;
    subject.target = confirmation.target;
    assertRole(actor, requiredRole(confirmation.action), confirmation.action);
    if (!isAccountAction(confirmation.action)) throw new HelpdeskError('CONFIRM.INVALID');
    const entry = await findOne(env.directory, confirmation.target);
    const target = await withProtections(env.directory, entry, actor, env.settings.protection);
    assertMayChange(target);
    if (confirmation.action === 'account.unlock') return unlockAccount(call, target);
    if (call.ctx.conversation !== 'personal') throw new HelpdeskError('POLICY.PRIVATE_ONLY');
    return resetPassword(call, target, { action: 'password.reset.view' });
  }

  private async cancel({ env, actor, subject }: UseCaseCall, token: string): Promise<View> {
    const confirmation = await env.confirmations.consume(loginOfActor(actor), token);
    subject.target = confirmation.target;
    subject.detail = `cancelled ${confirmation.action}`;
    return { kind: 'result', outcome: 'cancelled', title: 'Cancelled', message: 'Nothing was changed.', actions: [] };
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
      });
    } catch (err) {
      return this.fail(ctx, actor, { action: 'help' }, err);
    }
    return helpView(role);
  }

  private async notAvailable(ctx: RequestContext, command: string): Promise<View> {
    return this.run(ctx, { action: `command.${command.split(' ')[0]}`, needs: 'agent', fresh: false }, async () => {
      throw new HelpdeskError('CMD.NOT_AVAILABLE', undefined, { command });
    });
  }

  /** Resolve the asker, check the role, run the use case, and audit the outcome whatever it is. */
  private async run(ctx: RequestContext, s: Step, useCase: (call: UseCaseCall) => Promise<View>): Promise<View> {
    const subject: AuditSubject = { action: s.action, ...(s.target ? { target: s.target.slice(0, 256) } : {}) };
    let actor: Actor | undefined;
    try {
      actor = await this.actors.resolve(ctx.identity, { fresh: s.fresh });
      assertRole(actor, s.needs, s.action);
      const view = await useCase({ env: this.env, ctx, actor, subject });
      await this.env.audit.record(ctx, { actor: loginOfActor(actor), role: actor.role, ...subject, outcome: 'success' });
      return view;
    } catch (err) {
      return this.fail(ctx, actor, subject, err);
    }
  }

  /** An expected failure: audited (refused / failure) and answered with an error view. */
  private async fail(ctx: RequestContext, actor: Actor | undefined, subject: AuditSubject, err: unknown): Promise<ErrorView> {
    if (!isHelpdeskError(err)) throw err;
    if (err.code === 'AUDIT.UNAVAILABLE') return errorView(ctx, 'AUDIT.UNAVAILABLE');
    try {
      await this.env.audit.record(ctx, {
        actor: actor ? loginOfActor(actor) : chatActor(ctx),
        role: actor?.role ?? 'none',
        ...subject,
        outcome: isRefusal(err.code) ? 'refused' : 'failure',
        code: err.code,
      });
    } catch {
      return errorView(ctx, 'AUDIT.UNAVAILABLE');
    }
    return errorView(ctx, err.code, err.params);
  }
}

function step(action: Action, target: string, fresh: boolean, auditAction: string = action): Step {
  return { action: auditAction, needs: requiredRole(action), target, fresh };
}

function assertRole(actor: Actor, needed: Role, action: string): void {
  if (hasRole(actor.role, needed)) return;
  if (actor.role === 'none') throw new HelpdeskError('AUTH.NOT_STAFF');
  throw new HelpdeskError('AUTH.FORBIDDEN', undefined, { action, role: needed });
}

/** The audit actor when a chat user maps to no directory user. */
function chatActor(ctx: RequestContext): string {
  return `${ctx.surface}:${ctx.identity.chatUserId}`.slice(0, 256);
}

function errorView(ctx: RequestContext, code: ErrorCode, params: ErrorView['params'] = {}): ErrorView {
  return { kind: 'error', code, params, correlationId: ctx.correlationId };
}
