import assert from 'node:assert/strict';
import type { App, ReceiverEvent } from '@slack/bolt';
import { SlackReceiver, type SlackHttpResponse } from '../../../../src/chat/slack/slack-receiver';
import { silentLogger } from '../../../../src/ports/logger.port';
import { TEST_SIGNING_SECRET, signedHeaders, slashCommand } from '../../../helpers/slack-requests';

const NOW = Date.parse('2025-03-14T12:00:00Z');
const NOW_S = NOW / 1000;

function receiverWith(processEvent: (event: ReceiverEvent) => Promise<void>): { receiver: SlackReceiver; events: ReceiverEvent[] } {
  const events: ReceiverEvent[] = [];
  const receiver = new SlackReceiver({ signingSecret: TEST_SIGNING_SECRET, logger: silentLogger, now: () => NOW });
  receiver.init({ processEvent: async (e: ReceiverEvent) => { events.push(e); await processEvent(e); } } as unknown as App);
  return { receiver, events };
}

async function send(receiver: SlackReceiver, body: string, headers: Record<string, string>): Promise<SlackHttpResponse[]> {
  const replies: SlackHttpResponse[] = [];
  await receiver.dispatch({ headers, rawBody: Buffer.from(body) }, (r) => replies.push(r));
  return replies;
}

const command = slashCommand({ userId: 'U1', text: 'help', responseUrl: 'http://127.0.0.1:1/commands/x' });

describe('slack receiver (transport)', () => {
  it('a signed request reaches the app; ack() answers once, at once', async () => {
    let afterAck = false;
    const { receiver, events } = receiverWith(async (e) => {
      await e.ack({ response_type: 'ephemeral', text: 'hi' });
      afterAck = true;
    });
    const replies = await send(receiver, command.body, signedHeaders(command, { timestampSec: NOW_S }));
    assert.equal(events.length, 1);
    assert.equal(events[0]?.body.command, '/helpdesk');
    assert.deepEqual(replies, [{ status: 200, contentType: 'application/json; charset=utf-8', body: '{"response_type":"ephemeral","text":"hi"}' }]);
    assert.ok(afterAck);
  });

  const refusals: [string, Record<string, string>][] = [
    ['wrong secret', signedHeaders(command, { secret: 'not-the-secret', timestampSec: NOW_S })],
    ['timestamp six minutes old', signedHeaders(command, { timestampSec: NOW_S - 360 })],
    ['timestamp six minutes ahead', signedHeaders(command, { timestampSec: NOW_S + 360 })],
    ['no signature', (({ 'x-slack-signature': _s, ...h }) => h)(signedHeaders(command, { timestampSec: NOW_S }))],
    ['no timestamp', (({ 'x-slack-request-timestamp': _t, ...h }) => h)(signedHeaders(command, { timestampSec: NOW_S }))],
    ['non-numeric timestamp', { ...signedHeaders(command, { timestampSec: NOW_S }), 'x-slack-request-timestamp': 'soon' }],
    ['signature of another body', signedHeaders({ ...command, body: `${command.body}&x=1` }, { timestampSec: NOW_S })],
  ];
  for (const [name, headers] of refusals) {
    it(`${name} → 401 and nothing runs`, async () => {
      const { receiver, events } = receiverWith(async (e) => e.ack());
      assert.deepEqual(await send(receiver, command.body, headers), [{ status: 401, body: '' }]);
      assert.equal(events.length, 0);
    });
  }

  it('four minutes of skew is accepted', async () => {
    const { receiver, events } = receiverWith(async (e) => e.ack());
    const replies = await send(receiver, command.body, signedHeaders(command, { timestampSec: NOW_S - 240 }));
    assert.equal(replies[0]?.status, 200);
    assert.equal(events.length, 1);
  });

  it("Slack's ssl_check is answered without running anything", async () => {
    const { receiver, events } = receiverWith(async (e) => e.ack());
    const replies = await send(receiver, 'ssl_check=1&token=x', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.deepEqual(replies, [{ status: 200, body: '' }]);
    assert.equal(events.length, 0);
  });

  it('url_verification (signed) is answered with the challenge', async () => {
    const { receiver, events } = receiverWith(async (e) => e.ack());
    const req = { contentType: 'application/json' as const, body: JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 't' }) };
    const replies = await send(receiver, req.body, signedHeaders(req, { timestampSec: NOW_S }));
    assert.equal(replies[0]?.status, 200);
    assert.deepEqual(JSON.parse(replies[0]!.body), { challenge: 'c-123' });
    assert.equal(events.length, 0);
  });

  it('no listener acknowledges → 404; a failing app → 500; an unreadable body → 400', async () => {
    const quiet = receiverWith(async () => {});
    assert.equal((await send(quiet.receiver, command.body, signedHeaders(command, { timestampSec: NOW_S })))[0]?.status, 404);
    const failing = receiverWith(async () => { throw new Error('boom'); });
    assert.equal((await send(failing.receiver, command.body, signedHeaders(command, { timestampSec: NOW_S })))[0]?.status, 500);
    const bad = { contentType: 'application/json' as const, body: '{not json' };
    assert.equal((await send(quiet.receiver, bad.body, signedHeaders(bad, { timestampSec: NOW_S })))[0]?.status, 400);
  });

  it('a second ack() throws and the reply is not sent twice', async () => {
    let second: unknown;
    const { receiver } = receiverWith(async (e) => {
      await e.ack();
      second = await e.ack().catch((err: unknown) => err);
    });
    const replies = await send(receiver, command.body, signedHeaders(command, { timestampSec: NOW_S }));
    assert.equal(replies.length, 1);
    assert.ok(second instanceof Error);
  });
});
