// TICKETS_*: the dev outbox only in local mode without a ticket system; each kind's required values,
// named in one run; the kind's own settings read through.
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load-config';

const PROD = {
  LDAP_URL: 'ldaps://dc1.corp.example.com', LDAP_BIND_DN: 'CN=svc', LDAP_BIND_PASSWORD: 'x', LDAP_BASE_DN: 'DC=corp',
  ROLE_AGENT_GROUPS: 'Helpdesk Agents', ROLE_SUPERVISOR_GROUPS: 'Helpdesk Supervisors', SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'),
};

const problemsOf = (env: Record<string, string>) => {
  const r = loadConfig(env);
  return r.ok ? [] : r.problems;
};

describe('loadConfig: tickets', () => {
  it('local mode without TICKETS_KIND: the dev outbox; production without it: no outbox (escalate not available)', () => {
    const local = loadConfig({});
    assert.ok(local.ok);
    assert.equal(local.config.ticketOutbox, true);
    assert.equal(local.config.tickets, undefined);
    const prod = loadConfig(PROD);
    assert.ok(prod.ok);
    assert.equal(prod.config.ticketOutbox, false, 'the dev outbox is refused in production');
    assert.equal(prod.config.tickets, undefined);
  });

  it('a ticket system configured: production mode, no outbox, its settings read', () => {
    const rt = loadConfig({ ...PROD, TICKETS_KIND: 'rt', TICKETS_URL: 'https://rt.corp.example.com', TICKETS_TOKEN: '1-2-abc', TICKETS_QUEUE: 'Helpdesk', TICKETS_RETRY_SECONDS: '30' });
    assert.ok(rt.ok, JSON.stringify(!rt.ok && rt.problems));
    assert.deepEqual(rt.config.tickets, { kind: 'rt', url: 'https://rt.corp.example.com', token: '1-2-abc', queue: 'Helpdesk', timeoutMs: 10_000 });
    assert.equal(rt.config.ticketOutbox, false);
    assert.equal(rt.config.ticketRetryMs, 30_000);
    const jsm = loadConfig({ ...PROD, TICKETS_KIND: 'jira', TICKETS_URL: 'https://corp.atlassian.net', TICKETS_TOKEN: 't', TICKETS_USER: 'bot@corp.example.com', TICKETS_SERVICE_DESK_ID: '4', TICKETS_REQUEST_TYPE_ID: '25' });
    assert.ok(jsm.ok, JSON.stringify(!jsm.ok && jsm.problems));
    assert.equal(jsm.config.tickets?.serviceDeskId, '4');
    assert.equal(loadConfig({ TICKETS_KIND: 'rt', TICKETS_URL: 'https://rt.example', TICKETS_TOKEN: 't' }).ok, false, 'a ticket system means production (SECRETS_KEY, LDAP)');
  });

  it('names each missing or bad ticket setting', () => {
    const named = (env: Record<string, string>) => problemsOf({ ...PROD, ...env }).map((p) => p.split(':')[0]);
    assert.deepEqual(named({ TICKETS_KIND: 'rt', TICKETS_URL: 'https://rt.example' }), ['TICKETS_TOKEN']);
    assert.deepEqual(named({ TICKETS_KIND: 'servicenow', TICKETS_TOKEN: 't' }), ['TICKETS_URL']);
    assert.deepEqual(named({ TICKETS_KIND: 'jira', TICKETS_URL: 'https://j.example', TICKETS_TOKEN: 't' }), ['TICKETS_PROJECT']);
    assert.deepEqual(named({ TICKETS_KIND: 'jira', TICKETS_URL: 'https://j.example', TICKETS_TOKEN: 't', TICKETS_SERVICE_DESK_ID: '4' }), ['TICKETS_REQUEST_TYPE_ID']);
    assert.deepEqual(named({ TICKETS_KIND: 'jira', TICKETS_URL: 'https://j.example', TICKETS_TOKEN: 't', TICKETS_PROJECT: 'not a key' }), ['TICKETS_PROJECT']);
    assert.deepEqual(named({ TICKETS_KIND: 'webhook', TICKETS_URL: 'https://h.example', TICKETS_TOKEN: 'short' }), ['TICKETS_TOKEN']);
    assert.deepEqual(named({ TICKETS_KIND: 'redmine', TICKETS_URL: 'https://h.example', TICKETS_TOKEN: 't' }), ['TICKETS_KIND']);
  });
});
