// Each integration owns its variables, defaults and rules (src/config/integrations/); loadConfig still
// reports every integration's problems in one run, and the service runs with the config's defaults.
import assert from 'node:assert/strict';
import { CONFIG_DEFAULTS, CONFIG_VARIABLES, INTEGRATIONS, loadConfig } from '../../../src/config/load-config';
import { DEFAULT_SETTINGS, serviceSettings } from '../../../src/service-settings';

const KEY = Buffer.alloc(32, 1).toString('base64');
const LDAP = {
  LDAP_URL: 'ldaps://dc1.corp.example.test', LDAP_BIND_DN: 'CN=svc,DC=corp,DC=example,DC=test', LDAP_BIND_PASSWORD: 'pw',
  LDAP_BASE_DN: 'DC=corp,DC=example,DC=test', ROLE_AGENT_GROUPS: 'Helpdesk Agents', ROLE_SUPERVISOR_GROUPS: 'Helpdesk Supervisors',
};
const TENANT = '99999999-aaaa-4bbb-8ccc-000000000001';
const named = (env: Record<string, string>) => {
  const result = loadConfig(env);
  return result.ok ? [] : result.problems.map((p) => p.split(':')[0]);
};

describe('loadConfig: one schema module per integration', () => {
  it('reports the problems of three integrations in one run, one line each', () => {
    const result = loadConfig({
      ...LDAP, SECRETS_KEY: KEY,
      SLACK_BOT_TOKEN: 'not-a-bot-token', SLACK_SIGNING_SECRET: 's', // Slack: a bad token
      TICKETS_KIND: 'jira', TICKETS_URL: 'https://jira.example', // tickets: no token, no project
      PORTAL: 'sometimes', // the portal: no such mode
    });
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map((p) => p.split(':')[0]).sort(), ['PORTAL', 'SLACK_BOT_TOKEN', 'TICKETS_PROJECT', 'TICKETS_TOKEN']);
    assert.ok(result.problems.every((p) => !p.includes('\n')));
  });

  it('every variable belongs to exactly one integration', () => {
    const owned = Object.values(INTEGRATIONS).flatMap((i) => Object.keys(i.variables));
    assert.deepEqual(owned.filter((v, i) => owned.indexOf(v) !== i), [], 'a variable declared by two integrations');
    assert.deepEqual([...owned].sort(), [...CONFIG_VARIABLES].sort());
  });

  it('store: sqlite:<path>, and mongodb:// or mongodb+srv:// URLs as a MongoDB store; anything else is one line', () => {
    const sqlite = loadConfig({ STORE_URL: 'sqlite:/var/lib/helpdesk/hd.db' });
    assert.ok(sqlite.ok);
    assert.deepEqual(sqlite.config.store, { kind: 'sqlite', path: '/var/lib/helpdesk/hd.db' });
    assert.equal(sqlite.config.dataDir, '/var/lib/helpdesk');
    for (const url of ['mongodb://db1:27017,db2:27017/helpdesk?replicaSet=rs0', 'mongodb+srv://cluster0.example.net/helpdesk']) {
      const mongo = loadConfig({ STORE_URL: url });
      assert.ok(mongo.ok, url);
      assert.deepEqual(mongo.config.store, { kind: 'mongodb', url });
    }
    assert.deepEqual(named({ STORE_URL: 'postgres://db/helpdesk' }), ['STORE_URL']);
  });

  it('teams: MicrosoftAppId needs its password, unless the app is a user-assigned managed identity', () => {
    const bot = { ...LDAP, SECRETS_KEY: KEY, MicrosoftAppId: 'app', MicrosoftAppTenantId: TENANT };
    assert.deepEqual(named(bot), ['MicrosoftAppPassword']);
    assert.deepEqual(named({ ...bot, MicrosoftAppType: 'UserAssignedMSI' }), []);
  });

  it('directory: DIRECTORY=graph refuses LDAP_URL beside it, and DIRECTORY=ldap needs LDAP_URL', () => {
    const graph = { GRAPH_TENANT_ID: TENANT, GRAPH_CLIENT_ID: 'c', GRAPH_CLIENT_SECRET: 's' };
    const both = loadConfig({ ...LDAP, ...graph, SECRETS_KEY: KEY, DIRECTORY: 'graph' });
    assert.ok(!both.ok);
    assert.deepEqual(both.problems, ['DIRECTORY: graph serves Entra users only; unset LDAP_URL, or unset DIRECTORY for AD with Entra linked accounts']);
    assert.deepEqual(named({ DIRECTORY: 'ldap' }), ['DIRECTORY']);
    const hybrid = loadConfig({ ...LDAP, ...graph, SECRETS_KEY: KEY });
    assert.ok(hybrid.ok);
    assert.equal(hybrid.config.directory, 'ldap', 'AD with Entra beside it');
    assert.deepEqual(hybrid.config.portal.loginSuffixes, ['corp.example.test'], 'the AD domain is a portal login suffix');
  });

  it('graph: the three credentials go together', () => {
    assert.deepEqual(named({ ...LDAP, SECRETS_KEY: KEY, GRAPH_TENANT_ID: TENANT }).sort(), ['GRAPH_CLIENT_ID', 'GRAPH_CLIENT_SECRET']);
  });

  it('helpdesk policy: PIN length, the approvals\' Slack channel, notices; a blank ORG_NAME is the default', () => {
    const set = loadConfig({ ORG_NAME: '  ', PIN_LENGTH: '10', APPROVALS_SLACK_CHANNEL: 'C0123ABC', NOTIFY_CONTACT: 'security at +1 555 0100' });
    assert.ok(set.ok);
    assert.equal(set.config.helpdeskPolicy.orgName, 'the IT helpdesk');
    assert.equal(set.config.helpdeskPolicy.pinLength, 10);
    assert.equal(set.config.helpdeskPolicy.approvalsSlackChannel, 'C0123ABC');
    assert.deepEqual(named({ PIN_LENGTH: '5', APPROVALS_SLACK_CHANNEL: '#helpdesk' }).sort(), ['APPROVALS_SLACK_CHANNEL', 'PIN_LENGTH']);
  });

  it('alerts: off unless a place is set; ALERT_* defaults 5, 10 minutes, 30 seconds; a Slack channel needs the Slack app', () => {
    const none = loadConfig({});
    assert.ok(none.ok);
    assert.deepEqual(none.config.alerts, { lockouts: 5, windowMs: 10 * 60_000, vipGroups: [], pollMs: 30_000 });
    const set = loadConfig({ ALERTS_TEAMS_CONVERSATION: '19:sup@thread.tacv2', ALERT_LOCKOUTS: '8', ALERT_VIP_GROUPS: 'Executives; Finance', ALERT_POLL_SECONDS: '60' });
    assert.ok(set.ok);
    assert.deepEqual(set.config.alerts, { teamsConversation: '19:sup@thread.tacv2', lockouts: 8, windowMs: 10 * 60_000, vipGroups: ['Executives', 'Finance'], pollMs: 60_000 });
    assert.deepEqual(named({ ALERTS_SLACK_CHANNEL: 'C0ALERTS' }), ['ALERTS_SLACK_CHANNEL']);
    const production = { ...LDAP, SECRETS_KEY: KEY, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    assert.deepEqual(named({ ...production, ALERTS_SLACK_CHANNEL: '#alerts', ALERT_LOCKOUTS: '1', ALERT_POLL_SECONDS: '0' }).sort(), ['ALERTS_SLACK_CHANNEL', 'ALERT_LOCKOUTS', 'ALERT_POLL_SECONDS']);
    assert.deepEqual(named({ ...production, ALERTS_SLACK_CHANNEL: 'C0ALERTS' }), []);
  });
});

