// Events the portal POSTs to /api/portal/events, read back with signed Slack requests against Samba AD:
// `/helpdesk audit` newest first, paged through the "More" button to the end; `/helpdesk sync … failed`.
import assert from 'node:assert/strict';
import { VERBS } from '../../src/domain/verbs';
import type { RecordedCall } from '../helpers/slack-api-fake';
import { blockKitProblems } from '../helpers/slack-block-limits';
import { buttonsOf, startSlackHarness, textOf, type SlackHarness } from '../helpers/slack-harness';
import { PORTAL_TOKEN, portalCall, portalEvent } from '../helpers/portal-api-client';
import { MAIL_DOMAIN, USERS } from '../helpers/samba';

const AGENT = 'U0AGENT01';

describe('Portal data over signed Slack requests, against Samba AD', function () {
  this.timeout(30_000);
  let h: SlackHarness;

  before(async () => {
    h = await startSlackHarness({ portalApiToken: PORTAL_TOKEN, slackUsers: [{ id: AGENT, email: `${USERS.agent}@${MAIL_DOMAIN}`, realName: 'Alice Agent' }] });
    const now = Date.now();
    const events = Array.from({ length: 14 }, (_, i) => portalEvent({
      id: `s-${i + 1}`, user: USERS.jsmith, type: 'challenge', outcome: i % 4 === 0 ? 'failure' : 'success', detail: `mark-${i + 1}`,
      at: new Date(now - (200 - i) * 60_000).toISOString(),
    }));
    const sync = [
      portalEvent({ id: 'y-1', user: USERS.jsmith, type: 'sync', category: 'sync', system: 'active-directory', operation: 'set-password', status: 'failed', error: 'SLACK-FAIL' }),
      portalEvent({ id: 'y-2', user: USERS.jsmith, type: 'sync', category: 'sync', system: 'google-workspace', operation: 'set-password', status: 'succeeded' }),
    ];
    assert.equal((await portalCall(h.baseUrl, 'POST', '/api/portal/events', { events: [...events, ...sync] })).status, 202);
  });
  after(async () => {
    await h?.close();
  });

  const marks = (call: RecordedCall) => [...textOf(call).matchAll(/\(mark-(\d+)\)/g)].map((m) => Number(m[1]));
  const more = (call: RecordedCall) => buttonsOf(call).find((b) => b.value && (JSON.parse(b.value) as { verb: string }).verb === VERBS.auditMore);

  it('/helpdesk audit: newest first, paged through "More" to the end, ephemeral and within Block Kit limits', async () => {
    let { answer } = await h.ask(AGENT, `audit ${USERS.jsmith}`);
    const seen: number[] = [];
    for (let page = 0; ; page++) {
      // The first answer is ephemeral; "More" replaces that ephemeral message in place.
      if (page === 0) assert.equal(answer.body.response_type, 'ephemeral');
      else assert.equal(answer.body.replace_original, true);
      assert.deepEqual(blockKitProblems(answer.body), []);
      seen.push(...marks(answer));
      const button = more(answer);
      if (!button) break;
      assert.ok(page < 5);
      ({ answer } = await h.press(AGENT, button));
    }
    assert.deepEqual(seen, Array.from({ length: 14 }, (_, i) => 14 - i));
    assert.ok(!textOf(answer).includes('SLACK-FAIL'));
  });

  it('/helpdesk sync <user> failed: only the failures', async () => {
    const { answer } = await h.ask(AGENT, `sync ${USERS.jsmith} failed`);
    const text = textOf(answer);
    assert.ok(text.includes('SLACK-FAIL') && text.includes('FAILED'), text);
    assert.ok(!text.includes('google-workspace'), text);
    const all = textOf((await h.ask(AGENT, `sync ${USERS.jsmith}`)).answer);
    assert.ok(all.indexOf('SLACK-FAIL') < all.indexOf('google-workspace'), 'failures first');
  });
});
