import assert from 'node:assert/strict';
import { BerReader, BerWriter, EqualityFilter, type Filter, FilterParser, OrFilter, SubstringFilter } from 'ldapts';
import {
  exactSearchFilter,
  isPhoneLike,
  mayBeName,
  isSearchable,
  loginFilter,
  phoneDigits,
  phoneMatches,
  searchFilter,
  transitiveGroupsFilter,
} from '../../../../src/adapters/ldap/ldap-filters';

const HOSTILE = ['*', 'jd*', ')(', '*)(objectClass=*', '\\', '\\2a', 'a)(|(sAMAccountName=*', "O'Brien", 'Zoë (ext)'];

/** The value-bearing leaves of a filter tree. */
function leaves(f: Filter): Filter[] {
  const children = (f as { filters?: Filter[] }).filters;
  return children ? children.flatMap(leaves) : [f];
}

/** Encodes the filter as ldapts sends it, and parses it back from BER. */
function berRoundTrip(f: Filter): Filter {
  const writer = new BerWriter();
  f.write(writer);
  return FilterParser.parse(new BerReader(writer.buffer));
}

describe('LDAP filters', () => {
  describe('escaping (RFC 4515)', () => {
    it('renders every special character of a value escaped', () => {
      const text = searchFilter('*)(objectClass=*\\\u0000').toString();
      assert.ok(text.includes('(sAMAccountName=\\2a\\29\\28objectClass=\\2a\\5c\\00)'), text);
      assert.ok(text.includes('(displayName=\\2a\\29\\28objectClass=\\2a\\5c\\00*)'), text);
      // Only the real filter structure is left unescaped.
      assert.equal(text.split('(objectClass=').length - 1, 1, 'one real objectClass term (the user-object guard)');
    });

    it('keeps each hostile value whole: parsing the rendered filter gives the same values back', () => {
      for (const q of HOSTILE) {
        const parsed = FilterParser.parseString(searchFilter(q).toString());
        const values = leaves(parsed).map((l) => (l instanceof SubstringFilter ? l.initial : (l as EqualityFilter).value));
        assert.ok(values.includes(q), `${q}: ${JSON.stringify(values)}`);
        assert.ok(values.includes(`smtp:${q}`), q);
      }
      for (const q of ['*@*', 'a@b)(mail=*']) {
        const parsed = FilterParser.parseString(searchFilter(q).toString());
        assert.ok(leaves(parsed).some((l) => (l as EqualityFilter).value === q), q);
      }
    });

    it('sends values as opaque BER octets: the encoded filter decodes to the same values', () => {
      for (const q of [...HOSTILE, 'x'.repeat(10_240)]) {
        const decoded = berRoundTrip(searchFilter(q));
        const eq = leaves(decoded).find((l) => l instanceof EqualityFilter && l.attribute.toLowerCase() === 'samaccountname');
        assert.equal((eq as EqualityFilter).value, q);
      }
    });

    it('groups filter: the DN is a value, escaped, with the in-chain rule', () => {
      const dn = 'CN=Evil)(cn=*,CN=Users,DC=corp';
      const text = transitiveGroupsFilter(dn).toString();
      assert.equal(text, '(&(objectClass=group)(member:1.2.840.113556.1.4.1941:=CN=Evil\\29\\28cn=\\2a,CN=Users,DC=corp))');
    });
  });

  describe('searchFilter', () => {
    it('only ever matches people: the user-object guard wraps every query', () => {
      for (const q of ['jdoe', '+1 555 0111', '*']) {
        const text = searchFilter(q).toString();
        assert.ok(text.startsWith('(&(objectCategory=person)(objectClass=user)(|'), text);
      }
    });

    it('a name-like query: exact logins and SMTP address, prefixes of names', () => {
      assert.equal(
        searchFilter('  smith ').toString(),
        '(&(objectCategory=person)(objectClass=user)(|(sAMAccountName=smith)(userPrincipalName=smith)(mail=smith)' +
          '(proxyAddresses=smtp:smith)(displayName=smith*)(givenName=smith*)(sn=smith*)))',
      );
    });

    it('an address (with @): exact logins and SMTP address only, no name prefixes', () => {
      assert.equal(
        searchFilter('john.doe@corp.example.test').toString(),
        '(&(objectCategory=person)(objectClass=user)(|(sAMAccountName=john.doe@corp.example.test)' +
          '(userPrincipalName=john.doe@corp.example.test)(mail=john.doe@corp.example.test)' +
          '(proxyAddresses=smtp:john.doe@corp.example.test)))',
      );
    });

    it('the exact phase: logins and SMTP address only', () => {
      assert.equal(
        exactSearchFilter(' jdoe ').toString(),
        '(&(objectCategory=person)(objectClass=user)(|(sAMAccountName=jdoe)(userPrincipalName=jdoe)(mail=jdoe)' +
          '(proxyAddresses=smtp:jdoe)))',
      );
      assert.equal(mayBeName('jdoe'), true);
      assert.equal(mayBeName('John Doe'), true);
      assert.equal(mayBeName('jdoe@corp.example.test'), false);
      assert.equal(mayBeName('+1 555 0111'), false);
    });

    it('a phone-like query: exact logins, phones as typed or by their digits in order', () => {
      const text = searchFilter('+1 555-0111').toString();
      assert.ok(text.includes('(telephoneNumber=+1 555-0111)'), text);
      assert.ok(text.includes('(telephoneNumber=*1*5*5*5*0*1*1*1*)'), text);
      assert.ok(text.includes('(mobile=*1*5*5*5*0*1*1*1*)'), text);
      assert.ok(!text.includes('displayName'), text);
    });

    it('loginFilter: exact sAMAccountName, UPN or mail', () => {
      assert.equal(
        loginFilter('jdoe@corp.example.test').toString(),
        '(&(objectCategory=person)(objectClass=user)(|(sAMAccountName=jdoe@corp.example.test)' +
          '(userPrincipalName=jdoe@corp.example.test)(mail=jdoe@corp.example.test)))',
      );
      assert.ok(loginFilter('j*').toString().includes('(sAMAccountName=j\\2a)'));
    });

    it('is built from filter objects only', () => {
      const or = (searchFilter('x') as unknown as { filters: Filter[] }).filters[2];
      assert.ok(or instanceof OrFilter);
    });
  });

  describe('query classification', () => {
    it('refuses empty queries and control characters', () => {
      assert.equal(isSearchable('jdoe'), true);
      assert.equal(isSearchable('Zoë'), true);
      for (const q of ['', '   ', 'jdoe\u0000', '\u0000', 'a\nb', 'tab\there', '\u007f']) assert.equal(isSearchable(q), false, JSON.stringify(q));
    });

    it('recognises phone numbers', () => {
      for (const q of ['+1 555 0111', '15550111', '(555) 011-1', '555.0111', '0111']) assert.equal(isPhoneLike(q), true, q);
      for (const q of ['jdoe', '555', '+1 555 0111 x2', 'O\'Brien', '12a4']) assert.equal(isPhoneLike(q), false, q);
      assert.equal(phoneDigits('+1 (555) 011-1'), '15550111');
    });

    it('phoneMatches: digits must be equal, or a login must match exactly', () => {
      const entry = { sAMAccountName: 'jdoe', phones: ['+1 555 0111', '+1 555 0199'] };
      assert.equal(phoneMatches('15550111', entry), true);
      assert.equal(phoneMatches('1-555-0199', entry), true);
      assert.equal(phoneMatches('5550111', entry), false, 'no partial numbers');
      assert.equal(phoneMatches('15501011', entry), false, 'same digits in another order');
      assert.equal(phoneMatches('4242', { sAMAccountName: '4242', phones: [] }), true);
    });
  });
});
