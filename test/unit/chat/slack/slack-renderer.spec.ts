import assert from 'node:assert/strict';
import { errorText } from '../../../../src/chat/core/error-text';
import { ACTION_ID_PREFIX } from '../../../../src/chat/slack/block-kit';
import { MAX_PICK_USERS, renderView, type SlackMessage } from '../../../../src/chat/slack/slack-renderer';
import { VERBS } from '../../../../src/domain/verbs';
import type { ActionButton, PickListView, UserDetailsView, View } from '../../../../src/service/kernel/views';
import { blockKitProblems } from '../../../helpers/slack-block-limits';
import { manyGroups, SECRET, sampleViews, userDetails } from '../../../fixtures/views';

/** Every text a reader can see in the message (fallback, blocks, buttons, dialogs). */
function allText(message: SlackMessage): string {
  return JSON.stringify(message);
}

function buttons(message: SlackMessage): { action_id: string; value: string; style?: string; confirm?: unknown; text: { text: string } }[] {
  const out: ReturnType<typeof buttons> = [];
  for (const b of message.blocks as unknown as Record<string, unknown>[]) {
    if (b.type === 'actions') out.push(...(b.elements as ReturnType<typeof buttons>));
    const acc = b.accessory as { type?: string } | undefined;
    if (b.type === 'section' && acc?.type === 'button') out.push(acc as ReturnType<typeof buttons>[number]);
  }
  return out;
}

const LONG = 'Ünïcödé ✓ <!channel> & *bold* `tick` '.repeat(400); // ~14,000 characters, markup and entities

describe('slack renderer: every view kind renders within Block Kit limits', () => {
  for (const [name, view] of Object.entries(sampleViews)) {
    for (const ephemeral of [true, false]) {
      it(`${name} (${ephemeral ? 'ephemeral' : 'shared'})`, () => {
        const message = renderView(view, { ephemeral });
        assert.deepEqual(blockKitProblems(message), []);
        assert.ok(message.blocks.length >= 1);
      });
    }
  }
});

