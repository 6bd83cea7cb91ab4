// A shown one-time secret (a generated password) gets a reference — who saw it, for whom, when; never the
// secret — and a "Hide" button carrying only that reference. The press (by the viewer, or by the surface
// itself once the secret has been on screen for `secretHideAfterMs`) answers a card without the secret,
// which the surface puts in place of the one that showed it.
import { randomBytes } from 'node:crypto';
import { HelpdeskError } from '../../domain/errors';
import { VERBS } from '../../domain/verbs';
import { dateTime } from '../../domain/time-text';
import {
  pressRoute,
  loginOfActor,
  type ActionButton,
  type ResultView,
  type ShownSecretView,
  type UseCaseCall,
  type UseCaseEnv,
} from '../kernel';
import type { Actor } from '../../domain/roles';

/**
 * The secrets this service shows once: the label the card shows, and the word the "hidden" answer names it
 * by. The stored reference keeps the label, so the answer reads the word back from it.
 */
export const SHOWN_SECRETS = {
  password: { label: 'New password (shown once)', noun: 'Password' },
  pin: { label: 'Helpdesk PIN (shown once)', noun: 'Helpdesk PIN' },
  tap: { label: 'Temporary Access Pass (shown once)', noun: 'Temporary Access Pass' },
} as const;

export type ShownSecretKind = keyof typeof SHOWN_SECRETS;

function nounOf(label: string): string {
  return Object.values(SHOWN_SECRETS).find((k) => k.label === label)?.noun ?? 'Secret';
}

/** How long the reference is kept for the "shown to X at T" answer. */
const REFERENCE_TTL_MS = 24 * 3600_000;

/** Stores the reference of a secret about to be shown to `viewer`; returns the view's secret and its Hide button. */
export async function issueShownSecret(
  env: UseCaseEnv<'shownSecrets'>,
  viewer: Actor,
  target: { readonly login: string; readonly displayName: string },
  kind: ShownSecretKind,
  value: string,
): Promise<{ secret: ShownSecretView; hide: ActionButton }> {
  const { label } = SHOWN_SECRETS[kind];
  const ref = randomBytes(18).toString('base64url');
  const shownAt = env.clock.now();
  await env.store.shownSecrets.save({
    ref, viewer: loginOfActor(viewer), target: target.login, targetName: target.displayName, label, shownAt,
    expiresAt: new Date(shownAt.getTime() + REFERENCE_TTL_MS),
  });
  const hideAfterMs = env.settings.secretHideAfterMs;
  return {
    secret: { label, value, ref, hideAfterMs, hidesAt: new Date(shownAt.getTime() + hideAfterMs).toISOString() },
    hide: { verb: VERBS.secretHide, label: 'Hide', data: { ref } },
  };
}

async function hideSecret({ env, ctx, actor, subject }: UseCaseCall<'shownSecrets'>, ref: string, automatic: boolean): Promise<ResultView> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(ref)) throw new HelpdeskError('CONFIRM.INVALID');
  const shown = await env.store.shownSecrets.find(ref, env.clock.now());
  // Only its viewer may hide it (nobody else was shown it); anyone else learns nothing about it.
  if (!shown || shown.viewer !== loginOfActor(actor)) throw new HelpdeskError('CONFIRM.INVALID');
  subject.target = shown.target;
  subject.detail = automatic ? 'hidden automatically' : 'hidden by the viewer';
  const viewer = actor.user.displayName || loginOfActor(actor);
  const what = nounOf(shown.label);
  return {
    kind: 'result',
    outcome: 'success',
    title: `${what} hidden`,
    message: `${what} for ${shown.targetName} shown to ${viewer} at ${dateTime(shown.shownAt, ctx.timeZone)}; hidden.`,
    target: { login: shown.target, displayName: shown.targetName },
    actions: [{ verb: VERBS.userShow, label: 'Show user', data: { user: shown.target } }],
  };
}

export const hideSecretRoutes = [
  pressRoute(VERBS.secretHide, {
    action: { needs: 'agent' },
    audit: 'secret.hide',
    target: () => undefined,
    run: (call, data) => hideSecret(call, data.ref ?? '', data.auto === 'yes'),
  }),
];
