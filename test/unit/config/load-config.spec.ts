import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load-config';

const LDAP = {
  LDAP_URL: 'ldaps://dc1.corp.example.test',
  LDAP_BIND_DN: 'CN=svc,DC=corp,DC=example,DC=test',
  LDAP_BIND_PASSWORD: 'pw',
  LDAP_BASE_DN: 'DC=corp,DC=example,DC=test',
  ROLE_AGENT_GROUPS: 'Helpdesk Agents',
  ROLE_SUPERVISOR_GROUPS: 'CN=Helpdesk Supervisors,OU=Groups,DC=corp,DC=example,DC=test',
};

describe('loadConfig', () => {
  it('runs with no variables at all: demo directory, SQLite, local console, demo role groups', () => {
    const result = loadConfig({});
    assert.ok(result.ok);
    const c = result.config;
    assert.equal(c.port, 3978);
    assert.deepEqual(c.store, { kind: 'sqlite', path: './data/helpdesk.db' });
    assert.equal(c.ldap, undefined);
    assert.equal(c.localConsole, true);
    assert.equal(c.production, false);
    assert.deepEqual(c.roles.agentGroups, ['Helpdesk Agents']);
    assert.deepEqual(c.roles.protectedGroups, ['Domain Admins', 'Enterprise Admins', 'Administrators', 'Helpdesk Agents', 'Helpdesk Supervisors']);
  });

  it('reads a full Active Directory configuration, and always protects the helpdesk groups', () => {
    const result = loadConfig({ ...LDAP, LDAP_CA_FILE: '/etc/ca.pem', PROTECTED_GROUPS: 'Tier0 Admins; Domain Admins', PORT: '8080' });
    assert.ok(result.ok);
    assert.equal(result.config.ldap?.url, LDAP.LDAP_URL);
    assert.equal(result.config.ldap?.caFile, '/etc/ca.pem');
    assert.equal(result.config.ldap?.timeoutMs, 5000);
    assert.equal(result.config.port, 8080);
    assert.deepEqual(result.config.roles.protectedGroups, ['Tier0 Admins', 'Domain Admins', 'Helpdesk Agents', LDAP.ROLE_SUPERVISOR_GROUPS]);
  });

  it('names every missing or invalid variable in one run', () => {
    const result = loadConfig({
      PORT: '99999',
      LDAP_URL: 'ldap://plain.example',
      LDAP_BIND_DN: 'CN=svc',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SECRETS_KEY: 'c2hvcnQ=',
      TWILIO_ACCOUNT_SID: 'nope',
      LOG_LEVEL: 'loud',
      LDAP_CA_FILE: '/missing/ca.pem',
    }, { fileExists: () => false });
    assert.ok(!result.ok);
    const named = result.problems.map((p) => p.split(':')[0]);
    for (const variable of [
      'PORT', 'LDAP_URL', 'LDAP_BIND_PASSWORD', 'LDAP_BASE_DN', 'SLACK_SIGNING_SECRET', 'SECRETS_KEY', 'TWILIO_ACCOUNT_SID',
      'TWILIO_AUTH_TOKEN', 'TWILIO_FROM', 'LOG_LEVEL', 'ROLE_AGENT_GROUPS', 'ROLE_SUPERVISOR_GROUPS', 'LDAP_CA_FILE',
    ]) {
      assert.ok(named.includes(variable), `${variable} is named in ${JSON.stringify(result.problems)}`);
    }
    assert.ok(result.problems.every((p) => /^[A-Za-z_]+: \S/.test(p) && !p.includes('\n')), 'one line per problem');
  });

  it('refuses the demo directory and a generated key in production', () => {
    const result = loadConfig({ NODE_ENV: 'production' });
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map((p) => p.split(':')[0]).sort(), ['LDAP_URL', 'SECRETS_KEY']);
  });

  it('turns the local console off in production unless LOCAL_CONSOLE=on, and treats MicrosoftAppId as production', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const prod = loadConfig({ ...LDAP, MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', SECRETS_KEY: key });
    assert.ok(prod.ok);
    assert.equal(prod.config.production, true);
    assert.equal(prod.config.localConsole, false);
    const forced = loadConfig({ ...LDAP, NODE_ENV: 'production', SECRETS_KEY: key, LOCAL_CONSOLE: 'on' });
    assert.ok(forced.ok);
    assert.equal(forced.config.localConsole, true);
  });

  it('switches Slack on only with both token and signing secret', () => {
    const on = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'http://127.0.0.1:9000/api/' });
    assert.ok(on.ok);
    assert.deepEqual(on.config.slack, { botToken: 'xoxb-1-2', signingSecret: 's', apiUrl: 'http://127.0.0.1:9000/api/' });
    const off = loadConfig({});
    assert.ok(off.ok);
    assert.equal(off.config.slack, undefined);
  });

  it('reads the portal data settings: mask policy, API rate, vishing thresholds (defaults and bad values)', () => {
    const defaults = loadConfig({});
    assert.ok(defaults.ok);
    assert.deepEqual(defaults.config.portalData, {
      enrollmentMask: 'first-last', apiRatePerMinute: 600, indicators: { failedAnswersPerHour: 3, pinFailuresPerDay: 2, lockedUsersPerIp: 3 },
    });
    const set = loadConfig({ ENROLLMENT_MASK: 'length', PORTAL_API_RATE_PER_MINUTE: '30', VISHING_FAILED_ANSWERS: '5', VISHING_PIN_FAILURES: '1', VISHING_LOCKS_PER_IP: '4' });
    assert.ok(set.ok);
    assert.deepEqual(set.config.portalData, { enrollmentMask: 'length', apiRatePerMinute: 30, indicators: { failedAnswersPerHour: 5, pinFailuresPerDay: 1, lockedUsersPerIp: 4 } });
    const bad = loadConfig({ ENROLLMENT_MASK: 'middle', VISHING_FAILED_ANSWERS: '1' });
    assert.ok(!bad.ok);
    assert.ok(bad.problems.some((p) => p.startsWith('ENROLLMENT_MASK:')));
    assert.ok(bad.problems.some((p) => p.startsWith('VISHING_FAILED_ANSWERS: must be a whole number from 2 to 100')));
  });
});
