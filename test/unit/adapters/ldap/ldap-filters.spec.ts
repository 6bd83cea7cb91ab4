import assert from 'node:assert/strict';
import { BerReader, BerWriter, EqualityFilter, type Filter, FilterParser, OrFilter, SubstringFilter } from 'ldapts';
import {
  asciiFold,
  exactSearchFilter,
  foldedNameCandidatesFilter,
  foldedNameMatches,
  groupNameFilter,
  isPhoneLike,
  MAX_QUERY_LENGTH,
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
      for (const q of [...HOSTILE, 'x'.repeat(MAX_QUERY_LENGTH)]) {
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
          '(proxyAddresses=smtp:smith)(displayName=smith*)(givenName=smith*)(sn=smith*)' +
          '(sAMAccountName=*smith*)(mail=*smith*)))',
      );
    });

    it('what an agent hears: ASCII spellings inside logins and mail, several words as a mail prefix', () => {
      const muller = searchFilter('Müller').toString();
      assert.ok(muller.includes('(sn=Müller*)') && muller.includes('(sAMAccountName=*muller*)') && muller.includes('(mail=*muller*)'), muller);
      assert.ok(searchFilter('Zoe Muller').toString().includes('(mail=zoe.muller*)'));
      assert.ok(!searchFilter('Zo').toString().includes('*zo*'), 'two letters are not looked for inside logins');
      assert.ok(!searchFilter('*').toString().includes('=***'), 'filter syntax is never folded into a term');
      assert.equal(asciiFold('Zoë Müller, Strauß, Ångström'), 'Zoe Muller, Strauss, Angstrom');
    });

    it('a proxy address as the card shows it ("smtp:…", "sip:…") is matched as an address', () => {
      assert.equal(
        searchFilter('smtp:john.doe@corp.example.test').toString(),
        '(&(objectCategory=person)(objectClass=user)(|(sAMAccountName=john.doe@corp.example.test)' +
          '(userPrincipalName=john.doe@corp.example.test)(mail=john.doe@corp.example.test)' +
          '(proxyAddresses=smtp:john.doe@corp.example.test)))',
      );
      assert.ok(searchFilter('sip:john.doe@corp.example.test').toString().includes('(proxyAddresses=sip:john.doe@corp.example.test)'));
      assert.ok(exactSearchFilter('X500:/o=Org/cn=jdoe').toString().includes('(proxyAddresses=X500:/o=Org/cn=jdoe)'));
      assert.equal(mayBeName('sip:john.doe'), false);
      assert.equal(mayBeName('Re: John'), true, 'a colon followed by a space is not an address type');
    });

    it('the filter is bounded whatever the query: few terms, at most 15 digit parts per phone attribute', () => {
      const queries = [
        '1'.repeat(MAX_QUERY_LENGTH),
        '5'.repeat(15),
        '+1 (555) 0130-1234-5678',
        '1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9',
        'Zoë Müller '.repeat(23),
        'x'.repeat(MAX_QUERY_LENGTH),
        'a.b '.repeat(64),
      ];
      for (const q of queries) {
        const f = searchFilter(q);
        const parts = leaves(f).reduce((n, l) => n + (l instanceof SubstringFilter ? l.any.length + (l.initial ? 1 : 0) : 1), 0);
        assert.ok(parts <= 40, `${q.slice(0, 20)}…: ${parts} parts`);
        assert.ok(f.toString().length <= 12 * MAX_QUERY_LENGTH, `${q.slice(0, 20)}…: ${f.toString().length} characters`);
      }
      // Before: one part per digit, however many were typed (a 10 kB query → a filter of ~20,000 parts).
      assert.equal(isPhoneLike('5'.repeat(16)), false, 'more digits than any phone number: no phone search');
      assert.equal(isSearchable('5'.repeat(10_240)), false, 'a 10 kB query is not sent at all');
      assert.equal(isSearchable('x'.repeat(MAX_QUERY_LENGTH + 1)), false);
    });

    it('group names: cn or sAMAccountName, escaped', () => {
      assert.equal(
        groupNameFilter('Helpdesk Supervisors*)(').toString(),
        '(&(objectClass=group)(|(cn=Helpdesk Supervisors\\2a\\29\\28)(sAMAccountName=Helpdesk Supervisors\\2a\\29\\28)))',
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

    it('a phone-like query (7 to 15 digits): exact logins, phones as typed or by their digits in order', () => {
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
      for (const q of ['+1 555 0111', '15550111', '(555) 011-1', '555.0111', '555-0130', '555 0199', '5550130']) assert.equal(isPhoneLike(q), true, q);
      for (const q of ['jdoe', '555', '0111', '555 01', '+1 555 0111 x2', 'O\'Brien', '12a4', '1'.repeat(16)]) assert.equal(isPhoneLike(q), false, q);
      assert.equal(phoneDigits('+1 (555) 011-1'), '15550111');
    });

    it('phoneMatches: the number ends with the query\'s 7+ digits, or a login must match exactly', () => {
      const entry = { sAMAccountName: 'jdoe', phones: ['+1 555 0111', '+1 555 0199'] };
      assert.equal(phoneMatches('15550111', entry), true);
      assert.equal(phoneMatches('1-555-0199', entry), true);
      assert.equal(phoneMatches('5550111', entry), true, 'the last 7 digits suffice');
      assert.equal(phoneMatches('555 0199', entry), true);
      assert.equal(phoneMatches('550111', entry), false, 'six digits are not enough');
      assert.equal(phoneMatches('5550110', entry), false);
      assert.equal(phoneMatches('25550111', entry), false, 'a longer number is another number');
      assert.equal(phoneMatches('15501011', entry), false, 'same digits in another order');
      assert.equal(phoneMatches('4242', { sAMAccountName: '4242', phones: [] }), true);
    });
  });

  describe('names without accents (the folded name search)', () => {
    it('candidates: a prefix term per accented form of the first letter on displayName, givenName and sn; nothing for non-names', () => {
      const text = foldedNameCandidatesFilter('garcia')?.toString() ?? '';
      for (const form of ['g', 'ĝ', 'ğ', 'ġ', 'ģ']) for (const a of ['displayName', 'givenName', 'sn']) assert.ok(text.includes(`(${a}=${form}*)`), `${a}=${form}*`);
      assert.ok(!text.includes('garcia'), 'the rest of the name is compared here, folded, not by the DC');
      assert.ok((foldedNameCandidatesFilter('elise')?.toString() ?? '').includes('(sn=é*)'), 'é (and so É) is a form of e');
      for (const q of ['g', 'j.doe', 'x1', 'a@b', '*', 'g*)(sn=*', '']) assert.equal(foldedNameCandidatesFilter(q), undefined, q);
    });

    it('matches a name that starts with the query once both are folded', () => {
      assert.ok(foldedNameMatches('garcia', ['Élise García López']) === false);
      assert.ok(foldedNameMatches('garcia', [undefined, 'García López']));
      assert.ok(foldedNameMatches('Elise  Garcia', ['Élise García López']));
      assert.ok(foldedNameMatches('élise', ['Elise']));
      assert.ok(!foldedNameMatches('garciax', ['García']));
    });
  });
});
