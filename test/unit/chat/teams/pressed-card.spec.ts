// A refused press keeps the card it was pressed on (pressed-card.ts): which cards say where a press came
// from, which refusals draw them again, and how the refusal sits on top.
import assert from 'node:assert/strict';
import { TurnContext, type Activity } from 'botbuilder';
import { renderCard } from '../../../../src/chat/cards/render-card';
import { ConsoleBotAdapter } from '../../../../src/chat/local/console-adapter';
import { markPressedOn, PRESSED_ON, redrawOf, withoutPressedOn, withRefusal } from '../../../../src/chat/teams/pressed-card';
import type { ErrorCode } from '../../../../src/domain/errors';
import { VERBS } from '../../../../src/domain/verbs';
import type { ErrorView, View } from '../../../../src/service/kernel/views';
import { cardActions, cardText, parseEvents } from '../../../helpers/adaptive-card-sdk';
import { NOW, sampleViews, userDetails } from '../../../fixtures/views';

const refusal = (code: ErrorCode, params: ErrorView['params'] = {}): ErrorView => ({ kind: 'error', code, params, correlationId: 'c-1' });

describe('Teams: a refused press keeps its card', () => {
  it('every button of a details card says it is on one, Action.Execute and Action.Submit alike; the ids are untouched', () => {
    for (const actions of ['execute', 'submit'] as const) {
      const card = markPressedOn(renderCard(userDetails, { actions, now: NOW }), userDetails);
      const buttons = cardActions(card);
      assert.ok(buttons.length > 0);
      for (const b of buttons) {
        const data = b.data as Record<string, unknown>;
        assert.equal(data[PRESSED_ON], 'user-details');
        assert.equal(data.user, userDetails.login);
      }
      assert.deepEqual(parseEvents(card), []);
    }
  });

  it('cards the server cannot draw again from a press are left as they are (a confirm card: its outcome replaces it)', () => {
    for (const view of Object.values(sampleViews).filter((v) => v.kind !== 'user-details')) {
      const card = renderCard(view, { actions: 'execute', now: NOW });
      assert.deepEqual(markPressedOn(card, view), card, view.kind);
    }
  });

  it('a refused press on a details card draws it again with user.show; the service never sees the marker', () => {
    const pressed = { verb: VERBS.passwordResetView, user: 'jdoe', [PRESSED_ON]: 'user-details' };
    const refused = refusal('AUTH.FORBIDDEN', { action: VERBS.passwordResetView, role: 'supervisor' });
    assert.deepEqual(redrawOf(pressed, refused), { press: { verb: VERBS.userShow, user: 'jdoe' }, kind: 'user-details', refusal: refused });
    assert.deepEqual(withoutPressedOn(pressed), { verb: VERBS.passwordResetView, user: 'jdoe' });
  });

  it('no redraw: an answer that is not a refusal, an unmarked or forged marker, or a presser who may see nothing', () => {
    const pressed = { verb: VERBS.accountUnlock, user: 'jdoe', [PRESSED_ON]: 'user-details' };
    assert.equal(redrawOf(pressed, sampleViews.confirm as View), undefined);
    assert.equal(redrawOf({ verb: VERBS.accountUnlock, user: 'jdoe' }, refusal('POLICY.PROTECTED_TARGET')), undefined);
    for (const forged of ['confirm', 'constructor', '__proto__', 'toString', 7]) {
      assert.equal(redrawOf({ ...pressed, [PRESSED_ON]: forged }, refusal('POLICY.PROTECTED_TARGET')), undefined, String(forged));
    }
    assert.equal(redrawOf({ verb: VERBS.accountUnlock, [PRESSED_ON]: 'user-details' }, refusal('POLICY.PROTECTED_TARGET')), undefined, 'no login');
    for (const code of ['AUTH.NOT_STAFF', 'AUTH.UNKNOWN_IDENTITY', 'AUDIT.UNAVAILABLE'] as const) assert.equal(redrawOf(pressed, refusal(code)), undefined, code);
  });

  it('the refusal is the first line and the last (above the buttons): a caution for a refusal, an alarm for a failure; the card still parses', () => {
    const card = renderCard(userDetails, { actions: 'execute', now: NOW });
    const refused = withRefusal(card, refusal('POLICY.RATE_LIMITED', { scope: 'target', count: 3, until: '10:42 UTC' }));
    const body = refused.body as Record<string, unknown>[];
    const [first, last] = [body[0], body.at(-1)];
    assert.equal(first?.style, 'warning');
    assert.match(cardText(first), /limit/);
    assert.equal(cardText(last), cardText(first));
    assert.deepEqual(body.slice(1, -1), card.body, 'the card itself between, unchanged');
    assert.deepEqual(refused.actions, card.actions);
    assert.deepEqual(parseEvents(refused), []);
    assert.equal((withRefusal(card, refusal('DIR.UNAVAILABLE')).body as Record<string, unknown>[])[0]?.style, 'attention');
  });

  it('the console cannot update a message that has left its history: it says so, and the bot sends a new message instead', async () => {
    const adapter = new ConsoleBotAdapter(() => 'id', () => false);
    const context = new TurnContext(adapter, { type: 'message', conversation: { id: 'c' } } as Activity);
    await assert.rejects(context.updateActivity({ type: 'message', id: 'gone' }), /no longer in the conversation/);
  });
});
