// LdapDirectory against the real Samba AD DC started by the global setup (test/helpers/samba.ts).
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { Attribute, Change, Client } from 'ldapts';
import { LdapDirectory, type LdapDirectoryOptions } from '../../src/adapters/ldap/ldap-directory';
import type { DirectoryEntry } from '../../src/domain/directory-user';
import { type ErrorCode, HelpdeskError, isHelpdeskError } from '../../src/domain/errors';
import { MAX_QUERY_LENGTH } from '../../src/adapters/ldap/ldap-filters';
import {
  asAdmin,
  GROUP_DNS,
  GROUPS,
  ldapBindAs,
  lockOut,
  MAIL_DOMAIN,
  PROJECT_GROUPS,
  rawClient,
  rawGroupNames,
  rawUser,
  restartSamba,
  resetSeededUser,
  type SambaInfo,
  sambaInfo,
  SEED_PASSWORD,
  seededDn,
  stopSamba,
  USERS,
} from '../helpers/samba';

const TIMEOUT_MS = 2000;

function options(info: SambaInfo, overrides: Partial<LdapDirectoryOptions> = {}): LdapDirectoryOptions {
  return { url: info.url, bindDN: info.bindDN, bindPassword: info.bindPassword, baseDN: info.baseDN, caFile: info.caFile, timeoutMs: TIMEOUT_MS, ...overrides };
}

