// A command typed in a shared conversation (a Teams channel or group chat). Everyone there sees the
// answer, and every answer about a user is personal data, so the command is not run there: it is stored
// as a shared request, and the card everyone sees says only what the agent typed and who asked. The
// details are drawn per presser ("Show details", and the asker's automatic refresh): the stored command
// re-runs as the presser, with their freshly resolved role, through the same command route.
import { randomBytes } from 'node:crypto';
import type { Command } from '../../domain/command';
import { HelpdeskError } from '../../domain/errors';
import { VERBS } from '../../domain/verbs';
import { assertRole } from './assert-role';
import { pressRoute, type CommandRoute, type PressRoute } from './route';
import { loginOfActor, type UseCaseCall } from './use-case';
import type { SharedRequestView, View } from './views';

/** The command as it would be typed (what the shared card shows). */
export function commandText(c: Command): string {
  switch (c.name) {
    case 'help':
    case 'approvals':
    case 'locked':
      return c.name;
    case 'expiring':
      return `expiring ${c.days}`;
    case 'user':
      return `user ${c.query}`;
    case 'audit':
      return ['audit', c.user, ...(c.days ? [`days=${c.days}`] : []), ...(c.type ? [`type=${c.type}`] : [])].join(' ');
    case 'sync':
      return `sync ${c.user}${c.failedOnly ? ' failed' : ''}`;
    case 'pin':
    case 'reset':
    case 'tap':
      return `${c.name} ${c.user} ${c.delivery}`;
    case 'escalate':
      return `escalate ${c.user} ${c.reason}`;
    case 'enrollment':
    case 'unlock':
    case 'unlock-portal':
    case 'verify':
    case 'history':
    case 'lockout':
      return `${c.name} ${c.user}`;
  }
}

/** Stores the request and answers the card everyone in the conversation sees. */
export async function shareRequest({ env, ctx, actor, subject }: UseCaseCall<'sharedRequests'>, command: Command): Promise<SharedRequestView> {
  const id = randomBytes(18).toString('base64url');
  const createdAt = env.clock.now();
  const expiresAt = new Date(createdAt.getTime() + env.settings.sharedRequestTtlMs);
  await env.store.sharedRequests.save({
    id, command, askerLogin: loginOfActor(actor), askerChatUserId: ctx.identity.chatUserId, createdAt, expiresAt,
  });
  subject.detail = 'shared conversation: details on request';
  const show = { verb: VERBS.requestShow, label: 'Show details', data: { requestId: id } };
  return {
    kind: 'shared-request',
    typed: commandText(command),
    askedBy: actor.user.displayName || loginOfActor(actor),
    askerChatUserId: ctx.identity.chatUserId,
    expiresAt: expiresAt.toISOString(),
    refresh: show,
    actions: [show],
  };
}

async function showRequest(call: UseCaseCall, commands: readonly CommandRoute[], id: string): Promise<View> {
  const { env, actor, subject } = call;
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) throw new HelpdeskError('CONFIRM.INVALID');
  const found = await env.store.sharedRequests.find(id, env.clock.now());
  if (!found.ok) throw new HelpdeskError(found.reason === 'expired' ? 'CONFIRM.EXPIRED' : 'CONFIRM.INVALID');
  const command = found.request.command;
  const route = commands.find((r) => r.when(command));
  if (!route) throw new HelpdeskError('CONFIRM.INVALID');
  // From here on the request is audited as the command it is, run by the presser.
  subject.action = route.audit;
  const target = route.target(command);
  if (target) subject.target = target.slice(0, 256);
  subject.detail = `shared request of ${found.request.askerLogin}`;
  assertRole(actor, route.needs, route.audit);
  return route.run(call, command);
}

/** The "Show details" press (and the asker's refresh), re-running a stored command through `commands`. */
export function sharedRequestRoutes(commands: readonly CommandRoute[]): PressRoute[] {
  return [
    pressRoute(VERBS.requestShow, {
      action: { needs: 'agent' },
      audit: 'request.show',
      target: () => undefined,
      run: (call, data) => showRequest(call, commands, data.requestId ?? ''),
    }),
  ];
}
