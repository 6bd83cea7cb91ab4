import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderCard, expandTemplate, summaryText, toSubmitActions } from '../../../../src/chat/cards/render-card';
import { TEMPLATE_NAMES } from '../../../../src/chat/cards/templates';
import { MAX_GROUPS_SHOWN } from '../../../../src/chat/cards/card-data';
import { errorText } from '../../../../src/chat/core/error-text';
import { ERROR_CODES } from '../../../../src/domain/errors';
import { cardActions, cardText, parseEvents, walk } from '../../../helpers/adaptive-card-sdk';
import type { UserDetailsView } from '../../../../src/service/kernel/views';
import { manyGroups, NOW, SECRET, sampleViews, userDetails } from '../../../fixtures/views';

const CARDS_DIR = path.resolve(__dirname, '../../../../cards');

describe('cards: templates and their samples', () => {
  it('every template file is kebab-case and has a sample data file', () => {
    const files = readdirSync(CARDS_DIR).filter((f) => f.endsWith('.json'));
    assert.deepEqual(files.map((f) => f.replace(/\.json$/, '')).sort(), [...TEMPLATE_NAMES].sort());
    for (const f of files) {
      assert.match(f, /^[a-z]+(-[a-z]+)*\.json$/);
      assert.ok(readdirSync(path.join(CARDS_DIR, 'samples')).includes(f), `cards/samples/${f} is missing`);
    }
  });

  for (const name of TEMPLATE_NAMES) {
    it(`${name}: expands with its sample data and parses with the adaptivecards SDK without any event`, () => {
      const data = JSON.parse(readFileSync(path.join(CARDS_DIR, 'samples', `${name}.json`), 'utf8')) as object;
      const card = expandTemplate(name, data);
      assert.equal(card.type, 'AdaptiveCard');
      assert.equal(card.version, '1.5');
      assert.ok(!JSON.stringify(card).includes('${'), 'an expression was left unexpanded');
      assert.deepEqual(parseEvents(card), []);
      assert.deepEqual(parseEvents(toSubmitActions(card)), []);
    });
  }
});