/** Awaits a rejection and checks it is a coded HelpdeskError (never a raw ldapts/Node error). */
async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<HelpdeskError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(isHelpdeskError(e), `expected a HelpdeskError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

const logins = (entries: readonly DirectoryEntry[]): string[] => entries.map((e) => e.sAMAccountName).sort();

/** Counts the calls of one ldapts Client method, on every connection of every adapter, until restore(). */
function countCalls(method: 'search' | 'searchPaginated'): { count: number; restore: () => void } {
  const original = Client.prototype[method] as (this: Client, ...args: unknown[]) => unknown;
  const counter = {
    count: 0,
    restore: () => {
      Client.prototype[method] = original as never;
    },
  };
  Client.prototype[method] = function (this: Client, ...args: unknown[]) {
    counter.count++;
    return original.apply(this, args);
  } as never;
  return counter;
}

/** A random password the domain policy accepts. */
const newPassword = (): string => `N3w!Pass-${Math.random().toString(36).slice(2, 10)}`;

describe('LdapDirectory on Samba AD (integration)', function () {
  this.timeout(30_000);
  let info: SambaInfo;
  let dir: LdapDirectory;

  before(async () => {
    info = sambaInfo(); // throws with the reason when the DC is not running: never a skip
    dir = new LdapDirectory(options(info));
    await dir.ping();
  });

  after(async () => {
    await dir?.close();
  });

  describe('search', () => {
    it('finds a user by sAMAccountName, UPN, mail (any case) and alias address', async () => {
      for (const q of ['jdoe', 'JDoe', `jdoe@${MAIL_DOMAIN}`, `JDOE@${MAIL_DOMAIN.toUpperCase()}`, `john.doe@${MAIL_DOMAIN}`]) {
        assert.deepEqual(logins(await dir.search(q, 10)), ['jdoe'], q);
      }
    });

    it('finds by display-name, given-name and surname prefix', async () => {
      assert.deepEqual(logins(await dir.search('John D', 10)), ['jdoe']);
      assert.deepEqual(logins(await dir.search('Luc', 10)), ['locky']);
      assert.ok(logins(await dir.search('Do', 10)).includes('jdoe'));
    });

    it('finds by telephone number and mobile, as stored or by its digits', async () => {
      for (const q of ['+1 555 0111', '+1 555-0111', '15550111', '+1 555 0199']) {
        assert.deepEqual(logins(await dir.search(q, 10)), ['jdoe'], q);
      }
      assert.deepEqual(logins(await dir.search('+1 555 0100', 10)), ['hd.agent']);
    });

    it('finds a number as an agent hears it: any formatting, the last 7 or more digits', async () => {
      // Stored as "+1 555 0130" (telephoneNumber) and "+1 555 0199" (mobile), with spaces.
      for (const q of ['555-0130', '5550130', '555 0130', '(555) 0130', '1 555 0130', '+1-555-013-0']) {
        assert.deepEqual(logins(await dir.search(q, 10)), ['jsmith'], q);
      }
      for (const q of ['555 0199', '555-0199', '5550199']) assert.deepEqual(logins(await dir.search(q, 10)), ['jdoe'], q);
      assert.deepEqual(logins(await dir.search('5550111', 10)), ['jdoe']);
      // Fewer than 7 digits, or digits no number ends with: nobody.
      for (const q of ['550130', '0130', '5550131', '25550130']) assert.deepEqual(await dir.search(q, 10), [], q);
    });

    it('a digit query of any length is answered without a giant filter; 10 kB is not even sent', async () => {
      for (const q of ['5'.repeat(16), '5'.repeat(MAX_QUERY_LENGTH)]) assert.deepEqual(await dir.search(q, 10), [], `${q.length} digits`);
      // A directory whose DC cannot be reached: a query that were sent would fail with DIR.UNAVAILABLE.
      const nowhere = new LdapDirectory(options(info, { url: 'ldaps://127.0.0.1:1', timeoutMs: 500 }));
      try {
        for (const q of ['5'.repeat(10_240), `+1 ${'555 '.repeat(2_500)}`, 'x'.repeat(10_240)]) {
          assert.deepEqual(await nowhere.search(q, 10), [], `${q.length} characters`);
          assert.equal(await nowhere.findByLogin(q), null);
        }
        await rejectsWith(nowhere.search('5550130', 10), 'DIR.UNAVAILABLE'); // the control: a real query is sent
      } finally {
        await nowhere.close();
      }
    });

    it('finds Zoë Müller as an agent hears her name: "zoe", "muller", "Zoe Muller" (ASCII login and mail)', async () => {
      for (const q of ['zoe', 'Zoe', 'muller', 'MULLER', 'Zoe Muller', 'zmuller', 'zoe.muller', 'Müller']) {
        assert.deepEqual(logins(await dir.search(q, 10)), ['zmuller'], q);
      }
      assert.deepEqual(await dir.search('ul', 10), [], 'two letters are not searched inside logins ("mu" finds her: a name prefix, accents ignored)');
      assert.deepEqual(logins(await dir.search('mu', 10)), ['zmuller']);
    });

    it('finds the owner of a proxy address typed as the card shows it', async () => {
      const [jdoe] = await dir.search('jdoe', 1);
      assert.ok(jdoe);
      assert.ok(jdoe.linked.proxyAddresses.includes(`sip:john.doe@${MAIL_DOMAIN}`));
      for (const shown of jdoe.linked.proxyAddresses) assert.deepEqual(logins(await dir.search(shown, 10)), ['jdoe'], shown);
      assert.deepEqual(logins(await dir.search(`SMTP:JOHN.DOE@${MAIL_DOMAIN}`, 10)), ['jdoe']);
      assert.deepEqual(logins(await dir.search(`smtp:zmuller@${MAIL_DOMAIN}`, 10)), ['zmuller']);
      assert.deepEqual(await dir.search(`sip:nobody@${MAIL_DOMAIN}`, 10), []);
    });

    it('"smith" finds both Smiths', async () => {
      assert.deepEqual(logins(await dir.search('smith', 10)), ['jsmith', 'jsmithers']);
      assert.deepEqual(logins(await dir.search('Smithers', 10)), ['jsmithers']);
    });

    it("handles O'Brien and non-ASCII names (Zoë Müller), case-insensitively", async () => {
      assert.deepEqual(logins(await dir.search("O'Brien", 10)), ['cobrien']);
      assert.deepEqual(logins(await dir.search("Conor O'B", 10)), ['cobrien']);
      for (const q of ['Zoë', 'Müller', 'müller', 'Zoë Mü']) assert.deepEqual(logins(await dir.search(q, 10)), ['zmuller'], q);
      const [zoe] = await dir.search('Zoë', 1);
      assert.equal(zoe?.displayName, 'Zoë Müller');
    });

    it('finds names as an agent hears them, accents ignored: "garcia", "elise", "Elise Garcia" find Élise García (login egl16)', async () => {
      // Created here, not seeded: the login holds no part of the name, so only the folded name search can find her.
      const dn = seededDn('Élise García López');
      await asAdmin((c) =>
        c.add(dn, { objectClass: 'user', sAMAccountName: 'egl16', givenName: 'Élise', sn: 'García López', displayName: 'Élise García López', userAccountControl: '514' }),
      );
      try {
        for (const q of ['garcia', 'GARCIA', 'Garcia Lo', 'elise', 'Elise Garcia', 'élise garcía', 'García']) {
          assert.deepEqual(logins(await dir.search(q, 10)), ['egl16'], q);
        }
        assert.deepEqual(logins(await dir.search('garciax', 10)), [], 'a longer name is no match');
        assert.deepEqual(logins(await dir.search('g*)(sn=*', 10)), [], 'escaped like every value');
      } finally {
        await asAdmin((c) => c.del(dn));
      }
    });

    it('an exact login is the whole answer; names by prefix only when no login matches', async () => {
      // A user whose names start with another user's login.
      const dn = seededDn('Jdoe Fanclub');
      await asAdmin((c) =>
        c.add(dn, { objectClass: 'user', sAMAccountName: 'fan.club', givenName: 'Jdoe', sn: 'Fanclub', displayName: 'Jdoe Fanclub', userAccountControl: '514' }),
      );
      try {
        assert.deepEqual(logins(await dir.search('jdoe', 10)), ['jdoe']);
        assert.deepEqual(logins(await dir.search('Jdoe F', 10)), ['fan.club']);
        assert.deepEqual(logins(await dir.search('fan.club', 10)), ['fan.club']);
      } finally {
        await asAdmin((c) => c.del(dn));
      }
    });

    it('returns at most `limit` entries, without failing when more match', async () => {
      const five = await dir.search('Bench User', 5);
      assert.equal(five.length, 5);
      assert.equal((await dir.search('Bench User', 50)).length, 20);
      assert.deepEqual(await dir.search('Bench User', 0), []);
    });

    it('injection attempts find nothing and break nothing', async () => {
      const hostile = [
        '*',
        'jd*',
        '*doe',
        ')(',
        '*)(objectClass=*',
        'jdoe)(|(sAMAccountName=*',
        '\\',
        '\\2a',
        'jdoe\\00',
        'jdoe\u0000',
        'jdoe\u0000anything',
        '\u0000',
        '(',
        '*@*',
        `*@${MAIL_DOMAIN}`,
        'jdoe@*',
        'x'.repeat(10 * 1024),
        '*'.repeat(10 * 1024),
        '\u00e9'.repeat(5 * 1024),
      ];
      for (const q of hostile) {
        assert.deepEqual(await dir.search(q, 10), [], JSON.stringify(q.slice(0, 30)));
        assert.equal(await dir.findByLogin(q), null, JSON.stringify(q.slice(0, 30)));
      }
      // The connection survived all of it.
      assert.deepEqual(logins(await dir.search('jdoe', 10)), ['jdoe']);
    });

    it('only returns people: not computers, not groups', async () => {
      const [computer] = await asAdmin(async (c) => (await c.search(info.baseDN, { filter: '(objectCategory=computer)', attributes: ['sAMAccountName'] })).searchEntries);
      assert.ok(computer, 'the DC has a computer account');
      assert.deepEqual(await dir.search(String(computer.sAMAccountName), 10), []);
      assert.deepEqual(await dir.search('Finance', 10), []);
      assert.deepEqual(await dir.search('Helpdesk Agents', 10), []);
    });
  });

  describe('findByLogin', () => {
    it('finds exactly by sAMAccountName, UPN or mail, case-insensitively', async () => {
      for (const q of ['jdoe', 'JDOE', `jdoe@${MAIL_DOMAIN}`, `JDoe@${MAIL_DOMAIN}`]) {
        assert.equal((await dir.findByLogin(q))?.sAMAccountName, 'jdoe', q);
      }
      assert.equal(await dir.findByLogin('jdo'), null, 'no prefix match');
      assert.equal(await dir.findByLogin('John Doe'), null, 'no name match');
      assert.equal(await dir.findByLogin('nobody.here'), null);
    });

    it('throws DIR.AMBIGUOUS when a login names several users', async () => {
      // A user whose mail is another user's sAMAccountName.
      const dn = seededDn('Ambiguous Mail');
      await asAdmin((c) => c.add(dn, { objectClass: 'user', sAMAccountName: 'amb.mail', mail: 'jsmith', userAccountControl: '514' }));
      try {
        const err = await rejectsWith(dir.findByLogin('jsmith'), 'DIR.AMBIGUOUS');
        assert.deepEqual(err.params, { query: 'jsmith' }, 'the answer names what the agent typed');
      } finally {
        await asAdmin((c) => c.del(dn));
      }
      assert.equal((await dir.findByLogin('jsmith'))?.sAMAccountName, 'jsmith');
    });
  });

  describe('entry details', () => {
    it('jdoe matches what a raw search of the DC shows', async () => {
      const raw = await rawUser(USERS.jdoe);
      const jdoe = await dir.findByLogin('jdoe');
      assert.ok(jdoe);
      assert.equal(jdoe.dn, raw.dn);
      assert.equal(jdoe.displayName, 'John Doe');
      assert.equal(jdoe.givenName, raw.givenName);
      assert.equal(jdoe.surname, raw.sn);
      assert.equal(jdoe.userPrincipalName, raw.userPrincipalName);
      assert.deepEqual(jdoe.organisation, {
        department: raw.department,
        title: raw.title,
        company: raw.company,
        office: raw.physicalDeliveryOfficeName,
        manager: 'Mary Manager',
      });
      assert.deepEqual(jdoe.organisation, { department: 'Finance', title: 'Accountant', company: 'Contoso', office: 'Building 2', manager: 'Mary Manager' });
      assert.equal(raw.manager, seededDn('Mary Manager'));
      assert.deepEqual(jdoe.contact, { mail: raw.mail, telephoneNumber: '+1 555 0111', mobile: '+1 555 0199' });
      assert.equal(jdoe.contact.telephoneNumber, raw.telephoneNumber);
      assert.equal(jdoe.contact.mobile, raw.mobile);
      assert.deepEqual([...jdoe.linked.proxyAddresses].sort(), [raw.proxyAddresses].flat().map(String).sort());
      assert.deepEqual([...jdoe.linked.proxyAddresses].sort(), [`SMTP:jdoe@${MAIL_DOMAIN}`, `sip:john.doe@${MAIL_DOMAIN}`, `smtp:john.doe@${MAIL_DOMAIN}`]);
      assert.deepEqual(jdoe.privilege, { adminCount: false, primaryGroupId: 513 }, 'Domain Users');
      assert.equal(jdoe.linked.upnSuffix, MAIL_DOMAIN);

      const a = jdoe.account;
      assert.equal(a.enabled, true);
      assert.equal(a.locked, false);
      assert.equal(a.passwordMustChange, false);
      assert.equal(a.passwordExpired, false);
      assert.ok(a.passwordLastSet && a.passwordExpiresAt && a.createdAt);
      // The domain's default maxPwdAge is 42 days.
      assert.equal(a.passwordExpiresAt.getTime() - a.passwordLastSet.getTime(), 42 * 24 * 3_600_000);
      assert.equal(a.accountExpiresAt, undefined, 'accountExpires = never');
      assert.equal(a.createdAt.toISOString().slice(0, 19).replace(/\D/g, ''), String(raw.whenCreated).slice(0, 14));
      assert.equal(jdoe.source, 'ldap');
    });
  });

  describe('start-up look-ups: groups by name or DN, the bind account, privilege marks', () => {
    it('a name finds every group with that cn or sAMAccountName in the domain; a DN finds that group', async () => {
      const [agents, supervisors, byDn, builtin, missing, bySam] = await dir.resolveGroups([
        GROUPS.agents,
        GROUPS.supervisors,
        GROUP_DNS.supervisors.toLowerCase(),
        'Backup Operators',
        'No Such Group',
        'Contractors Helpdesk Supervisors',
      ]);
      assert.deepEqual(agents?.groups.map((g) => g.id), [GROUP_DNS.agents]);
      assert.deepEqual(supervisors?.groups.map((g) => g.id).sort(), [GROUP_DNS.rogueSupervisors, GROUP_DNS.supervisors].sort(), 'the copy in OU=Contractors is seen');
      assert.deepEqual(byDn?.groups.map((g) => g.id), [GROUP_DNS.supervisors], 'the DN as the DC spells it');
      assert.deepEqual(builtin?.groups.map((g) => g.id), [`CN=Backup Operators,CN=Builtin,${info.baseDN}`], 'CN=Builtin is searched too');
      assert.deepEqual(missing?.groups, []);
      assert.deepEqual(bySam?.groups.map((g) => g.id), [GROUP_DNS.rogueSupervisors]);
      assert.deepEqual(await dir.resolveGroups([`CN=Nope,CN=Users,${info.baseDN}`, 'CN=Evil)(cn=*,CN=Users']), [
        { name: `CN=Nope,CN=Users,${info.baseDN}`, groups: [] },
        { name: 'CN=Evil)(cn=*,CN=Users', groups: [] },
      ]);
    });

    it('resolved groups carry their primaryGroupToken (the RID users name in primaryGroupID)', async () => {
      const [da] = await dir.resolveGroups([GROUPS.domainAdmins]);
      assert.deepEqual(da?.groups, [{ id: GROUP_DNS.domainAdmins, name: GROUPS.domainAdmins, primaryGroupToken: 512 }]);
      const pg = await dir.findByLogin(USERS.primaryAdmin);
      assert.deepEqual(pg?.privilege, { adminCount: false, primaryGroupId: 512 });
      assert.ok(!(await dir.groupsOf(pg.dn)).some((g) => g.id === GROUP_DNS.domainAdmins), 'memberOf does not show a primary group');
      assert.equal((await dir.findByLogin(USERS.formerAdmin))?.privilege?.adminCount, true);
    });

    it('the bind account, as the DC spells its DN, also from a UPN or DOMAIN\\login bind name', async () => {
      assert.equal(await dir.serviceAccount(), info.bindDN);
      for (const bindDN of [`${USERS.service}@${MAIL_DOMAIN}`, `CORP\\${USERS.service}`, info.bindDN.toLowerCase()]) {
        const other = new LdapDirectory(options(info, { bindDN }));
        try {
          assert.equal(await other.serviceAccount(), info.bindDN, bindDN);
        } finally {
          await other.close();
        }
      }
    });
  });

  for (const groupLookup of ['member-of', 'in-chain'] as const) {
    describe(`groupsOf (${groupLookup})`, () => {
      let groupsDir: LdapDirectory;
      before(() => {
        groupsDir = new LdapDirectory(options(info, { groupLookup }));
      });
      after(() => groupsDir.close());

      it('gives the transitive groups: jdoe in Finance, hd.nested in Helpdesk Agents through Tier1', async () => {
        const jdoe = await dir.findByLogin('jdoe');
        assert.deepEqual(await groupsDir.groupsOf(jdoe!.dn), [{ id: seededDn('Finance'), name: GROUPS.finance }]);

        const nested = await dir.findByLogin(USERS.nestedAgent);
        const groups = await groupsDir.groupsOf(nested!.dn);
        assert.deepEqual(groups, [
          { id: seededDn(GROUPS.agents), name: GROUPS.agents },
          { id: seededDn(GROUPS.tier1), name: GROUPS.tier1 },
        ]);
      });

      it('agrees with the DC\'s own in-chain evaluation for every seeded user', async () => {
        for (const sam of [...Object.values(USERS), 'bench.user07']) {
          const entry = await dir.findByLogin(sam);
          assert.ok(entry, sam);
          const names = (await groupsDir.groupsOf(entry.dn)).map((g) => g.name).sort();
          assert.deepEqual(names, await rawGroupNames(entry.dn), sam);
        }
        const admin = await dir.findByLogin(USERS.domainAdmin);
        assert.ok((await groupsDir.groupsOf(admin!.dn)).some((g) => g.name === GROUPS.domainAdmins));
      });

      it('a user in 201 groups with long names gets them all', async () => {
        const many = await dir.findByLogin(USERS.manyGroups);
        const groups = await groupsDir.groupsOf(many!.dn);
        assert.equal(groups.length, 201);
        assert.deepEqual(groups.map((g) => g.name).sort(), [GROUPS.engineering, ...PROJECT_GROUPS].sort());
      });

      it('a search with one hit starts its groups ahead: the holder of that entry takes them, anyone else walks afresh', async () => {
        // Counted at the client: every search the adapter sends to the DC.
        const sent = countCalls('search');
        try {
          const [nested] = await groupsDir.search(USERS.nestedAgent, 5);
          assert.ok(nested?.memberOf);
          const taken = await groupsDir.groupsOf(nested.dn, nested.memberOf);
          const withAhead = sent.count; // the search and the walk it started
          const fresh = await groupsDir.groupsOf(nested.dn, [...nested.memberOf]); // an equal array, not the entry's
          const walk = sent.count - withAhead;
          assert.ok(walk >= 1, 'an equal array from elsewhere walks the groups itself');
          assert.equal(withAhead, 1 + walk, 'the entry\'s holder took the walk the search started, and sent no other');
          assert.deepEqual(taken, fresh);
          assert.deepEqual(taken.map((g) => g.name), [GROUPS.agents, GROUPS.tier1]);
          const before = sent.count;
          await groupsDir.groupsOf(nested.dn, nested.memberOf);
          assert.equal(sent.count - before, walk, 'a walk is taken once: asked again, the groups are read again');
        } finally {
          sent.restore();
        }
      });

      it('an unknown or hostile DN has no groups', async () => {
        assert.deepEqual(await groupsDir.groupsOf(seededDn('Nobody Here')), []);
        assert.deepEqual(await groupsDir.groupsOf('*'), []);
        assert.deepEqual(await groupsDir.groupsOf(`${seededDn('John Doe')})(cn=*`), []);
        assert.deepEqual(await groupsDir.groupsOf('not a dn'), []);
        assert.deepEqual(await groupsDir.groupsOf(''), []);
      });
    });
  }

  describe('lockout and unlock', () => {
    after(() => resetSeededUser(USERS.locky));

    it('three wrong passwords lock locky; the adapter shows it; unlock lets the right password in', async () => {
      const before = Date.now();
      const outcomes = await lockOut(USERS.locky);
      assert.ok(outcomes.every((o) => !o.ok && o.data === '52e'), JSON.stringify(outcomes));
      const locked = await ldapBindAs(USERS.locky, SEED_PASSWORD);
      assert.equal(locked.ok, false);
      assert.equal(!locked.ok && locked.data, '775', 'the right password is refused while locked');

      const entry = await dir.findByLogin(USERS.locky);
      assert.ok(entry);
      assert.equal(entry.account.locked, true);
      assert.ok(entry.account.lockedAt, 'lockedAt');
      assert.ok(Math.abs(entry.account.lockedAt.getTime() - before) < 60_000, 'locked just now');
      assert.ok(entry.account.lockoutEndsAt, 'lockoutEndsAt');
      assert.equal(entry.account.lockoutEndsAt.getTime() - entry.account.lockedAt.getTime(), 30 * 60_000);
      assert.equal(entry.account.badPwdCount, 3);

      await dir.unlock(entry.dn);
      const after = await dir.findByLogin(USERS.locky);
      assert.equal(after?.account.locked, false);
      assert.equal(after?.account.lockedAt, undefined);
      assert.equal(after?.account.badPwdCount, 0);
      assert.deepEqual(await ldapBindAs(USERS.locky, SEED_PASSWORD), { ok: true });
    });

    it('states the lockout policy: the domain’s (3 wrong passwords, 30 minutes), and a user’s own where a PSO applies', async () => {
      const thirtyMinutes = 30 * 60_000;
      assert.deepEqual(await dir.lockoutPolicy(), { threshold: 3, observationWindowMs: thirtyMinutes, durationMs: thirtyMinutes, source: 'domain' });
      const user = (await dir.findByLogin(USERS.cobrien))?.dn;
      assert.ok(user);
      assert.deepEqual(await dir.lockoutPolicy(user), { threshold: 3, observationWindowMs: thirtyMinutes, durationMs: thirtyMinutes, source: 'domain' });
      const pso = `CN=Lockout Test PSO,CN=Password Settings Container,CN=System,${info.baseDN}`;
      await asAdmin(async (c) => {
        await c.del(pso).catch(() => undefined);
        await c.add(pso, {
          objectClass: 'msDS-PasswordSettings', 'msDS-PasswordSettingsPrecedence': '20', 'msDS-PasswordReversibleEncryptionEnabled': 'FALSE',
          'msDS-PasswordHistoryLength': '0', 'msDS-PasswordComplexityEnabled': 'TRUE', 'msDS-MinimumPasswordLength': '7',
          'msDS-MinimumPasswordAge': '0', 'msDS-MaximumPasswordAge': '-36288000000000', 'msDS-LockoutThreshold': '6',
          'msDS-LockoutObservationWindow': String(-10 * 60 * 10_000_000), 'msDS-LockoutDuration': '0', 'msDS-PSOAppliesTo': user,
        });
      });
      try {
        assert.deepEqual(await dir.lockoutPolicy(user), { threshold: 6, observationWindowMs: 10 * 60_000, durationMs: undefined, source: 'pso' },
          'duration 0: locked until an administrator unlocks');
        assert.equal((await dir.lockoutPolicy())?.source, 'domain', 'without a user, the domain’s');
      } finally {
        await asAdmin((c) => c.del(pso));
      }
    });

    it('lockedOut: each locked user with the policy in force for it (a PSO’s “until unlocked”, else the domain’s 30 minutes), the PSO read once for all its users and no read per user', async () => {
      const pso = `CN=Locked List PSO,CN=Password Settings Container,CN=System,${info.baseDN}`;
      const underPso = [USERS.jsmith, USERS.cobrien];
      const psoUsers = await Promise.all(underPso.map(async (login) => (await dir.findByLogin(login))?.dn ?? ''));
      await asAdmin(async (c) => {
        await c.del(pso).catch(() => undefined);
        await c.add(pso, {
          objectClass: 'msDS-PasswordSettings', 'msDS-PasswordSettingsPrecedence': '20', 'msDS-PasswordReversibleEncryptionEnabled': 'FALSE',
          'msDS-PasswordHistoryLength': '0', 'msDS-PasswordComplexityEnabled': 'TRUE', 'msDS-MinimumPasswordLength': '7',
          'msDS-MinimumPasswordAge': '0', 'msDS-MaximumPasswordAge': '-36288000000000', 'msDS-LockoutThreshold': '3',
          'msDS-LockoutObservationWindow': String(-10 * 60 * 10_000_000), 'msDS-LockoutDuration': '0', 'msDS-PSOAppliesTo': psoUsers,
        });
      });
      const bases: string[] = [];
      const search = Client.prototype.search;
      try {
        for (const login of [USERS.locky, ...underPso]) await lockOut(login);
        Client.prototype.search = function (this: Client, ...args: Parameters<Client['search']>) {
          bases.push(String(args[0]));
          return search.apply(this, args);
        };
        const locked = new Map((await dir.lockedOut()).map(({ entry, policy }) => [entry.sAMAccountName, policy]));
        Client.prototype.search = search;
        for (const login of underPso) {
          assert.deepEqual(locked.get(login), { threshold: 3, observationWindowMs: 10 * 60_000, durationMs: undefined, source: 'pso' }, `${login}: its PSO, locked until unlocked`);
        }
        assert.deepEqual(locked.get(USERS.locky), { threshold: 3, observationWindowMs: 30 * 60_000, durationMs: 30 * 60_000, source: 'domain' });
        assert.equal(bases.filter((b) => b === pso).length, 1, `the PSO is read once: ${bases.join(' | ')}`);
        assert.equal(bases.filter((b) => psoUsers.includes(b) || b === seededDn('Lucy Locke')).length, 0, 'no read per user');
      } finally {
        Client.prototype.search = search;
        await asAdmin((c) => c.del(pso));
        for (const login of [USERS.locky, ...underPso]) await resetSeededUser(login);
      }
    });

    it('five agents asking at once: one directory query for lockedOut and one for expiringPasswords, each answer the same as asked alone', async () => {
      await lockOut(USERS.locky);
      const alone = { locked: logins((await dir.lockedOut()).map((l) => l.entry)), expiring: logins(await dir.expiringPasswords(new Date(Date.now() + 7 * 86_400_000))) };
      assert.ok(alone.locked.includes(USERS.locky));
      const queries = countCalls('searchPaginated');
      try {
        const locked = await Promise.all(Array.from({ length: 5 }, () => dir.lockedOut()));
        assert.equal(queries.count, 1, 'one paged query for five');
        for (const answer of locked) assert.deepEqual(logins(answer.map((l) => l.entry)), alone.locked);
        queries.count = 0;
        const expiring = await Promise.all(Array.from({ length: 5 }, (_, i) => dir.expiringPasswords(new Date(Date.now() + 7 * 86_400_000 + i))));
        assert.equal(queries.count, 1, 'one paged query for five');
        for (const answer of expiring) assert.deepEqual(logins(answer), alone.expiring);
        queries.count = 0;
        await dir.lockedOut();
        assert.equal(queries.count, 1, 'asked again afterwards: read afresh');
      } finally {
        queries.restore();
        await resetSeededUser(USERS.locky);
      }
    });

    it('unlocking an account that is not locked is harmless', async () => {
      const entry = await dir.findByLogin(USERS.locky);
      await dir.unlock(entry!.dn);
      assert.deepEqual(await ldapBindAs(USERS.locky, SEED_PASSWORD), { ok: true });
    });
  });

  describe('setPassword', () => {
    after(() => resetSeededUser(USERS.resetme));

    it('with mustChange: the new password needs a change (773), the old one is refused', async () => {
      const entry = await dir.findByLogin(USERS.resetme);
      const pw = newPassword();
      await dir.setPassword(entry!.dn, pw, { mustChange: true });
      const withNew = await ldapBindAs(USERS.resetme, pw);
      assert.equal(!withNew.ok && withNew.data, '773', JSON.stringify(withNew));
      const withOld = await ldapBindAs(USERS.resetme, SEED_PASSWORD);
      assert.equal(!withOld.ok && withOld.data, '52e', JSON.stringify(withOld));
      const after = await dir.findByLogin(USERS.resetme);
      assert.equal(after?.account.passwordMustChange, true);
      assert.equal(after?.account.passwordLastSet, undefined);
    });

    it('a password the policy refuses → DIR.PASSWORD_POLICY, and nothing changes', async () => {
      const entry = await dir.findByLogin(USERS.resetme);
      const pw = newPassword();
      await dir.setPassword(entry!.dn, pw, { mustChange: true });
      // Too short; not complex (one character class).
      for (const bad of ['Xy7!q', 'alllowercaseletters']) {
        const e = await rejectsWith(dir.setPassword(entry!.dn, bad, { mustChange: false }), 'DIR.PASSWORD_POLICY');
        assert.ok(!e.message.includes(bad), 'the refused password is not echoed');
      }
      const still = await ldapBindAs(USERS.resetme, pw);
      assert.equal(!still.ok && still.data, '773', 'same password, still must change');
      assert.equal((await dir.findByLogin(USERS.resetme))?.account.passwordMustChange, true);
    });

    it('without mustChange: the new password logs on straight away', async () => {
      const entry = await dir.findByLogin(USERS.resetme);
      const pw = newPassword();
      await dir.setPassword(entry!.dn, pw, { mustChange: false });
      assert.deepEqual(await ldapBindAs(USERS.resetme, pw), { ok: true });
      const after = await dir.findByLogin(USERS.resetme);
      assert.equal(after?.account.passwordMustChange, false);
      assert.ok(after?.account.passwordLastSet && Date.now() - after.account.passwordLastSet.getTime() < 60_000);
    });
  });

  describe('rights and unknown targets', () => {
    it('the service account may not unlock or reset a protected admin: DIR.INSUFFICIENT_RIGHTS', async () => {
      const admin = await dir.findByLogin(USERS.domainAdmin);
      await rejectsWith(dir.unlock(admin!.dn), 'DIR.INSUFFICIENT_RIGHTS');
      await rejectsWith(dir.setPassword(admin!.dn, newPassword(), { mustChange: true }), 'DIR.INSUFFICIENT_RIGHTS');
      assert.deepEqual(await ldapBindAs(USERS.domainAdmin, SEED_PASSWORD), { ok: true }, 'password unchanged');
    });

    it('an unknown DN → DIR.USER_NOT_FOUND', async () => {
      await rejectsWith(dir.unlock(seededDn('Nobody Here')), 'DIR.USER_NOT_FOUND');
      await rejectsWith(dir.setPassword(seededDn('Nobody Here'), newPassword(), { mustChange: true }), 'DIR.USER_NOT_FOUND');
    });

    it('the service account cannot write other attributes (delegation is narrow)', async () => {
      const svc = await asAdmin(async (c) => (await c.search(info.bindDN, { scope: 'base', attributes: ['sAMAccountName'] })).searchEntries[0]);
      assert.equal(svc?.sAMAccountName, 'svc.helpdesk');
      const jdoe = await rawUser(USERS.jdoe, ['1.1']);
      const client = rawClient();
      try {
        await client.bind(info.bindDN, info.bindPassword);
        await assert.rejects(
          client.modify(jdoe.dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Hacked'] }) })),
          /no write property access|Insufficient/i,
        );
      } finally {
        await client.unbind();
      }
    });
  });

  describe('connection failures', () => {
    it('a wrong bind password → DIR.BIND_FAILED', async () => {
      const bad = new LdapDirectory(options(info, { bindPassword: 'not-the-password' }));
      try {
        await rejectsWith(bad.search('jdoe', 5), 'DIR.BIND_FAILED');
        await rejectsWith(bad.ping(), 'DIR.BIND_FAILED');
      } finally {
        await bad.close();
      }
    });

    it('a CA file of another CA → DIR.TLS; no CA file at all (public CAs only) → DIR.TLS', async () => {
      for (const caFile of [info.otherCaFile, undefined]) {
        const other = new LdapDirectory(options(info, { caFile }));
        try {
          await rejectsWith(other.search('jdoe', 5), 'DIR.TLS');
        } finally {
          await other.close();
        }
      }
      assert.throws(() => new LdapDirectory(options(info, { caFile: '/nonexistent/ca.pem' })), (e: unknown) => isHelpdeskError(e) && e.code === 'DIR.TLS');
      assert.throws(() => new LdapDirectory(options(info, { url: info.url.replace('ldaps:', 'ldap:').replace(':636', ':389') })), (e: unknown) => isHelpdeskError(e) && e.code === 'DIR.TLS');
    });

    it('LDAPS to a port that speaks plain LDAP → a coded error at once (Samba resets: DIR.UNAVAILABLE)', async () => {
      const plain = new LdapDirectory(options(info, { url: info.url.replace(':636', ':389') }));
      try {
        const t0 = Date.now();
        // A server that answers the TLS hello with garbage gives DIR.TLS; Samba closes the
        // connection (ECONNRESET), which cannot be told from a DC going away.
        const e = await rejectsWith(plain.search('jdoe', 5), 'DIR.UNAVAILABLE');
        assert.ok(Date.now() - t0 < 500, e.message);
      } finally {
        await plain.close();
      }
    });

    it('no server on the port → DIR.UNAVAILABLE at once', async () => {
      const port = await freePort();
      const none = new LdapDirectory(options(info, { url: `ldaps://127.0.0.1:${port}` }));
      try {
        const t0 = Date.now();
        await rejectsWith(none.search('jdoe', 5), 'DIR.UNAVAILABLE');
        assert.ok(Date.now() - t0 < 500, `took ${Date.now() - t0} ms`);
      } finally {
        await none.close();
      }
    });

    it('a server that accepts but never answers → DIR.UNAVAILABLE after timeoutMs, not a hang', async () => {
      const { server, port, sockets } = await silentServer();
      const hung = new LdapDirectory(options(info, { url: `ldaps://127.0.0.1:${port}`, timeoutMs: 400 }));
      try {
        for (const call of [() => hung.search('jdoe', 5), () => hung.unlock(seededDn('Lucy Locke')), () => hung.ping()]) {
          const t0 = Date.now();
          await rejectsWith(call(), 'DIR.UNAVAILABLE');
          const took = Date.now() - t0;
          assert.ok(took >= 350 && took < 1000, `took ${took} ms`);
        }
      } finally {
        await hung.close();
        for (const s of sockets) s.destroy();
        server.close();
      }
    });

    it('the DC stopped mid-suite → DIR.UNAVAILABLE within timeoutMs; works again after restart', async () => {
      const live = new LdapDirectory(options(info));
      // Left idle while the DC is down, with all four of its connections open: they all die with the DC.
      const idle = new LdapDirectory(options(info));
      try {
        assert.deepEqual(logins(await live.search('jdoe', 5)), ['jdoe']); // a pooled, bound connection
        for (const found of await Promise.all([1, 2, 3, 4].map(() => idle.search('jdoe', 5)))) assert.deepEqual(logins(found), ['jdoe']);
        await stopSamba();
        try {
          for (const call of [() => live.search('jdoe', 5), () => live.findByLogin('jdoe'), () => live.ping(), () => live.groupsOf(seededDn('John Doe'))]) {
            const t0 = Date.now();
            await rejectsWith(call(), 'DIR.UNAVAILABLE');
            assert.ok(Date.now() - t0 < TIMEOUT_MS + 250, `took ${Date.now() - t0} ms`);
          }
        } finally {
          await restartSamba();
        }
        // The same adapter reconnects by itself.
        assert.deepEqual(logins(await live.search('jdoe', 5)), ['jdoe']);
        await live.ping();
        // So does one whose every connection died while idle: each dead one is dropped, its first request works.
        assert.deepEqual(logins(await idle.search('jdoe', 5)), ['jdoe']);
        // And the suite's long-lived one, whose pooled connections died with the DC.
        assert.deepEqual(logins(await dir.search('jdoe', 5)), ['jdoe']);
      } finally {
        await live.close();
        await idle.close();
      }
    });

    it('a closed adapter refuses work with a coded error', async () => {
      const closing = new LdapDirectory(options(info));
      await closing.ping();
      await closing.close();
      await rejectsWith(closing.search('jdoe', 5), 'DIR.UNAVAILABLE');
    });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A TCP server that accepts connections and never says a word (not even a TLS handshake). */
function silentServer(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0, sockets });
    });
  });
}
