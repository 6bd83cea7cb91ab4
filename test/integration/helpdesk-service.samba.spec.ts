// The service's rules against the real Samba AD: roles from (nested) groups, protected targets, the
// own account, confirmation tokens, the fail-closed audit trail, and what changed in the directory.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Attribute, Change } from 'ldapts';
import { LdapDirectory } from '../../src/adapters/ldap/ldap-directory';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store';
import { VERBS } from '../../src/domain/verbs';
import { systemClock } from '../../src/ports/clock.port';
import { silentLogger } from '../../src/ports/logger.port';
import type { Store } from '../../src/ports/store.port';
import { GroupSettingsError, type GroupNames, type GroupSettings, resolveGroupSettings } from '../../src/service/kernel/group-settings';
import { HelpdeskService } from '../../src/service/helpdesk-service';
import { DEFAULT_SETTINGS } from '../../src/service-settings';
import type { View } from '../../src/service/kernel/views';
import { freePort, ROOT } from '../helpers/app-process';
import { ctxFor, expectKind } from '../helpers/service-fixture';
import { asAdmin, GROUP_DNS, GROUPS, ldapBindAs, lockOut, rawUser, resetSeededUser, sambaEnv, sambaInfo, SEED_PASSWORD, USERS } from '../helpers/samba';

const AUDIT_KEY = Buffer.alloc(32, 3);

/** The cn of each group the user is directly in, as the DC lists them. */
async function rawGroupCns(login: string): Promise<string[]> {
  const raw = await rawUser(login, ['memberOf']);
  return [raw.memberOf ?? []].flat().map((dn) => String(dn).replace(/^CN=([^,]+),.*$/, '$1'));
}

