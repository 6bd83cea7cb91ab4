// The real program on the MongoDB store: src/main.ts spawned with STORE_URL=mongodb://… (the run's FerretDB,
// or MONGODB_URL), a fresh database. It comes up ready with its audit chain verified, answers a command
// through the local console's Direct Line, audits it in MongoDB, and `npm run audit:verify` reads that chain
// (read-only) as an operator would.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { auditVerify, startApp, type RunningApp } from '../helpers/app-process';
import { mongoTestUrl } from '../helpers/ferretdb';

interface Activity { type: string; from?: { id?: string; role?: string }; text?: string }

describe('the program on the MongoDB store (STORE_URL=mongodb://…)', function () {
  this.timeout(90_000);
  let app: RunningApp | undefined;
  let url: string;
  let env: Record<string, string>;
  before(() => {
    url = mongoTestUrl(); // the server is started by the global setup, after the specs are loaded
    env = { STORE_URL: url, SECRETS_KEY: randomBytes(32).toString('base64') };
  });

  after(async () => {
    await app?.stop();
    const client = new MongoClient(url);
    await client.db().dropDatabase();
    await client.close();
  });

  it('is ready with its audit chain verified, answers a console command, and audit:verify reads the chain it wrote', async () => {
    app = await startApp(env);
    const ready = await fetch(`${app.base}/readyz`);
    const body = (await ready.json()) as Record<string, unknown>;
    assert.equal(ready.status, 200, JSON.stringify(body) + app.output);
    assert.equal(body.audit, 'ok');

    const conv = (await (await fetch(`${app.base}/v3/directline/conversations`, { method: 'POST' })).json()) as { conversationId: string; token: string };
    const activities = `${app.base}/v3/directline/conversations/${encodeURIComponent(conv.conversationId)}/activities`;
    const auth = { authorization: `Bearer ${conv.token}`, 'content-type': 'application/json' };
    const sent = await fetch(activities, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'message', from: { id: 'demo.agent' }, text: 'user jdoe' }) });
    assert.equal(sent.status, 200, await sent.text());
    let replies: Activity[] = [];
    for (const deadline = Date.now() + 15_000; replies.length === 0 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 200));
      const got = (await (await fetch(activities, { headers: auth })).json()) as { activities: Activity[] };
      replies = got.activities.filter((a) => a.type === 'message' && a.from?.id !== 'demo.agent');
    }
    assert.ok(replies.length > 0, `no answer from the bot:\n${app.output}`);

    const client = new MongoClient(url);
    try {
      const audited = await client.db().collection('audit').find({}).toArray();
      assert.ok(audited.length > 0, 'the command was audited in MongoDB');
    } finally {
      await client.close();
    }
    const verified = await auditVerify(env);
    assert.equal(verified.code, 0, verified.output);
    assert.match(verified.output, /audit chain intact: \d+ records/);
  });
});
