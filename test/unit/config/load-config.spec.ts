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

const TENANT = '99999999-aaaa-4bbb-8ccc-000000000001';

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
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.botEndpoint, 'loopback');
    assert.deepEqual(c.roles.agentGroups, ['Helpdesk Agents']);
    assert.deepEqual(c.roles.protectedGroups, [], 'only PROTECTED_GROUPS: defaults and role groups are added at start-up');
  });

  it('opens the MongoDB store for STORE_URL=mongodb:// and mongodb+srv://; other schemes are refused', () => {
    for (const url of ['mongodb://db1:27017,db2:27017/helpdesk?replicaSet=rs0', 'mongodb+srv://bot:pw@cluster0.example.net/helpdesk']) {
      const result = loadConfig({ STORE_URL: url });
      assert.ok(result.ok, JSON.stringify(result));
      assert.deepEqual(result.config.store, { kind: 'mongodb', url });
      assert.equal(result.config.dataDir, './data', 'the dev key file (no SECRETS_KEY) stays in ./data');
    }
    const refused = loadConfig({ STORE_URL: 'postgres://db/helpdesk' });
    assert.equal(refused.ok, false);
  });

  it('reads a full Active Directory configuration; PROTECTED_GROUPS is kept as extra groups', () => {
    const result = loadConfig({ ...LDAP, SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'), LDAP_CA_FILE: '/etc/ca.pem', PROTECTED_GROUPS: 'Tier0 Admins; Domain Admins', PORT: '8080' });
    assert.ok(result.ok);
    assert.equal(result.config.ldap?.url, LDAP.LDAP_URL);
    assert.equal(result.config.ldap?.caFile, '/etc/ca.pem');
    assert.equal(result.config.ldap?.timeoutMs, 5000);
    assert.equal(result.config.port, 8080);
    assert.deepEqual(result.config.roles.protectedGroups, ['Tier0 Admins', 'Domain Admins']);
  });

  it('reads the change limits and the audit head log interval, with their defaults', () => {
    const defaults = loadConfig({});
    assert.ok(defaults.ok);
    assert.deepEqual(defaults.config.changeLimits, { perAgentPerHour: 20, perTargetPerHour: 3, secretsPerTargetPerHour: 5 });
    assert.equal(defaults.config.auditHeadLogMs, 10 * 60_000);
    assert.equal(defaults.config.auditVerifyWindowMs, 10 * 60_000);
    const set = loadConfig({ LIMIT_AGENT_PER_HOUR: '50', LIMIT_TARGET_PER_HOUR: '5', LIMIT_SECRETS_PER_TARGET_PER_HOUR: '8', AUDIT_HEAD_LOG_MINUTES: '0' });
    assert.ok(set.ok);
    assert.deepEqual(set.config.changeLimits, { perAgentPerHour: 50, perTargetPerHour: 5, secretsPerTargetPerHour: 8 });
    assert.equal(set.config.auditHeadLogMs, 0);
    const everyProcess = loadConfig({ AUDIT_VERIFY_WINDOW_MINUTES: '0' });
    assert.ok(everyProcess.ok);
    assert.equal(everyProcess.config.auditVerifyWindowMs, 0);
    const bad = loadConfig({ LIMIT_AGENT_PER_HOUR: '0', LIMIT_TARGET_PER_HOUR: 'three', LIMIT_SECRETS_PER_TARGET_PER_HOUR: '0', AUDIT_HEAD_LOG_MINUTES: '-1' });
    assert.ok(!bad.ok);
    assert.deepEqual(bad.problems.map((p) => p.split(':')[0]).sort(),
      ['AUDIT_HEAD_LOG_MINUTES', 'LIMIT_AGENT_PER_HOUR', 'LIMIT_SECRETS_PER_TARGET_PER_HOUR', 'LIMIT_TARGET_PER_HOUR']);
  });

  it('RESET_ALLOW_KEEP is off unless set: a reset must be changed at next logon', () => {
    const defaults = loadConfig({});
    assert.ok(defaults.ok);
    assert.equal(defaults.config.helpdeskPolicy.resetMayKeepPassword, false);
    const on = loadConfig({ RESET_ALLOW_KEEP: 'on' });
    assert.ok(on.ok);
    assert.equal(on.config.helpdeskPolicy.resetMayKeepPassword, true);
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

  it('turns the local console off in production; LOCAL_CONSOLE=on is a workstation trial on a loopback HOST only', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const prod = loadConfig({ ...LDAP, MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', MicrosoftAppTenantId: TENANT, SECRETS_KEY: key });
    assert.ok(prod.ok);
    assert.equal(prod.config.production, true);
    assert.equal(prod.config.localConsole, false);
    assert.equal(prod.config.host, '0.0.0.0');
    assert.equal(prod.config.botEndpoint, 'authenticated');
    const trial = loadConfig({ ...LDAP, NODE_ENV: 'production', SECRETS_KEY: key, LOCAL_CONSOLE: 'on', HOST: '127.0.0.1' });
    assert.ok(trial.ok);
    assert.equal(trial.config.localConsole, true);
    assert.equal(trial.config.workstationTrial, true);
    assert.equal(trial.config.botEndpoint, 'loopback', 'Agents Playground / the Emulator talk to an unauthenticated /api/messages');
    for (const HOST of [undefined, '0.0.0.0', '10.1.2.3']) {
      const refused = loadConfig({ ...LDAP, NODE_ENV: 'production', SECRETS_KEY: key, LOCAL_CONSOLE: 'on', ...(HOST ? { HOST } : {}) });
      assert.ok(!refused.ok, `HOST=${HOST}`);
      assert.deepEqual(refused.problems.map((p) => p.split(':')[0]), ['LOCAL_CONSOLE']);
    }
  });

  it('any real credential or peer means production: SECRETS_KEY and LDAP required, console and no-auth endpoint off, 0.0.0.0', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: 's' };
    const signals: Record<string, Record<string, string>> = {
      slack: SLACK,
      ldap: LDAP,
      graph: { GRAPH_TENANT_ID: TENANT, GRAPH_CLIENT_ID: 'c', GRAPH_CLIENT_SECRET: 's' },
      twilio: { TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: 't', TWILIO_FROM: '+15550001' },
      tickets: { TICKETS_KIND: 'webhook', TICKETS_URL: 'https://tickets.example/hook', TICKETS_TOKEN: 'webhook-signing-secret-0123456789' },
      'NODE_ENV=production': { NODE_ENV: 'production' },
    };
    for (const [what, vars] of Object.entries(signals)) {
      const bare = loadConfig(vars);
      assert.ok(!bare.ok, what);
      const named = bare.problems.map((p) => p.split(':')[0]);
      assert.ok(named.includes('SECRETS_KEY'), `${what}: ${JSON.stringify(bare.problems)}`);
      if (what !== 'ldap') assert.ok(named.includes('LDAP_URL'), `${what}: the demo directory is refused`);
      const full = loadConfig({ ...LDAP, ...vars, SECRETS_KEY: key });
      assert.ok(full.ok, `${what}: ${JSON.stringify(!full.ok && full.problems)}`);
      assert.equal(full.config.production, true, what);
      assert.equal(full.config.localConsole, false, what);
      assert.equal(full.config.botEndpoint, 'off', `${what}: no MicrosoftAppId → /api/messages is not served`);
      assert.equal(full.config.host, '0.0.0.0', what);
    }
    const slackOnly = loadConfig({ ...LDAP, ...SLACK, SECRETS_KEY: key, HOST: '10.0.0.5' });
    assert.ok(slackOnly.ok);
    assert.equal(slackOnly.config.host, '10.0.0.5');
    // The base-URL overrides are not credentials.
    const local = loadConfig({ SLACK_API_URL: 'http://127.0.0.1:9/api/', GRAPH_BASE_URL: 'https://127.0.0.1:9/', LDAP_TIMEOUT_MS: '2000' });
    assert.ok(local.ok);
    assert.equal(local.config.production, false);
    assert.equal(local.config.host, '127.0.0.1');
    assert.equal(local.config.botEndpoint, 'loopback');
    assert.equal(local.config.localConsole, true);
    assert.ok(!loadConfig({ HOST: 'my-host' }).ok, 'HOST must be an address');
  });

  it('with MicrosoftAppId, the allowed tenants are MicrosoftAppTenantId and TEAMS_ALLOWED_TENANTS; none at all stops start-up', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const bot = { ...LDAP, MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', SECRETS_KEY: key };
    const none = loadConfig(bot);
    assert.ok(!none.ok);
    assert.deepEqual(none.problems.map((p) => p.split(':')[0]), ['TEAMS_ALLOWED_TENANTS']);
    assert.match(none.problems[0] ?? '', /MicrosoftAppTenantId/);
    const other = '11111111-2222-4333-8444-555555555555';
    const both = loadConfig({ ...bot, MicrosoftAppTenantId: TENANT.toUpperCase(), TEAMS_ALLOWED_TENANTS: ` ${other} ;${TENANT}` });
    assert.ok(both.ok);
    assert.deepEqual(both.config.teamsTenants, [TENANT, other]);
    const listed = loadConfig({ ...bot, TEAMS_ALLOWED_TENANTS: other });
    assert.ok(listed.ok);
    assert.deepEqual(listed.config.teamsTenants, [other]);
    const bad = loadConfig({ ...bot, TEAMS_ALLOWED_TENANTS: 'contoso.com' });
    assert.ok(!bad.ok);
    assert.ok(bad.problems.some((p) => p.startsWith('TEAMS_ALLOWED_TENANTS: must be tenant ids')));
    const local = loadConfig({ TEAMS_ALLOWED_TENANTS: other });
    assert.ok(local.ok);
    assert.deepEqual(local.config.teamsTenants, [], 'no MicrosoftAppId: no tenant check');
  });

  it('switches Slack on only with both token and signing secret', () => {
    const on = loadConfig({ ...LDAP, SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'), SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'http://127.0.0.1:9000/api/' });
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
      enrollmentMask: 'first-last', apiRatePerMinute: 600, eventsPerUserHour: 200,
      indicators: { failedAnswersPerHour: 3, pinFailuresPerDay: 2, lockedUsersPerIp: 3, eventsPerHour: 60 },
    });
    const set = loadConfig({
      ENROLLMENT_MASK: 'length', PORTAL_API_RATE_PER_MINUTE: '30', VISHING_FAILED_ANSWERS: '5', VISHING_PIN_FAILURES: '1', VISHING_LOCKS_PER_IP: '4',
      VISHING_EVENTS_PER_HOUR: '40', PORTAL_EVENTS_PER_USER_HOUR: '100',
    });
    assert.ok(set.ok);
    assert.deepEqual(set.config.portalData, {
      enrollmentMask: 'length', apiRatePerMinute: 30, eventsPerUserHour: 100,
      indicators: { failedAnswersPerHour: 5, pinFailuresPerDay: 1, lockedUsersPerIp: 4, eventsPerHour: 40 },
    });
    const bad = loadConfig({ ENROLLMENT_MASK: 'middle', VISHING_FAILED_ANSWERS: '1' });
    assert.ok(!bad.ok);
    assert.ok(bad.problems.some((p) => p.startsWith('ENROLLMENT_MASK:')));
    assert.ok(bad.problems.some((p) => p.startsWith('VISHING_FAILED_ANSWERS: must be a whole number from 2 to 100')));
  });

  it('serves the portal by default (DESIGN: PORTAL on, 5, 3); trusts no proxy unless told, and only IP addresses', () => {
    const defaults = loadConfig({});
    assert.ok(defaults.ok);
    assert.equal(defaults.config.portal.mode, 'on');
    assert.equal(defaults.config.portal.lockAfter, 5);
    assert.equal(defaults.config.portal.questionsAsked, 3);
    assert.deepEqual(defaults.config.portal.trustedProxies, []);
    const set = loadConfig({ PORTAL: 'only', PORTAL_TRUSTED_PROXIES: '10.0.0.2; 2001:db8::1; 10.244.0.0/16' });
    assert.ok(set.ok);
    assert.equal(set.config.portal.mode, 'only');
    assert.deepEqual(set.config.portal.trustedProxies, ['10.0.0.2', '2001:db8::1', '10.244.0.0/16']);
    const bad = loadConfig({ PORTAL: 'yes', PORTAL_TRUSTED_PROXIES: 'proxy.corp.example' });
    assert.ok(!bad.ok);
    assert.ok(bad.problems.some((p) => p.startsWith('PORTAL:')), bad.problems.join('\n'));
    assert.ok(bad.problems.some((p) => p === 'PORTAL_TRUSTED_PROXIES: must be IP addresses or CIDR ranges (10.0.0.0/8), ;-separated'), bad.problems.join('\n'));
  });

  it('reads the portal’s text limits and allowed countries (issue 16); a bad country list is one clear line', () => {
    const defaults = loadConfig({});
    assert.ok(defaults.ok);
    assert.deepEqual(defaults.config.portal.texts, { perAccount: 3, perNumber: 3, total: 100, allowedCountries: [] });
    assert.equal(defaults.config.portal.pageRatePerMinute, 300);
    const set = loadConfig({ SMS_ALLOWED_COUNTRIES: '+1, +44', SMS_PER_ACCOUNT_PER_HOUR: '2', SMS_PER_NUMBER_PER_HOUR: '5', SMS_PER_HOUR: '50', PORTAL_PAGE_RATE_PER_MINUTE: '120' });
    assert.ok(set.ok);
    assert.deepEqual(set.config.portal.texts, { perAccount: 2, perNumber: 5, total: 50, allowedCountries: ['+1', '+44'] });
    assert.equal(set.config.portal.pageRatePerMinute, 120);
    const bad = loadConfig({ SMS_ALLOWED_COUNTRIES: '+1,UK', SMS_PER_HOUR: '0' });
    assert.ok(!bad.ok);
    assert.deepEqual(bad.problems.filter((p) => p.startsWith('SMS_')).sort(), [
      'SMS_ALLOWED_COUNTRIES: must be country calling codes, a + and 1 to 3 digits, comma-separated (e.g. +1,+44)',
      'SMS_PER_HOUR: must be a whole number from 1 to 100000',
    ]);
  });
});