describe('cards: every view kind renders to a card that parses cleanly', () => {
  for (const [name, view] of Object.entries(sampleViews)) {
    for (const mode of ['execute', 'submit'] as const) {
      it(`${name} (${mode})`, () => {
        const card = renderCard(view, { actions: mode, now: NOW });
        assert.deepEqual(parseEvents(card), []);
        const json = JSON.stringify(card);
        assert.ok(!json.includes('${'), 'an expression was left unexpanded');
        // A link (an escalation's ticket) opens a web page and carries nothing back to the bot.
        for (const link of cardActions(card).filter((a) => a.type === 'Action.OpenUrl')) assert.match(String(link.url), /^https:\/\//);
        for (const action of cardActions(card).filter((a) => a.type !== 'Action.OpenUrl')) {
          assert.equal(action.type, mode === 'execute' ? 'Action.Execute' : 'Action.Submit');
          const data = action.data as Record<string, unknown>;
          assert.equal(typeof data.verb, 'string');
          if (mode === 'execute') assert.equal(action.verb, data.verb);
          // Card data carries only a verb and ids: flat strings, never state.
          for (const value of Object.values(data)) assert.equal(typeof value, 'string');
          // (audit's "More" also carries the cursor — an event id — and the agent's own days/type filters.)
          assert.ok(Object.keys(data).every((k) => ['verb', 'user', 'token', 'requestId', 'ref', 'cursor', 'days', 'type'].includes(k)), json);
        }
      });
    }
  }
});

describe('cards: content', () => {
  it('user details show department, groups, lock state and a clear LOCKED badge, with the view’s buttons', () => {
    const card = renderCard(userDetails, { actions: 'execute', now: NOW });
    const text = cardText(card);
    assert.match(text, /Finance/);
    assert.match(text, /GG_Finance_Readers/);
    assert.match(text, /LOCKED/);
    assert.match(text, /Locked since 2025-03-14 11:40 UTC \(20 minutes ago\)/);
    assert.deepEqual(
      cardActions(card).map((a) => [a.title, a.verb, a.data]),
      [
        ['Unlock account', 'account.unlock', { user: 'jdoe', verb: 'account.unlock' }],
        ['Reset password', 'password.reset.view', { user: 'jdoe', verb: 'password.reset.view' }],
      ],
    );
    assert.equal(cardActions(card)[0]?.style, 'destructive');
  });

  it('an unlocked, enabled user reads ACTIVE and "Not locked"', () => {
    const text = cardText(renderCard(manyGroups, { actions: 'execute', now: NOW }));
    assert.match(text, /ACTIVE/);
    assert.match(text, /Not locked/);
    assert.doesNotMatch(text, /LOCKED/);
  });

  it('disabled / password-expired / demo badges', () => {
    const text = cardText(renderCard(sampleViews['user-details-disabled-expired']!, { actions: 'submit', now: NOW }));
    for (const badge of ['DISABLED', 'PASSWORD EXPIRED', 'MUST CHANGE PASSWORD', 'PROTECTED ACCOUNT', 'DEMO DATA']) assert.match(text, new RegExp(badge));
    assert.doesNotMatch(text, /ACTIVE/);
  });

  it('200 groups with long names: summarised (first 15 + "and 185 more"), names cut, card stays small', () => {
    const card = renderCard(manyGroups, { actions: 'execute', now: NOW });
    assert.deepEqual(parseEvents(card), []);
    const text = cardText(card);
    assert.match(text, /Groups \(200\)/);
    assert.match(text, /and 185 more/);
    const groupRuns: string[] = [];
    walk(card, (o) => {
      if (o.type === 'TextRun' && typeof o.text === 'string' && o.text.startsWith('GG-Application-Access-')) groupRuns.push(o.text);
    });
    assert.equal(groupRuns.length, MAX_GROUPS_SHOWN);
    for (const run of groupRuns) assert.ok(run.replace(/\s+·\s+$/, '').length <= 64, run);
    assert.ok(JSON.stringify(card).length < 20_000, `card is ${JSON.stringify(card).length} bytes`);
  });

  it('a secret appears once, in its clearly marked field only, and never in the summary text', () => {
    const view = sampleViews['result-secret']!;
    const card = renderCard(view, { actions: 'execute', now: NOW });
    const json = JSON.stringify(card);
    assert.equal(json.split(SECRET).length - 1, 0, 'shown grouped, never as one run');
    const grouped = 'Xy7# kP2m !Qw9 rT4v';
    assert.equal(json.split(grouped).length - 1, 1);
    let container: Record<string, unknown> | undefined;
    walk(card, (o) => {
      if (o.id === 'one-time-secret') container = o;
    });
    assert.ok(container && JSON.stringify(container).includes(grouped));
    assert.match(cardText(container), /The spaces only group it for reading aloud/);
    assert.match(cardText(container), /Shown once, only to you/);
    assert.ok(!summaryText(view).includes(SECRET));
    const without = renderCard(sampleViews['result-success']!, { actions: 'execute', now: NOW });
    walk(without, (o) => assert.notEqual(o.id, 'one-time-secret'));
  });

  it('a shown password has a Hide button carrying only its reference, and says when it hides itself', () => {
    const card = renderCard(sampleViews['result-secret']!, { actions: 'execute', now: NOW });
    assert.deepEqual(cardActions(card).map((a) => [a.title, a.verb, a.data]), [
      ['Hide', 'secret.hide', { ref: 'ref_0123456789abcdefgh', verb: 'secret.hide' }],
    ]);
    assert.match(cardText(card), /hides itself 2025-03-14 12:02 UTC \(in 2 minutes\)/);
  });

  it('a shared request: Teams gets a refresh for the asker only; other channels the same button, no refresh', () => {
    const view = sampleViews['shared-request']!;
    const teams = renderCard(view, { actions: 'execute', now: NOW });
    assert.deepEqual(teams.refresh, {
      action: { type: 'Action.Execute', title: 'Show details', verb: 'request.show', data: { requestId: 'q2V9cXo3m1Jk4d8sT0aBcD', verb: 'request.show' } },
      userIds: ['29:1aabbccddeeff'],
    });
    assert.match(cardText(teams), /Alice Agent\n asked: \nuser jdoe/);
    const submit = renderCard(view, { actions: 'submit', now: NOW });
    assert.equal('refresh' in submit, false);
    assert.deepEqual(cardActions(submit).map((a) => [a.type, a.data]), [
      ['Action.Submit', { requestId: 'q2V9cXo3m1Jk4d8sT0aBcD', verb: 'request.show' }],
    ]);
  });

  it('errors render errorText(code, params), no stack; "Reference" only on an unexpected error (INTERNAL)', () => {
    for (const code of ERROR_CODES) {
      const view = sampleViews[`error-${code}`]!;
      assert.equal(view.kind, 'error');
      const text = cardText(renderCard(view, { actions: 'submit', now: NOW }));
      assert.ok(text.includes(errorText(code, view.params)), code);
      if (code === 'INTERNAL') assert.equal(text.split('Reference: abcd1234').length - 1, 1, text);
      else assert.doesNotMatch(text, /Reference/, code);
      assert.doesNotMatch(text, /\bat .*\.ts:\d+/);
    }
  });

  it('status reads without colour: no coloured text anywhere, and no coloured container behind coloured text', () => {
    for (const [name, view] of Object.entries(sampleViews)) {
      walk(renderCard(view, { actions: 'execute', now: NOW }), (o) => {
        if ('color' in o) assert.equal(o.color, 'Default', `${name}: ${o.type} "${String(o.text)}" is coloured ${String(o.color)}`);
      });
    }
  });

  it('the locked user: the first lines under the name say LOCKED, since when and that it stays locked', () => {
    const text = cardText(renderCard(userDetails, { actions: 'execute', now: NOW }));
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(0, 5), [
      'Jane Doe', 'jdoe · jdoe@corp.example.test · Accountant', '🔒 ', 'LOCKED',
      ' since 2025-03-14 11:40 UTC (20 minutes ago) — stays locked until someone unlocks it',
    ]);
    assert.doesNotMatch(text, /Only when unlocked|Lock releases/);
    assert.match(text, /Lock ends\nStays locked until someone unlocks it/);
    const timed = { ...userDetails, account: { ...userDetails.account, lockoutEndsAt: '2025-03-14T12:12:00Z' } };
    assert.match(cardText(renderCard(timed, { actions: 'execute', now: NOW })), /Unlocks by itself at 2025-03-14 12:12 UTC \(in 12 minutes\)/);
  });

  it('disabled, expired and must-change state lead the card too', () => {
    const view = sampleViews['user-details-disabled-expired']!;
    const lines = cardText(renderCard(view, { actions: 'execute', now: NOW })).split('\n').slice(2, 14).join('|');
    for (const word of ['DISABLED', 'PASSWORD EXPIRED', 'MUST CHANGE PASSWORD']) assert.ok(lines.includes(word), `${word} not in the first lines: ${lines}`);
  });

  it('a cancelled action says "Cancelled" once and names what was cancelled', () => {
    for (const name of ['result-cancelled', 'result-cancelled-plain']) {
      const text = cardText(renderCard(sampleViews[name]!, { actions: 'execute', now: NOW }));
      assert.equal(text.split(/cancelled/i).length - 1, 1, text);
    }
    assert.match(cardText(renderCard(sampleViews['result-cancelled']!, { actions: 'execute', now: NOW })), /✖ Cancelled\n — \nUnlock account/);
  });

  it('pick-list rows show login, department and state; unlock rows carry the unlock verb', () => {
    const text = cardText(renderCard(sampleViews['pick-list']!, { actions: 'execute', now: NOW }));
    assert.match(text, /John Smith\n🔒 Locked\njsmith · Sales/);
    assert.match(text, /Jo Smithers\n⛔ Disabled\njsmithers/);
    assert.match(text, /Jack Smithy\n✅ Active\njsmithy · Finance/);
    const unlock = renderCard(sampleViews['pick-list-unlock']!, { actions: 'execute', now: NOW });
    assert.match(cardText(unlock), /Pick the one to unlock/);
    assert.deepEqual(cardActions(unlock).map((a) => a.verb), ['account.unlock', 'account.unlock']);
  });

  it('a non-agent’s help says they are not helpdesk staff and lists nothing', () => {
    const card = renderCard(sampleViews['help-none']!, { actions: 'execute', now: NOW });
    assert.ok(cardText(card).includes(errorText('AUTH.NOT_STAFF')));
    assert.ok(!cardText(card).includes('unlock'));
  });

  it('directory text is never markdown: it lands in TextRuns, not TextBlocks', () => {
    const view = { ...userDetails, organisation: { department: '[click me](https://evil.example) **now**' } };
    const card = renderCard(view, { actions: 'execute', now: NOW });
    walk(card, (o) => {
      if (o.type === 'TextBlock') assert.ok(!String(o.text).includes('evil.example'));
    });
    assert.match(cardText(card), /\[click me\]/);
  });

  it('a value that looks like a template expression is shown as it is', () => {
    const view = { ...userDetails, displayName: '${login} ${1+1}' };
    assert.match(cardText(renderCard(view, { actions: 'execute', now: NOW })), /\$\{login\} \$\{1\+1\}/);
  });

  it('a vishing indicator is the second item of the card, an attention box right under the name, on the details and the audit card', () => {
    for (const name of ['user-details-portal', 'audit-events']) {
      const card = renderCard(sampleViews[name]!, { actions: 'execute', now: NOW });
      const body = card.body as Record<string, unknown>[];
      const box = body[1]!;
      assert.equal(box.type, 'Container', name);
      assert.equal(box.style, 'attention', name);
      assert.match(cardText({ type: 'AdaptiveCard', body: [box] }), /^⚠ Possible vishing: verify the caller before acting\n• \n\S/, name);
      assert.equal(body.filter((b) => JSON.stringify(b).includes('Possible vishing')).length, 1, `${name}: once`);
    }
    const quiet = renderCard({ ...(sampleViews['user-details-portal'] as UserDetailsView), indicators: [] }, { actions: 'execute', now: NOW });
    assert.doesNotMatch(JSON.stringify(quiet), /Possible vishing/);
    assert.notEqual((quiet.body as Record<string, unknown>[])[1]?.style, 'attention', 'a quiet user has no box');
  });
});
