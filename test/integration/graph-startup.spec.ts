// The app as `npm start` runs it, with Entra ID as its directory (DIRECTORY=graph) against a loopback
// HTTPS Graph and authority, trusted through NODE_EXTRA_CA_CERTS (read by Node at start-up): the right
// secret starts it; a wrong client secret stops start-up with one clear line.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AppExited, startApp } from '../helpers/app-process';
import { CLIENT_ID, CLIENT_SECRET, GraphFake, TENANT } from '../helpers/graph-fake';

const SUPERVISORS = 'a0000000-0000-4000-8000-000000000001';
const AGENTS = 'a0000000-0000-4000-8000-000000000002';

describe('start-up with Microsoft Graph (DIRECTORY=graph)', function () {
  this.timeout(90_000);
  let fake: GraphFake;

  before(async () => {
    fake = await new GraphFake().start();
    fake.groups = [{ id: SUPERVISORS, displayName: 'Helpdesk Supervisors' }, { id: AGENTS, displayName: 'Helpdesk Agents' }];
  });
  after(() => fake.stop());

  const env = (secret: string) => ({
    DIRECTORY: 'graph', GRAPH_TENANT_ID: TENANT, GRAPH_CLIENT_ID: CLIENT_ID, GRAPH_CLIENT_SECRET: secret,
    GRAPH_BASE_URL: fake.base, GRAPH_AUTHORITY_URL: fake.base, ROLE_AGENT_GROUPS: AGENTS, ROLE_SUPERVISOR_GROUPS: SUPERVISORS,
    SECRETS_KEY: randomBytes(32).toString('base64'), NODE_EXTRA_CA_CERTS: fake.bundleFile,
  });

  it('starts with the right secret: the role groups are resolved by object id through Graph', async () => {
    const app = await startApp(env(CLIENT_SECRET));
    try {
      assert.ok(fake.graphRequests().some((r) => r.path === `/v1.0/groups/${SUPERVISORS}`), 'the supervisors\' group was looked up by id');
      const ready = await fetch(`${app.base}/readyz`);
      assert.equal(ready.status, 200, await ready.text());
    } finally {
      await app.stop();
    }
  });

  it('a wrong client secret stops start-up with one line naming the setting, and never prints the secret', async () => {
    const wrong = 'this-is-the-wrong-secret';
    const err = await startApp(env(wrong)).then(
      async (app) => {
        await app.stop();
        assert.fail('the app started with a wrong secret');
      },
      (e: unknown) => e,
    );
    assert.ok(err instanceof AppExited, String(err));
    assert.equal(err.code, 1);
    const lines = err.output.split('\n').filter((l) => l.startsWith('MyPass Helpdesk could not start'));
    assert.equal(lines.length, 1, err.output);
    assert.match(lines[0] ?? '', /GRAPH_CLIENT_SECRET .*was refused by Entra ID \(AADSTS7000215\)/);
    assert.ok(!err.output.includes(wrong), 'the secret is not printed');
  });
});
