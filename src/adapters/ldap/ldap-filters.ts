// The LDAP filters the adapter sends, built from ldapts filter objects. ldapts encodes a filter
// object straight into BER, so a value is sent as an opaque octet string and can never be read as
// filter syntax; `toString()` renders the same filter with RFC 4515 escaping (\2a \28 \29 \5c \00),
// which the unit tests check. No filter is ever assembled from strings here.
import { AndFilter, EqualityFilter, ExtensibleFilter, type Filter, OrFilter, SubstringFilter } from 'ldapts';

/** LDAP_MATCHING_RULE_IN_CHAIN: transitive membership, evaluated by the DC. */
export const IN_CHAIN_RULE = '1.2.840.113556.1.4.1941';

/** Only people's user accounts (not computers, which are also objectClass=user). */
function userObjects(inner: Filter): Filter {
  return new AndFilter({
    filters: [
      new EqualityFilter({ attribute: 'objectCategory', value: 'person' }),
      new EqualityFilter({ attribute: 'objectClass', value: 'user' }),
      inner,
    ],
  });
}

function equals(attribute: string, value: string): Filter {
  return new EqualityFilter({ attribute, value });
}

function startsWith(attribute: string, value: string): Filter {
  return new SubstringFilter({ attribute, initial: value });
}

/** The login forms: sAMAccountName, UPN or primary mail, exactly (AD compares case-insensitively). */
function loginTerms(login: string): Filter[] {
  return [equals('sAMAccountName', login), equals('userPrincipalName', login), equals('mail', login)];
}

/**
 * Queries nothing can match: empty, or containing control characters (no searchable attribute
 * holds one, and a NUL could be cut short by a C server into a shorter, matching value).
 */
export function isSearchable(query: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  return query.trim() !== '' && !/[\u0000-\u001f\u007f]/.test(query);
}

/** Digits of a phone number: "+1 (555) 011-1" → "15550111". */
export function phoneDigits(value: string): string {
  return value.replace(/\D/g, '');
}

/** A query that looks like a phone number: only digits and + ( ) - . / space, at least 4 digits. */
export function isPhoneLike(query: string): boolean {
  return /^[\d\s+().\-/]+$/.test(query) && phoneDigits(query).length >= 4;
}

/**
 * The exact part of a search: sAMAccountName, UPN, mail or any SMTP address (proxyAddresses) equal
 * to the query. All indexed equality terms: cheap for the DC.
 */
export function exactSearchFilter(query: string): Filter {
  const q = query.trim();
  return userObjects(new OrFilter({ filters: [...loginTerms(q), equals('proxyAddresses', `smtp:${q}`)] }));
}

/** Whether a name prefix can match at all: an address or a phone number is not a name. */
export function mayBeName(query: string): boolean {
  const q = query.trim();
  return !q.includes('@') && !isPhoneLike(q);
}

/**
 * Free-text user search. A name-like query: exact sAMAccountName / UPN / mail / any SMTP address,
 * or a prefix of displayName / givenName / sn. A query with an '@': the exact terms only. A phone-like query: exact login forms, or
 * telephoneNumber / mobile equal as typed, or containing its digits in order (AD compares phone
 * numbers as plain strings, spaces included); the adapter then keeps only numbers whose digits
 * equal the query's digits (see `phoneMatches`), so "+1 555 0111", "1-555-0111" and "15550111"
 * all find the same user.
 */
export function searchFilter(query: string): Filter {
  const q = query.trim();
  if (q.includes('@')) {
    // An address: names hold no '@', and leaving out the prefix terms spares the DC a scan
    // (prefix matches cannot use an index on Samba: ~4× the cost of an indexed equality).
    return exactSearchFilter(q);
  }
  if (isPhoneLike(q)) {
    const digits = phoneDigits(q).split('');
    const phone = (attribute: string): Filter[] => [
      equals(attribute, q),
      new SubstringFilter({ attribute, any: digits }),
    ];
    return userObjects(new OrFilter({ filters: [...loginTerms(q), ...phone('telephoneNumber'), ...phone('mobile')] }));
  }
  return userObjects(
    new OrFilter({
      filters: [
        ...loginTerms(q),
        equals('proxyAddresses', `smtp:${q}`), // matches SMTP: too: AD compares case-insensitively
        startsWith('displayName', q),
        startsWith('givenName', q),
        startsWith('sn', q),
      ],
    }),
  );
}

/** For a phone-like query: does this entry's login or phone number really match? */
export function phoneMatches(
  query: string,
  entry: { sAMAccountName?: string; userPrincipalName?: string; mail?: string; phones: readonly string[] },
): boolean {
  const q = query.trim().toLowerCase();
  const logins = [entry.sAMAccountName, entry.userPrincipalName, entry.mail];
  if (logins.some((l) => l !== undefined && l.toLowerCase() === q)) return true;
  const digits = phoneDigits(q);
  return entry.phones.some((p) => p.trim().toLowerCase() === q || phoneDigits(p) === digits);
}

/** Exactly one login: sAMAccountName, UPN or mail. */
export function loginFilter(login: string): Filter {
  return userObjects(new OrFilter({ filters: loginTerms(login.trim()) }));
}

/** Every group the entry with this DN belongs to, directly or through nested groups. */
export function transitiveGroupsFilter(dn: string): Filter {
  return new AndFilter({
    filters: [
      new EqualityFilter({ attribute: 'objectClass', value: 'group' }),
      new ExtensibleFilter({ matchType: 'member', rule: IN_CHAIN_RULE, value: dn }),
    ],
  });
}
