// Helpdesk PINs, once confirmed: "sms" sends a new PIN to the user's mobile (the agent never sees it);
// "view" (a supervisor, or an agent whose approval request a supervisor approved) shows it to its viewer
// once, with the Hide behaviour of every shown secret. The audit record and the portal event say what
// happened and how it was delivered, never the PIN. A PIN that could not be delivered is withdrawn.
import { portalUserKey } from '../../domain/portal';
import type { Actor } from '../../domain/roles';
import { nameOf, loginOfActor, type Target, type UseCaseCall, type ResultView } from '../kernel';
import { issueShownSecret } from './hide-secret';
import { clockTime } from '../../domain/time-text';
import { notifyUser, sentBySms, textOneTimeCode } from './sms-delivery';
import { targetOf, showUserButton } from '../lookup';

async function portalEvent(call: UseCaseCall<'portalEvents'>, login: string, detail: string): Promise<void> {
  await call.env.store.portalEvents.append([{
    user: portalUserKey(login), type: 'helpdesk-pin-issued', outcome: 'success', at: call.env.clock.now(),
    detail, category: 'self-service', unknownUser: false,
  }]);
}

export async function issuePinBySms(call: UseCaseCall<'portalEvents'>, target: Target): Promise<ResultView> {
  const { env, ctx, actor } = call;
  const user = target.user;
  const by = loginOfActor(actor);
  await env.audit.record(ctx, { actor: by, role: actor.role, action: 'pin.sms', target: user.sAMAccountName, outcome: 'requested', detail: 'delivery: sms' });
  const minutes = Math.round(env.settings.pinPolicy.ttlMs / 60_000);
  const issued = await textOneTimeCode(call, env.pins, user, 'PIN', (code) =>
    `${env.settings.orgName}: your helpdesk PIN is ${code}. It works once, for ${minutes} minutes. Never share it.`);
  await portalEvent(call, user.sAMAccountName, `by ${by}, sent by SMS`);
  return sentBySms(call, user, 'Helpdesk PIN sent', (to) =>
    `A new helpdesk PIN was sent by SMS to the mobile of ${nameOf(user)} (${to}). It works once, until ${clockTime(issued.expiresAt, ctx.timeZone)}; any earlier PIN no longer works.`);
}

/** Issues a PIN and shows it to `viewer` only (a supervisor's `pin view`, or an approved request). */
export async function issuePinToView(call: UseCaseCall<'portalEvents' | 'shownSecrets'>, target: Target, viewer: Actor, via: string): Promise<ResultView> {
  const { env, ctx, actor, subject } = call;
  const user = target.user;
  const by = loginOfActor(actor);
  await env.audit.record(ctx, { actor: by, role: actor.role, action: 'pin.view', target: user.sAMAccountName, outcome: 'requested', detail: `delivery: shown to ${loginOfActor(viewer)}${via ? `, ${via}` : ''}` });
  const issued = await env.pins.issue(user.sAMAccountName, loginOfActor(viewer));
  const shown = await issueShownSecret(env, viewer, targetOf(user), 'pin', issued.code);
  await portalEvent(call, user.sAMAccountName, `by ${loginOfActor(viewer)}, shown to the agent${via ? ` (${via})` : ''}`);
  const notice = env.settings.notifyAfterPin ? await notifyUser(call, user, 'issued you a helpdesk PIN') : 'skipped';
  subject.detail = `delivery: shown to ${loginOfActor(viewer)}${notice === 'skipped' ? '' : `; notice ${notice}`}`;
  return {
    kind: 'result',
    outcome: 'success',
    title: 'Helpdesk PIN issued',
    message: `A new helpdesk PIN for ${nameOf(user)}. Read it to the caller; it works once, until ${clockTime(issued.expiresAt, ctx.timeZone)}, and any earlier PIN no longer works.`,
    target: targetOf(user),
    secret: shown.secret,
    actions: [shown.hide, showUserButton(user)],
  };
}
