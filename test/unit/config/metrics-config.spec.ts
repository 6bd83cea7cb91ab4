// METRICS_PORT and METRICS_TOKEN (issue 19): /metrics on its own port, or on the main port behind the token;
// never on the main port, the portal's public one, without it.
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load-config';

const PRODUCTION = {
  NODE_ENV: 'production', SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'),
  LDAP_URL: 'ldaps://dc1.corp.example.test', LDAP_BIND_DN: 'CN=svc,DC=corp,DC=example,DC=test', LDAP_BIND_PASSWORD: 'pw',
  LDAP_BASE_DN: 'DC=corp,DC=example,DC=test', ROLE_AGENT_GROUPS: 'Helpdesk Agents', ROLE_SUPERVISOR_GROUPS: 'Helpdesk Supervisors',
};
const TOKEN = 'a-metrics-token-of-24-chars-or-more';

describe('loadConfig: METRICS_PORT and METRICS_TOKEN', () => {
  it('neither set: /metrics is not served, in local mode and in production alike', () => {
    for (const env of [{}, PRODUCTION]) {
      const result = loadConfig(env);
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.config.metrics, undefined);
    }
  });

  it('METRICS_PORT: its own port (with the token asked there too when set)', () => {
    const own = loadConfig({ ...PRODUCTION, METRICS_PORT: '9464' });
    assert.ok(own.ok);
    assert.deepEqual(own.config.metrics, { port: 9464 });
    const both = loadConfig({ ...PRODUCTION, METRICS_PORT: '9464', METRICS_TOKEN: TOKEN });
    assert.ok(both.ok);
    assert.deepEqual(both.config.metrics, { port: 9464, token: TOKEN });
  });

  it('METRICS_TOKEN alone: the main port, behind the token', () => {
    const result = loadConfig({ ...PRODUCTION, METRICS_TOKEN: TOKEN });
    assert.ok(result.ok);
    assert.deepEqual(result.config.metrics, { token: TOKEN });
  });

  it('refuses the main port without a token (production or not), a short token and a port out of range', () => {
    for (const env of [{ ...PRODUCTION, PORT: '8080', METRICS_PORT: '8080' }, { METRICS_PORT: '3978' }]) {
      const result = loadConfig(env);
      assert.ok(!result.ok);
      assert.ok(result.problems.some((p) => p.startsWith('METRICS_PORT: is the main port (PORT)')), result.problems.join('\n'));
    }
    const withToken = loadConfig({ ...PRODUCTION, PORT: '8080', METRICS_PORT: '8080', METRICS_TOKEN: TOKEN });
    assert.ok(withToken.ok);
    assert.deepEqual(withToken.config.metrics, { token: TOKEN }, 'the main port, behind the token');
    const short = loadConfig({ METRICS_TOKEN: 'short' });
    assert.ok(!short.ok && short.problems.some((p) => p.startsWith('METRICS_TOKEN:')));
    const range = loadConfig({ METRICS_PORT: '70000' });
    assert.ok(!range.ok && range.problems.some((p) => p.startsWith('METRICS_PORT:')));
  });
});