describe('the service settings come from the config', () => {
  it('an operator\'s values reach the service; with none set it runs on the schema modules\' defaults', () => {
    const set = loadConfig({ PIN_LENGTH: '10', PIN_TTL_MINUTES: '5', LIMIT_AGENT_PER_HOUR: '7', VERIFY_REQUIRED: 'on', ORG_NAME: 'Contoso IT', ENROLLMENT_MASK: 'none', SECRET_HIDE_SECONDS: '3' });
    assert.ok(set.ok);
    const settings = serviceSettings(set.config);
    assert.equal(settings.pinPolicy.length, 10);
    assert.equal(settings.pinPolicy.ttlMs, 5 * 60_000);
    assert.equal(settings.changeLimits.perActor, 7);
    assert.equal(settings.verifyRequired, true);
    assert.equal(settings.orgName, 'Contoso IT');
    assert.equal(settings.enrollmentMask, 'none');
    assert.equal(settings.secretHideAfterMs, 3000);

    assert.equal(DEFAULT_SETTINGS.pinPolicy.length, Number(CONFIG_DEFAULTS.PIN_LENGTH));
    assert.equal(DEFAULT_SETTINGS.pinPolicy.ttlMs, Number(CONFIG_DEFAULTS.PIN_TTL_MINUTES) * 60_000);
    assert.equal(DEFAULT_SETTINGS.approvalTtlMs, Number(CONFIG_DEFAULTS.APPROVAL_TTL_MINUTES) * 60_000);
    assert.equal(DEFAULT_SETTINGS.secretHideAfterMs, Number(CONFIG_DEFAULTS.SECRET_HIDE_SECONDS) * 1000);
    assert.equal(DEFAULT_SETTINGS.secretHideAfterMs, 2 * 60_000, 'DESIGN: two minutes');
    assert.equal(DEFAULT_SETTINGS.verifiedForMs, Number(CONFIG_DEFAULTS.VERIFY_VALID_MINUTES) * 60_000);
    assert.equal(DEFAULT_SETTINGS.changeLimits.perActor, Number(CONFIG_DEFAULTS.LIMIT_AGENT_PER_HOUR));
    assert.equal(DEFAULT_SETTINGS.changeLimits.perTarget, Number(CONFIG_DEFAULTS.LIMIT_TARGET_PER_HOUR));
    assert.equal(DEFAULT_SETTINGS.changeLimits.secretsPerTarget, Number(CONFIG_DEFAULTS.LIMIT_SECRETS_PER_TARGET_PER_HOUR));
    assert.equal(DEFAULT_SETTINGS.orgName, CONFIG_DEFAULTS.ORG_NAME);
    assert.equal(DEFAULT_SETTINGS.enrollmentMask, CONFIG_DEFAULTS.ENROLLMENT_MASK);
    assert.deepEqual(DEFAULT_SETTINGS.tap, { lifetimeMinutes: Number(CONFIG_DEFAULTS.TAP_LIFETIME_MINUTES), oneTime: CONFIG_DEFAULTS.TAP_ONE_TIME === 'on' });
    assert.equal(DEFAULT_SETTINGS.notifyAfterReset, CONFIG_DEFAULTS.NOTIFY_AFTER_RESET === 'on');
    assert.equal(DEFAULT_SETTINGS.resetMayKeepPassword, CONFIG_DEFAULTS.RESET_ALLOW_KEEP === 'on');
  });
});
