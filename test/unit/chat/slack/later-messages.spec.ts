// A Slack message owed a later update, as the store keeps it: the response_url only sealed, bound to the
// entry and the asker; another replica (same key) posts to it, a copy moved to another entry or read with
// another key gives nothing to post to.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { aesGcmAnswerCipher } from '../../../../src/adapters/secrets/answer-cipher';
import { SlackLaterMessages, type SlackAddress } from '../../../../src/chat/slack/later-messages';

const client = {} as never;
const asker = { client, userId: 'U0SUPER01', installation: { teamId: 'T1' }, conversation: 'personal', channelId: 'D0SUPER' } as const;
const message = { text: 'Password for Rita Reset shown to Sam Supervisor at T; hidden.', blocks: [] };

describe('Slack later messages (what another replica needs to reach a message)', () => {
  let server: http.Server;
  let url: string;
  const posts: Record<string, unknown>[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        posts.push(JSON.parse(body) as Record<string, unknown>);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/commands/T1/1/hook-secret-part`;
  });
  after(() => {
    server.close();
  });

  it('keeps the response_url sealed; a replica with the same key posts to it, in place of the answer', async () => {
    const key = randomBytes(32);
    const address = new SlackLaterMessages(client, aesGcmAnswerCipher(key)).address('ref-1', asker, { responseUrl: url, replace: true });
    assert.ok(address?.responseUrl);
    const stored = JSON.stringify(address);
    assert.ok(!stored.includes('hook-secret-part') && !stored.includes('127.0.0.1'), 'no part of the URL in clear');
    const other = new SlackLaterMessages(client, aesGcmAnswerCipher(key));
    const send = other.sender('ref-1', JSON.parse(stored) as SlackAddress);
    assert.ok(send);
    await send(message);
    assert.deepEqual(posts.at(-1), { replace_original: true, text: message.text, blocks: [] });
    assert.equal(other.asker(address).userId, 'U0SUPER01');
  });

  it('a sealed URL moved to another entry or another asker, or read with another key, gives nothing to post to', () => {
    const key = randomBytes(32);
    const address = new SlackLaterMessages(client, aesGcmAnswerCipher(key)).address('ref-1', asker, { responseUrl: url, replace: true })!;
    const later = new SlackLaterMessages(client, aesGcmAnswerCipher(key));
    assert.equal(later.sender('ref-2', address), undefined);
    assert.equal(later.sender('ref-1', { ...address, userId: 'U0OTHER01' }), undefined);
    assert.equal(new SlackLaterMessages(client, aesGcmAnswerCipher(randomBytes(32))).sender('ref-1', address), undefined);
    assert.equal(new SlackLaterMessages(client, undefined).sender('ref-1', address), undefined);
  });

  it('without a key a response_url is not kept (the message stays with the process that showed it); a mention\'s channel needs none', () => {
    const later = new SlackLaterMessages(client, undefined);
    assert.equal(later.address('ref-1', asker, { responseUrl: url, replace: true }), undefined);
    assert.deepEqual(later.address('ref-1', asker, { channel: 'C0HELPDESK', threadTs: '1.2' })?.ephemeral, { channel: 'C0HELPDESK', threadTs: '1.2' });
  });
});