describe('slack renderer: content', () => {
  it('user details show the department, the groups, the lock state and badges', () => {
    const text = allText(renderView(userDetails, { ephemeral: true }));
    for (const expected of ['Jane Doe', 'Finance', 'Accountant', 'GG_Finance_Readers', 'Domain Users', ':lock: Locked', 'Locked since', 'Mona Manager']) {
      assert.ok(text.includes(expected), `missing ${expected}`);
    }
  });

  it('the 200-group user: groups summarised in one section with the count, within limits', () => {
    const message = renderView(manyGroups, { ephemeral: true });
    assert.deepEqual(blockKitProblems(message), []);
    const groups = message.blocks.find((b) => b.type === 'section' && 'text' in b && b.text?.text.startsWith('*Groups (200)*'));
    assert.ok(groups, 'no groups section');
    const text = (groups as { text: { text: string } }).text.text;
    assert.ok(text.length <= 3000);
    const more = /…and (\d+) more$/.exec(text);
    assert.ok(more, 'the list does not say how many more');
    const shown = (text.match(/`GG-Application-Access-/g) ?? []).length;
    assert.equal(shown + Number(more[1]), 200);
    assert.ok(shown >= 10, `only ${shown} groups shown`);
  });

  it('a groupCount above the groups the view carries is the count shown', () => {
    const view: UserDetailsView = { ...userDetails, groups: ['A', 'B'], groupCount: 57 };
    const text = allText(renderView(view, { ephemeral: true }));
    assert.ok(text.includes('*Groups (57)*'));
    assert.ok(text.includes('…and 55 more'));
  });

  it('long texts everywhere are shortened, never rejected', () => {
    const views: View[] = [
      { ...userDetails, displayName: LONG, organisation: { department: LONG, title: LONG, company: LONG, office: LONG, manager: LONG },
        contact: { mail: LONG, telephoneNumber: LONG, mobile: LONG }, linked: { upnSuffix: LONG, proxyAddresses: Array(300).fill(LONG) },
        groups: Array(500).fill(LONG), groupCount: 500,
        actions: Array.from({ length: 60 }, (_, i): ActionButton => ({ verb: VERBS.userShow, label: LONG, data: { user: `u${i}` }, style: 'destructive' })) },
      { kind: 'confirm', title: LONG, message: LONG, target: { login: LONG, displayName: LONG }, expiresAt: 'not a date',
        actions: [{ verb: VERBS.confirmAccept, label: LONG, data: { token: 't' }, style: 'destructive' }] },
      { kind: 'result', outcome: 'failure', title: LONG, message: LONG, target: { login: LONG, displayName: LONG }, secret: { label: LONG, value: LONG, ref: 'r'.repeat(24), hidesAt: '2025-03-14T12:02:00Z', hideAfterMs: 120_000 }, actions: [] },
      { kind: 'shared-request', typed: LONG, askedBy: LONG, askerChatUserId: 'U1', expiresAt: 'not a date',
        refresh: { verb: VERBS.requestShow, label: 'Show details', data: { requestId: 'r' } }, actions: [{ verb: VERBS.requestShow, label: LONG, data: { requestId: 'r' } }] },
      { kind: 'help', role: 'supervisor', commands: Array.from({ length: 80 }, () => ({ usage: LONG.slice(0, 300), description: LONG.slice(0, 500) })) },
      { kind: 'error', code: 'DIR.USER_NOT_FOUND', params: { query: LONG }, correlationId: LONG },
    ];
    for (const view of views) {
      for (const ephemeral of [true, false]) {
        assert.deepEqual(blockKitProblems(renderView(view, { ephemeral })), [], `${view.kind}`);
      }
    }
  });

  it('a button whose ids would overflow Slack\'s value limit is left out, not drawn broken', () => {
    const view: UserDetailsView = { ...userDetails, actions: [
      { verb: VERBS.accountUnlock, label: 'Unlock', data: { user: 'x'.repeat(2100) } },
      { verb: VERBS.userShow, label: 'Show', data: { user: 'jdoe' } },
    ] };
    const message = renderView(view, { ephemeral: true });
    assert.deepEqual(buttons(message).map((b) => b.text.text), ['Show']);
  });

  it('user data is escaped: no mention, link or markup injection', () => {
    const view: UserDetailsView = {
      ...userDetails, displayName: '<!channel> Eve', organisation: { department: '<https://evil.example|Click> & <@U123>' },
      groups: ['<!here>'], groupCount: 1,
    };
    const text = allText(renderView(view, { ephemeral: true }));
    assert.ok(!text.includes('<!channel>') || text.includes('"type":"plain_text","text":"<!channel> Eve"'));
    assert.ok(!text.includes('<https://evil'));
    assert.ok(!text.includes('<@U123>'));
    assert.ok(!text.includes('<!here>'));
    assert.ok(text.includes('&lt;https://evil.example|Click&gt; &amp; &lt;@U123&gt;'));
  });

  it('pick list: one section per user with its own Show button, capped and noted', () => {
    const view = sampleViews['pick-list'] as PickListView;
    const message = renderView(view, { ephemeral: true });
    const accessories = message.blocks.filter((b) => b.type === 'section' && 'accessory' in b && b.accessory);
    assert.equal(accessories.length, 3);
    assert.deepEqual(buttons(message).map((b) => JSON.parse(b.value)), [
      { verb: 'user.show', user: 'jsmith' }, { verb: 'user.show', user: 'jsmithers' }, { verb: 'user.show', user: 'jsmithy' },
    ]);
    // Each row tells namesakes apart: login, state, department.
    const rows = accessories.map((b) => (b as { text: { text: string } }).text.text);
    assert.match(rows[0] ?? '', /`jsmith` {2}:lock: \*Locked\*\nSales/);
    assert.match(rows[1] ?? '', /`jsmithers` {2}:no_entry: \*Disabled\*/);
    assert.match(rows[2] ?? '', /`jsmithy` {2}:white_check_mark: Active\nFinance/);
    assert.ok(allText(message).includes('narrow the query'));

    const users = Array.from({ length: 120 }, (_, i) => ({ login: `bench.user${i}`, displayName: `Bench User ${i}`, department: 'Bench', enabled: true, locked: false }));
    const big: PickListView = { ...view, users, truncated: false, actions: users.map((u) => ({ verb: VERBS.userShow, label: 'Show', data: { user: u.login } })) };
    const bigMessage = renderView(big, { ephemeral: true });
    assert.deepEqual(blockKitProblems(bigMessage), []);
    assert.equal(buttons(bigMessage).length, MAX_PICK_USERS);
    assert.ok(allText(bigMessage).includes('narrow the query'));
  });

  it('buttons carry only {verb, ...ids}; destructive ones are danger with a native confirm dialog', () => {
    const message = renderView(sampleViews.confirm!, { ephemeral: true });
    const [accept, cancel] = buttons(message);
    assert.ok(accept && cancel);
    assert.deepEqual(JSON.parse(accept.value), { verb: 'confirm.accept', token: 'tok_abc' });
    assert.deepEqual(JSON.parse(cancel.value), { verb: 'confirm.cancel', token: 'tok_abc' });
    assert.equal(accept.style, 'danger');
    assert.ok(accept.confirm, 'no confirm dialog on the destructive button');
    assert.equal(cancel.style, undefined);
    assert.equal(cancel.confirm, undefined);
    for (const b of buttons(message)) assert.ok(b.action_id.startsWith(ACTION_ID_PREFIX));
  });

  it('a secret is drawn only in an ephemeral message, never in the fallback text', () => {
    const view = sampleViews['result-secret']!;
    const privately = renderView(view, { ephemeral: true });
    assert.ok(allText(privately).includes('Xy7# kP2m !Qw9 rT4v'), 'shown in groups of four');
    assert.ok(!privately.text.includes(SECRET) && !privately.text.includes('Xy7#'));
    const shared = renderView(view, { ephemeral: false });
    assert.ok(!allText(shared).includes(SECRET) && !allText(shared).includes('Xy7#'));
  });

  it('help for a non-agent says so and lists no command', () => {
    const message = renderView(sampleViews['help-none']!, { ephemeral: true });
    assert.ok(allText(message).includes(errorText('AUTH.NOT_STAFF').replace(/'/g, "'")));
    assert.ok(!allText(message).includes('/helpdesk user'));
    const agent = renderView(sampleViews['help-agent']!, { ephemeral: true });
    assert.ok(allText(agent).includes('/helpdesk user &lt;name, login, e-mail or phone&gt;'));
  });

  it('error views use the shared wording; only an unexpected error (INTERNAL) carries a reference', () => {
    const message = renderView({ kind: 'error', code: 'CONFIRM.USED', params: {}, correlationId: '0123456789abcdef' }, { ephemeral: true });
    assert.equal(message.text, errorText('CONFIRM.USED'));
    assert.ok(!allText(message).includes('01234567') && !allText(message).includes('Reference'));
    const notFound = renderView({ kind: 'error', code: 'DIR.USER_NOT_FOUND', params: { query: 'x' }, correlationId: '0123456789abcdef' }, { ephemeral: true });
    assert.ok(!allText(notFound).includes('Reference'));
    const internal = renderView({ kind: 'error', code: 'INTERNAL', params: { ref: '01234567' }, correlationId: '0123456789abcdef' }, { ephemeral: true });
    assert.equal(allText(internal).split('Reference: 01234567').length - 1, 2, 'in the text and its fallback, once each');
  });

  it('user details open with the state that matters on the phone', () => {
    const message = renderView(userDetails, { ephemeral: true });
    const first = message.blocks[1] as { type: string; text?: { text: string } };
    assert.equal(first.type, 'section');
    assert.match(first.text?.text ?? '', /^:lock: \*Locked\* since <!date\^\d+\^[^>]+> — stays locked until someone unlocks it$/);
    const disabled = renderView(sampleViews['user-details-disabled-expired']!, { ephemeral: true });
    const lines = ((disabled.blocks[1] as { text?: { text: string } }).text?.text ?? '').split('\n');
    assert.match(lines[0] ?? '', /^:no_entry: \*Disabled\*/);
    assert.ok(lines.some((l) => l.startsWith(':hourglass: *Password expired*')));
    assert.ok(lines.some((l) => l.startsWith(':key: *Must change password* at next logon')));
    const active = renderView(manyGroups, { ephemeral: true });
    assert.match((active.blocks[1] as { text?: { text: string } }).text?.text ?? '', /^:white_check_mark: \*Active\*/);
  });

  it('a cancelled action says so once and names it', () => {
    const text = allText(renderView(sampleViews['result-cancelled']!, { ephemeral: true }));
    assert.match(text, /\*Cancelled: Unlock account\*/);
    const plain = renderView(sampleViews['result-cancelled-plain']!, { ephemeral: true });
    assert.doesNotMatch(JSON.stringify(plain.blocks), /Cancelled: Cancelled/);
  });

  it('a vishing indicator is the second block, right under the name or title, on the details and the audit message', () => {
    for (const name of ['user-details-portal', 'audit-events']) {
      const blocks = renderView(sampleViews[name]!, { ephemeral: true }).blocks as unknown as { type: string; text?: { text: string } }[];
      assert.equal(blocks[0]?.type, 'header', name);
      assert.equal(blocks[1]?.type, 'section', name);
      assert.match(blocks[1]?.text?.text ?? '', /^:warning: \*Possible vishing: verify the caller before acting\*\n• /, name);
      assert.equal(blocks.filter((b) => JSON.stringify(b).includes('Possible vishing')).length, 1, `${name}: once`);
    }
    assert.doesNotMatch(JSON.stringify(renderView(userDetails, { ephemeral: true })), /Possible vishing/);
  });
});

