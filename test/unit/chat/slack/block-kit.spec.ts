import assert from 'node:assert/strict';
import {
  LIMITS, actionsBlocks, button, capBlocks, context, esc, fieldSections, slackDate, summariseList, truncate, truncateMrkdwn,
} from '../../../../src/chat/slack/block-kit';
import { VERBS } from '../../../../src/domain/verbs';
import type { ActionButton } from '../../../../src/service/kernel/views';

describe('slack block-kit primitives', () => {
  it('truncate keeps short texts and never splits a surrogate pair', () => {
    assert.equal(truncate('abc', 5), 'abc');
    assert.equal(truncate('abcdef', 4), 'abc…');
    const emoji = '😀'.repeat(10);
    const cut = truncate(emoji, 6);
    assert.ok(cut.length <= 6);
    assert.ok(!/[\ud800-\udbff]…$/.test(cut));
  });

  it('esc escapes the three mrkdwn control characters', () => {
    assert.equal(esc('a & <b> c'), 'a &amp; &lt;b&gt; c');
  });

  it('truncateMrkdwn does not leave half an entity or half a <…> token', () => {
    assert.equal(truncateMrkdwn('abc &amp; def', 7), 'abc …');
    assert.equal(truncateMrkdwn('x <!date^1^{date}|fallback> tail', 12), 'x …');
  });

  it('summariseList stays within its budget and counts the rest', () => {
    const items = Array.from({ length: 100 }, (_, i) => `item-${i}`);
    const text = summariseList(items, { budget: 200 });
    assert.ok(text.length <= 200);
    const shown = text.split(', ').filter((t) => t.startsWith('item-')).length;
    assert.ok(text.endsWith(`…and ${100 - shown} more`));
    assert.equal(summariseList(['a', 'b'], { budget: 100 }), 'a, b');
  });

  it('fieldSections drops empty values and splits at 10 fields', () => {
    const pairs = Array.from({ length: 23 }, (_, i) => [`L${i}`, i % 5 === 0 ? undefined : `v${i}`] as const);
    const blocks = fieldSections('Title', pairs);
    assert.deepEqual(blocks.map((b) => b.fields?.length), [10, 8]);
    assert.equal(blocks[0]?.text?.text, '*Title*');
    assert.equal(blocks[1]?.text, undefined);
  });

  it('actionsBlocks splits at 25 buttons and numbers action ids uniquely', () => {
    const actions: ActionButton[] = Array.from({ length: 60 }, (_, i) => ({ verb: VERBS.userShow, label: `U${i}`, data: { user: `u${i}` } }));
    const blocks = actionsBlocks(actions);
    assert.deepEqual(blocks.map((b) => b.elements.length), [25, 25]);
    const ids = blocks.flatMap((b) => b.elements.map((e) => (e as { action_id: string }).action_id));
    assert.equal(new Set(ids).size, ids.length);
  });

  it('button: value is {verb, ...ids}; a "verb" id cannot override the verb', () => {
    const b = button({ verb: VERBS.userShow, label: 'Show', data: { user: 'jdoe', verb: 'confirm.accept' } }, 0);
    assert.deepEqual(JSON.parse(b!.value!), { verb: 'user.show', user: 'jdoe' });
    const danger = button({ verb: VERBS.accountUnlock, label: 'x'.repeat(100), data: { user: 'u' }, style: 'destructive' }, 1, { targetName: 'y'.repeat(400) });
    assert.equal(danger?.style, 'danger');
    assert.ok(danger?.confirm);
    assert.ok(danger.text.text.length <= LIMITS.buttonText);
    assert.ok(danger.confirm.text!.text.length <= LIMITS.confirmText);
    assert.ok(danger.confirm.confirm!.text.length <= LIMITS.confirmButton);
  });

  it('slackDate renders a reader-local date token with a UTC fallback', () => {
    assert.equal(slackDate('2025-03-14T11:40:00Z'), '<!date^1741952400^{date_short_pretty} {time}|2025-03-14 11:40 UTC>');
    assert.equal(slackDate(undefined), undefined);
    assert.equal(slackDate('<junk>'), '&lt;junk&gt;');
  });

  it('capBlocks keeps at most 50 blocks, the buttons last', () => {
    const blocks = [...Array.from({ length: 70 }, () => context(['x'])), ...actionsBlocks([{ verb: VERBS.userShow, label: 'S', data: { user: 'u' } }])];
    const capped = capBlocks(blocks, 1);
    assert.equal(capped.length, 50);
    assert.equal(capped[49]?.type, 'actions');
  });
});
