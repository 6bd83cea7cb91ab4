import assert from 'node:assert/strict';
import { toDirectoryEntry, type RawEntry } from '../../../../src/adapters/ldap/ad-entry';
import { dateToFileTime } from '../../../../src/adapters/ldap/ad-time';

const NOW = new Date('2026-11-25T12:00:00Z');
const POLICY = { lockoutDuration: '-18000000000', maxPwdAge: '-36288000000000' }; // 30 min, 42 days
const ft = (iso: string): string => dateToFileTime(new Date(iso));

function raw(attrs: Record<string, string | string[]>): RawEntry {
  return { dn: 'CN=John Doe,CN=Users,DC=corp,DC=example,DC=test', sAMAccountName: 'jdoe', userAccountControl: '512', ...attrs };
}

describe('toDirectoryEntry (AD entry → DirectoryEntry)', () => {
  it('maps identity, organisation, contact and linked data', () => {
    const e = toDirectoryEntry(
      raw({
        userPrincipalName: 'jdoe@corp.example.test',
        displayName: 'John Doe',
        givenName: 'John',
        sn: 'Doe',
        department: 'Finance',
        title: 'Accountant',
        company: 'Contoso',
        physicalDeliveryOfficeName: 'Building 2',
        manager: 'CN=Mary Manager,CN=Users,DC=corp,DC=example,DC=test',
        mail: 'jdoe@corp.example.test',
        telephoneNumber: '+1 555 0111',
        mobile: '+1 555 0199',
        proxyAddresses: 'SMTP:jdoe@corp.example.test', // a single value comes as a string
        whenCreated: '20261125021013.0Z',
      }),
      POLICY,
      NOW,
    );
    assert.equal(e.displayName, 'John Doe');
    assert.deepEqual(e.organisation, { department: 'Finance', title: 'Accountant', company: 'Contoso', office: 'Building 2', manager: 'Mary Manager' });
    assert.deepEqual(e.contact, { mail: 'jdoe@corp.example.test', telephoneNumber: '+1 555 0111', mobile: '+1 555 0199' });
    assert.deepEqual(e.linked, { upnSuffix: 'corp.example.test', proxyAddresses: ['SMTP:jdoe@corp.example.test'] });
    assert.equal(e.account.createdAt?.toISOString(), '2026-11-25T02:10:13.000Z');
    assert.equal(e.source, 'ldap');
  });

  it('reads attribute names case-insensitively and treats [] / "" as absent', () => {
    const e = toDirectoryEntry(raw({ DISPLAYNAME: 'Shout', department: [], title: '' }), POLICY, NOW);
    assert.equal(e.displayName, 'Shout');
    assert.equal(e.organisation.department, undefined);
    assert.equal(e.organisation.title, undefined);
  });

  it('falls back to given + surname, then the login, for the display name', () => {
    assert.equal(toDirectoryEntry(raw({ givenName: 'John', sn: 'Doe' }), POLICY, NOW).displayName, 'John Doe');
    assert.equal(toDirectoryEntry(raw({}), POLICY, NOW).displayName, 'jdoe');
  });

  describe('account state', () => {
    it('disabled from userAccountControl', () => {
      assert.equal(toDirectoryEntry(raw({ userAccountControl: '514' }), POLICY, NOW).account.enabled, false);
      assert.equal(toDirectoryEntry(raw({ userAccountControl: '512' }), POLICY, NOW).account.enabled, true);
    });

    it('locked from msDS-User-Account-Control-Computed, with lockedAt and lockoutEndsAt', () => {
      const a = toDirectoryEntry(
        raw({ 'msDS-User-Account-Control-Computed': '16', lockoutTime: ft('2026-11-25T11:50:00Z'), badPwdCount: '3' }),
        POLICY,
        NOW,
      ).account;
      assert.equal(a.locked, true);
      assert.equal(a.lockedAt?.toISOString(), '2026-11-25T11:50:00.000Z');
      assert.equal(a.lockoutEndsAt?.toISOString(), '2026-11-25T12:20:00.000Z');
      assert.equal(a.badPwdCount, 3);
    });

    it('the computed flag wins over a lockoutTime left behind after the lock ran out', () => {
      const a = toDirectoryEntry(raw({ 'msDS-User-Account-Control-Computed': '0', lockoutTime: ft('2026-11-25T11:50:00Z') }), POLICY, NOW).account;
      assert.equal(a.locked, false);
      assert.equal(a.lockedAt, undefined);
    });

    it('without the computed attribute: lockoutTime inside lockoutDuration', () => {
      const inside = toDirectoryEntry(raw({ lockoutTime: ft('2026-11-25T11:45:00Z') }), POLICY, NOW).account;
      assert.equal(inside.locked, true);
      assert.equal(inside.lockoutEndsAt?.toISOString(), '2026-11-25T12:15:00.000Z');
      const expired = toDirectoryEntry(raw({ lockoutTime: ft('2026-11-25T11:00:00Z') }), POLICY, NOW).account;
      assert.equal(expired.locked, false);
      const forever = toDirectoryEntry(raw({ lockoutTime: ft('2026-11-01T00:00:00Z') }), { lockoutDuration: '0' }, NOW).account;
      assert.equal(forever.locked, true, 'lockoutDuration 0: until an administrator unlocks');
      assert.equal(forever.lockoutEndsAt, undefined);
      assert.equal(toDirectoryEntry(raw({ lockoutTime: '0' }), POLICY, NOW).account.locked, false);
    });

    it('pwdLastSet = 0 means must change; otherwise the date', () => {
      const must = toDirectoryEntry(raw({ pwdLastSet: '0', 'msDS-UserPasswordExpiryTimeComputed': '0' }), POLICY, NOW).account;
      assert.equal(must.passwordMustChange, true);
      assert.equal(must.passwordLastSet, undefined);
      assert.equal(must.passwordExpiresAt, undefined);
      assert.equal(must.passwordExpired, false);
      const set = toDirectoryEntry(raw({ pwdLastSet: ft('2026-11-20T00:00:00Z') }), POLICY, NOW).account;
      assert.equal(set.passwordMustChange, false);
      assert.equal(set.passwordLastSet?.toISOString(), '2026-11-20T00:00:00.000Z');
    });

    it('password expiry: computed attribute, else pwdLastSet + maxPwdAge, none with DONT_EXPIRE_PASSWORD', () => {
      const computed = toDirectoryEntry(
        raw({ pwdLastSet: ft('2026-11-20T00:00:00Z'), 'msDS-UserPasswordExpiryTimeComputed': ft('2026-12-01T00:00:00Z') }),
        POLICY,
        NOW,
      ).account;
      assert.equal(computed.passwordExpiresAt?.toISOString(), '2026-12-01T00:00:00.000Z');
      const never = toDirectoryEntry(
        raw({ pwdLastSet: ft('2026-11-20T00:00:00Z'), 'msDS-UserPasswordExpiryTimeComputed': '9223372036854775807' }),
        POLICY,
        NOW,
      ).account;
      assert.equal(never.passwordExpiresAt, undefined);
      const fallback = toDirectoryEntry(raw({ pwdLastSet: ft('2026-10-01T00:00:00Z') }), POLICY, NOW).account;
      assert.equal(fallback.passwordExpiresAt?.toISOString(), '2026-11-12T00:00:00.000Z');
      assert.equal(fallback.passwordExpired, true);
      const dontExpire = toDirectoryEntry(raw({ userAccountControl: String(512 | 0x10000), pwdLastSet: ft('2026-10-01T00:00:00Z') }), POLICY, NOW).account;
      assert.equal(dontExpire.passwordExpiresAt, undefined);
      assert.equal(dontExpire.passwordExpired, false);
      const noMaxAge = toDirectoryEntry(raw({ pwdLastSet: ft('2026-10-01T00:00:00Z') }), { maxPwdAge: '-9223372036854775808' }, NOW).account;
      assert.equal(noMaxAge.passwordExpiresAt, undefined);
    });

    it('account expiry: 0 and 0x7FFFFFFFFFFFFFFF mean never', () => {
      assert.equal(toDirectoryEntry(raw({ accountExpires: '0' }), POLICY, NOW).account.accountExpiresAt, undefined);
      assert.equal(toDirectoryEntry(raw({ accountExpires: '9223372036854775807' }), POLICY, NOW).account.accountExpiresAt, undefined);
      assert.equal(
        toDirectoryEntry(raw({ accountExpires: ft('2027-01-01T00:00:00Z') }), POLICY, NOW).account.accountExpiresAt?.toISOString(),
        '2027-01-01T00:00:00.000Z',
      );
    });

    it('last logon: the later of lastLogon and lastLogonTimestamp', () => {
      const a = toDirectoryEntry(raw({ lastLogon: ft('2026-11-24T08:00:00Z'), lastLogonTimestamp: ft('2026-11-20T08:00:00Z') }), POLICY, NOW).account;
      assert.equal(a.lastLogon?.toISOString(), '2026-11-24T08:00:00.000Z');
      assert.equal(toDirectoryEntry(raw({ lastLogon: '0' }), POLICY, NOW).account.lastLogon, undefined);
    });
  });
});