describe('HelpdeskService against Samba AD', function () {
  this.timeout(60_000);
  let dir: string;
  let dbPath: string;
  let directory: LdapDirectory;
  let store: Store;
  let service: HelpdeskService;
  let groups: GroupSettings;

  /** As an operator configures it: the agents' group by name, the supervisors' by DN (its name is copied in OU=Contractors). */
  const NAMES: GroupNames = { agentGroups: [GROUPS.agents], supervisorGroups: [GROUP_DNS.supervisors], protectedGroups: [] };

  const build = (s: Store, g: GroupSettings = groups) =>
    new HelpdeskService({
      directory,
      store: s,
      clock: systemClock,
      logger: silentLogger,
      settings: { ...DEFAULT_SETTINGS, actorCacheTtlMs: 0, roles: g.roles, protection: g.protection },
    });

  before(async () => {
    const info = sambaInfo();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-svc-'));
    dbPath = path.join(dir, 'helpdesk.db');
    directory = new LdapDirectory({ url: info.url, bindDN: info.bindDN, bindPassword: info.bindPassword, baseDN: info.baseDN, caFile: info.caFile, timeoutMs: 3000 });
    store = openSqliteStore({ path: dbPath, auditKey: AUDIT_KEY, busyTimeoutMs: 200 });
    groups = await resolveGroupSettings(directory, NAMES);
    service = build(store);
  });

  after(async () => {
    await directory.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const token = (v: View) => {
    const t = expectKind(v, 'confirm').actions.find((a) => a.verb === VERBS.confirmAccept)?.data.token;
    assert.ok(t);
    return t;
  };
  const lastAudit = async () => (await store.audit.list({ limit: 1 }))[0];

  describe('roles', () => {
    it('makes a nested-group member an agent and a supervisor a supervisor', async () => {
      assert.equal(expectKind(await service.command(ctxFor(USERS.nestedAgent), { name: 'help' }), 'help').role, 'agent');
      assert.equal(expectKind(await service.command(ctxFor(`${USERS.agent}@corp.example.test`), { name: 'help' }), 'help').role, 'agent');
      assert.equal(expectKind(await service.command(ctxFor(USERS.supervisor), { name: 'help' }), 'help').role, 'supervisor');
    });

    it('refuses anyone else, shows them nothing and audits the refusal', async () => {
      const view = expectKind(await service.command(ctxFor(USERS.plain), { name: 'user', query: USERS.jdoe }), 'error');
      assert.equal(view.code, 'AUTH.NOT_STAFF');
      assert.ok(!JSON.stringify(view).includes('Finance'));
      const entry = await lastAudit();
      assert.equal(entry?.actor, USERS.plain);
      assert.equal(entry?.outcome, 'refused');
      assert.equal(entry?.code, 'AUTH.NOT_STAFF');
    });

    it('re-checks the role when a button is pressed: removed from the group, the card no longer works', async () => {
      await resetSeededUser(USERS.locky);
      await lockOut(USERS.locky);
      const confirm = await service.command(ctxFor(USERS.agent), { name: 'unlock', user: USERS.locky });
      const t = token(confirm);
      const agentDn = (await rawUser(USERS.agent, ['1.1'])).dn;
      const groupDn = (await asAdmin(async (c) => (await c.search(sambaInfo().baseDN, { scope: 'sub', filter: `(cn=${GROUPS.agents})`, attributes: ['1.1'] })).searchEntries[0]?.dn)) as string;
      const membership = (op: 'add' | 'delete') =>
        asAdmin((c) => c.modify(groupDn, new Change({ operation: op, modification: new Attribute({ type: 'member', values: [agentDn] }) })));
      await membership('delete');
      try {
        const view = expectKind(await service.press(ctxFor(USERS.agent), { verb: VERBS.confirmAccept, data: { token: t } }), 'error');
        assert.equal(view.code, 'AUTH.NOT_STAFF');
        assert.equal((await ldapBindAs(USERS.locky, SEED_PASSWORD)).ok, false, 'still locked');
      } finally {
        await membership('add');
      }
    });
  });

  describe('roles by group DN, resolved at start-up', () => {
    it('a group named like the supervisors\' in another OU grants nothing to its member', async () => {
      assert.deepEqual(await rawGroupCns(USERS.rogue), [GROUPS.supervisors], 'Rex is in a group called "Helpdesk Supervisors"');
      assert.equal(expectKind(await service.command(ctxFor(USERS.rogue), { name: 'help' }), 'help').role, 'none');
      const view = expectKind(await service.command(ctxFor(USERS.rogue), { name: 'reset', user: USERS.jdoe, delivery: 'view' }), 'error');
      assert.equal(view.code, 'AUTH.NOT_STAFF');
      assert.equal((await lastAudit())?.code, 'AUTH.NOT_STAFF');
      assert.equal(expectKind(await service.command(ctxFor(USERS.supervisor), { name: 'help' }), 'help').role, 'supervisor');
    });

    it('a configured name that several groups have, or none, stops start-up with one line naming it', async () => {
      await assert.rejects(resolveGroupSettings(directory, { ...NAMES, supervisorGroups: [GROUPS.supervisors] }), (e: Error) => {
        assert.ok(e instanceof GroupSettingsError);
        assert.match(e.message, /^ROLE_SUPERVISOR_GROUPS: the group name "Helpdesk Supervisors" is ambiguous, 2 groups have it/);
        assert.ok(e.message.includes(GROUP_DNS.rogueSupervisors) && !e.message.includes('\n'), e.message);
        return true;
      });
      await assert.rejects(resolveGroupSettings(directory, { ...NAMES, agentGroups: ['Helpdesk Agnets'] }), {
        message: 'ROLE_AGENT_GROUPS: no group "Helpdesk Agnets" in the directory',
      });
      await assert.rejects(resolveGroupSettings(directory, { ...NAMES, protectedGroups: ['Tier0 Admins'] }), {
        message: 'PROTECTED_GROUPS: no group "Tier0 Admins" in the directory',
      });
    });

    it('the app itself refuses to start on an ambiguous group name: one line, exit code 1', async () => {
      const run = spawnSync(process.execPath, ['--disable-warning=DEP0111', '--require', 'tsx/cjs', path.join(ROOT, 'src/main.ts')], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 30_000,
        env: {
          PATH: process.env.PATH,
          NODE_PATH: path.join(ROOT, 'node_modules'),
          PORT: String(await freePort()),
          STORE_URL: `sqlite:${path.join(dir, 'startup.db')}`,
          LOG_LEVEL: 'silent',
          ...sambaEnv(),
          ROLE_AGENT_GROUPS: GROUPS.agents,
          ROLE_SUPERVISOR_GROUPS: GROUPS.supervisors,
          SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
        },
      });
      assert.equal(run.status, 1, run.stdout + run.stderr);
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0] ?? '', /^MyPass Helpdesk could not start: ROLE_SUPERVISOR_GROUPS: the group name "Helpdesk Supervisors" is ambiguous/);
      assert.ok(!run.stderr.includes(sambaInfo().bindPassword));
    });
  });

  describe('protected accounts', () => {
    const cases = [
      { login: USERS.formerAdmin, why: 'adminCount=1, in no protected group' },
      { login: USERS.primaryAdmin, why: 'primary group Domain Admins' },
      { login: USERS.service, why: "the bot's own bind account" },
    ];
    for (const { login, why } of cases) {
      it(`${login} (${why}): shown as protected without buttons, unlock and reset refused and audited`, async () => {
        const details = expectKind(await service.command(ctxFor(USERS.supervisor), { name: 'user', query: login }), 'user-details');
        assert.ok(details.badges.includes('protected'), JSON.stringify(details.badges));
        assert.deepEqual(details.actions, []);
        const unlock = expectKind(await service.command(ctxFor(USERS.agent), { name: 'unlock', user: login }), 'error');
        assert.equal(unlock.code, 'POLICY.PROTECTED_TARGET');
        assert.deepEqual([(await lastAudit())?.code, (await lastAudit())?.target], ['POLICY.PROTECTED_TARGET', login]);
        const reset = expectKind(await service.press(ctxFor(USERS.supervisor), { verb: VERBS.passwordResetView, data: { user: login } }), 'error');
        assert.equal(reset.code, 'POLICY.PROTECTED_TARGET');
        assert.equal((await lastAudit())?.outcome, 'refused');
      });
    }

    it('a refused unlock leaves the account locked', async () => {
      await resetSeededUser(USERS.formerAdmin);
      await lockOut(USERS.formerAdmin);
      try {
        expectKind(await service.command(ctxFor(USERS.agent), { name: 'unlock', user: USERS.formerAdmin }), 'error');
        const still = await ldapBindAs(USERS.formerAdmin, SEED_PASSWORD);
        assert.equal(still.ok ? 'ok' : still.data, '775');
      } finally {
        await resetSeededUser(USERS.formerAdmin);
      }
    });

    it('AD\'s privileged groups are always protected, and PROTECTED_GROUPS adds to them', async () => {
      const extra = await resolveGroupSettings(directory, { ...NAMES, protectedGroups: [GROUPS.finance] });
      const svc = build(store, extra);
      for (const login of [USERS.jdoe, USERS.domainAdmin]) {
        const view = expectKind(await svc.command(ctxFor(USERS.agent), { name: 'unlock', user: login }), 'error');
        assert.equal(view.code, 'POLICY.PROTECTED_TARGET', login);
      }
      // A member of Backup Operators (CN=Builtin), one of the defaults beyond the admins' groups.
      const plainDn = (await rawUser(USERS.plain, ['1.1'])).dn;
      const backupOps = `CN=Backup Operators,CN=Builtin,${sambaInfo().baseDN}`;
      const membership = (op: 'add' | 'delete') =>
        asAdmin((c) => c.modify(backupOps, new Change({ operation: op, modification: new Attribute({ type: 'member', values: [plainDn] }) })));
      await membership('add');
      try {
        const view = expectKind(await service.command(ctxFor(USERS.agent), { name: 'unlock', user: USERS.plain }), 'error');
        assert.equal(view.code, 'POLICY.PROTECTED_TARGET');
      } finally {
        await membership('delete');
      }
      // Out of the group again, the account may be changed (a reset is offered for confirmation).
      const reset = await service.command(ctxFor(USERS.supervisor), { name: 'reset', user: USERS.plain, delivery: 'view' });
      assert.equal(expectKind(reset, 'confirm').kind, 'confirm');
    });
  });

  describe('unlock and reset', () => {
    it('unlocks a really locked-out user after confirmation, once', async () => {
      await resetSeededUser(USERS.locky);
      await lockOut(USERS.locky);
      const before = await ldapBindAs(USERS.locky, SEED_PASSWORD);
      assert.deepEqual(before.ok ? 'ok' : before.data, '775', 'locked by real wrong-password binds');
      const details = expectKind(await service.command(ctxFor(USERS.agent), { name: 'user', query: USERS.locky }), 'user-details');
      assert.ok(details.badges.includes('locked'));
      assert.ok(details.account.lockoutEndsAt, 'shows when the lock ends');

      const t = token(await service.press(ctxFor(USERS.agent), { verb: VERBS.accountUnlock, data: { user: USERS.locky } }));
      expectKind(await service.press(ctxFor(USERS.agent), { verb: VERBS.confirmAccept, data: { token: t } }), 'result');
      assert.deepEqual(await ldapBindAs(USERS.locky, SEED_PASSWORD), { ok: true });
      const replay = expectKind(await service.press(ctxFor(USERS.agent), { verb: VERBS.confirmAccept, data: { token: t } }), 'error');
      assert.equal(replay.code, 'CONFIRM.USED');
    });

    it('resets a password so the new one works and must be changed (data 773)', async () => {
      await resetSeededUser(USERS.resetme);
      const t = token(await service.command(ctxFor(USERS.supervisor), { name: 'reset', user: USERS.resetme, delivery: 'view' }));
      const result = expectKind(await service.press(ctxFor(USERS.supervisor), { verb: VERBS.confirmAccept, data: { token: t } }), 'result');
      const password = result.secret?.value;
      assert.ok(password);
      const bind = await ldapBindAs(USERS.resetme, password);
      assert.equal(bind.ok ? 'ok' : bind.data, '773');
      const old = await ldapBindAs(USERS.resetme, SEED_PASSWORD);
      assert.equal(old.ok ? 'ok' : old.data, '52e');
      await resetSeededUser(USERS.resetme);
    });

    it('refuses the protected admin and the own account, and audits both', async () => {
      const admin = expectKind(await service.command(ctxFor(USERS.agent), { name: 'unlock', user: USERS.domainAdmin }), 'error');
      assert.equal(admin.code, 'POLICY.PROTECTED_TARGET');
      assert.equal((await lastAudit())?.code, 'POLICY.PROTECTED_TARGET');
      const self = expectKind(await service.command(ctxFor(USERS.supervisor), { name: 'reset', user: USERS.supervisor, delivery: 'view' }), 'error');
      assert.equal(self.code, 'POLICY.SELF_ACTION');
      assert.equal((await lastAudit())?.code, 'POLICY.SELF_ACTION');
      const colleague = expectKind(await service.command(ctxFor(USERS.supervisor), { name: 'unlock', user: USERS.nestedAgent }), 'error');
      assert.equal(colleague.code, 'POLICY.PROTECTED_TARGET', 'helpdesk staff are protected too');
    });
  });

  describe('audit trail', () => {
    it('verifies, and finds a record changed or removed behind its back', async () => {
      assert.equal((await store.audit.verify()).ok, true);
      const side = new Database(dbPath);
      try {
        const triggers = side.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'helpdesk_audit'").all() as { name: string }[];
        for (const t of triggers) side.exec(`DROP TRIGGER "${t.name}"`);
        const original = (side.prepare('SELECT actor FROM helpdesk_audit WHERE seq = 2').get() as { actor: string }).actor;
        side.prepare("UPDATE helpdesk_audit SET actor = 'someone-else' WHERE seq = 2").run();
        const changed = await store.audit.verify();
        assert.deepEqual(changed.ok ? 0 : changed.brokenAt, 2);
        side.prepare('UPDATE helpdesk_audit SET actor = ? WHERE seq = 2').run(original);
        assert.equal((await store.audit.verify()).ok, true, 'restored, the chain verifies again');
        side.prepare('DELETE FROM helpdesk_audit WHERE seq = 3').run();
        const removed = await store.audit.verify();
        assert.deepEqual(removed.ok ? 0 : removed.brokenAt, 4);
      } finally {
        side.close();
      }
    });

    it('does not reach the directory when the audit trail cannot be written', async () => {
      const fresh = path.join(dir, 'second.db');
      const s2 = openSqliteStore({ path: fresh, auditKey: AUDIT_KEY, busyTimeoutMs: 200 });
      const svc = build(s2);
      await resetSeededUser(USERS.locky);
      await lockOut(USERS.locky);
      const t = token(await svc.command(ctxFor(USERS.agent), { name: 'unlock', user: USERS.locky }));
      const blocker = new Database(fresh);
      blocker.exec('BEGIN EXCLUSIVE');
      try {
        const view = expectKind(await svc.press(ctxFor(USERS.agent), { verb: VERBS.confirmAccept, data: { token: t } }), 'error');
        assert.ok(['AUDIT.UNAVAILABLE', 'STORE.UNAVAILABLE'].includes(view.code), view.code);
      } finally {
        blocker.exec('ROLLBACK');
        blocker.close();
      }
      const still = await ldapBindAs(USERS.locky, SEED_PASSWORD);
      assert.equal(still.ok ? 'ok' : still.data, '775', 'the account is still locked');
      await s2.close();
      await resetSeededUser(USERS.locky);
    });
  });
});
