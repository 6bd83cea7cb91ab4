import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load-config';

const GRAPH = { GRAPH_TENANT_ID: 't', GRAPH_CLIENT_ID: 'c', GRAPH_CLIENT_SECRET: 's', SECRETS_KEY: Buffer.alloc(32, 1).toString('base64') };
const GROUPS = { ROLE_AGENT_GROUPS: 'a0000000-0000-4000-8000-000000000002', ROLE_SUPERVISOR_GROUPS: 'a0000000-0000-4000-8000-000000000001' };

describe('loadConfig: Microsoft Graph', () => {
  it('DIRECTORY=graph runs in production without LDAP_URL, with the TAP defaults (60 minutes, one-time)', () => {
    const result = loadConfig({ ...GRAPH, ...GROUPS, DIRECTORY: 'graph' });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.config.production, true);
    assert.equal(result.config.directory, 'graph');
    assert.deepEqual(result.config.graph?.tap, { lifetimeMinutes: 60, oneTime: true });
    assert.equal(result.config.graph?.timeoutMs, 10_000);
  });

  it('DIRECTORY=graph needs the Graph credentials and the role groups; Graph URLs must be https', () => {
    const result = loadConfig({ DIRECTORY: 'graph', SECRETS_KEY: GRAPH.SECRETS_KEY, GRAPH_BASE_URL: 'http://127.0.0.1:9/' });
    assert.ok(!result.ok);
    const text = result.problems.join('\n');
    assert.match(text, /DIRECTORY: graph needs GRAPH_TENANT_ID/);
    assert.match(text, /ROLE_AGENT_GROUPS: required with DIRECTORY=graph/);
    assert.match(text, /GRAPH_BASE_URL: must be an https:\/\/ URL/);
    assert.doesNotMatch(text, /LDAP_URL/);
  });

  it('reads TAP_LIFETIME_MINUTES and TAP_ONE_TIME within what Graph allows', () => {
    const ok = loadConfig({ ...GRAPH, ...GROUPS, DIRECTORY: 'graph', TAP_LIFETIME_MINUTES: '480', TAP_ONE_TIME: 'off' });
    assert.ok(ok.ok);
    assert.deepEqual(ok.config.graph?.tap, { lifetimeMinutes: 480, oneTime: false });
    const bad = loadConfig({ ...GRAPH, ...GROUPS, DIRECTORY: 'graph', TAP_LIFETIME_MINUTES: '5' });
    assert.ok(!bad.ok);
    assert.match(bad.problems.join('\n'), /TAP_LIFETIME_MINUTES: must be a whole number from 10 to 43200/);
  });
});
