// The LDAP filters the adapter sends, built from ldapts filter objects. ldapts encodes a filter
// object straight into BER, so a value is sent as an opaque octet string and can never be read as
// filter syntax; `toString()` renders the same filter with RFC 4515 escaping (\2a \28 \29 \5c \00),
// which the unit tests check. No filter is ever assembled from strings here.
import { AndFilter, EqualityFilter, ExtensibleFilter, type Filter, GreaterThanEqualsFilter, LessThanEqualsFilter, NotFilter, OrFilter, SubstringFilter } from 'ldapts';

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

/** Longer than any name, address or number an agent types: such a query is not sent to the DC. */
export const MAX_QUERY_LENGTH = 256;
/** A phone search needs this many digits (the number's last digits suffice)… */
export const MIN_PHONE_DIGITS = 7;
/** …and at most this many (E.164: 15 digits), which bounds the filter: one part per digit. */
export const MAX_PHONE_DIGITS = 15;
/** Shortest query matched inside logins and mail addresses ("muller" in zoe.muller@…). */
const MIN_CONTAINED = 3;

/**
 * Queries nothing can match: empty, too long, or containing control characters (no searchable
 * attribute holds one, and a NUL could be cut short by a C server into a shorter, matching value).
 */
export function isSearchable(query: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  return query.trim() !== '' && query.length <= MAX_QUERY_LENGTH && !/[\u0000-\u001f\u007f]/.test(query);
}

/** Digits of a phone number: "+1 (555) 011-1" → "15550111". */
export function phoneDigits(value: string): string {
  return value.replace(/\D/g, '');
}

/** A query that looks like a phone number: only digits and + ( ) - . / space, 7 to 15 digits. */
export function isPhoneLike(query: string): boolean {
  const n = phoneDigits(query).length;
  return /^[\d\s+().\-/]+$/.test(query) && n >= MIN_PHONE_DIGITS && n <= MAX_PHONE_DIGITS;
}

/** Letters without their marks, as logins and mail addresses spell them: "Zoë Müller" → "Zoe Muller". */
export function asciiFold(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss');
}

/** "smtp:john.doe@corp…", "SIP:…", "X500:/o=…": a proxy address as the card shows it (type:value). */
const PROXY_ADDRESS = /^([a-z][a-z0-9]{0,15}):(\S.*)$/i;

/**
 * The exact part of a search: sAMAccountName, UPN, mail or any SMTP address (proxyAddresses) equal
 * to the query; a query typed as a proxy address ("smtp:…", "sip:…") also matches it as it is, and
 * an "smtp:" one its address as a login. All indexed equality terms: cheap for the DC.
 */
export function exactSearchFilter(query: string): Filter {
  const q = query.trim();
  const proxy = PROXY_ADDRESS.exec(q);
  const address = proxy?.[1]?.toLowerCase() === 'smtp' && proxy[2] !== undefined ? proxy[2] : q;
  return userObjects(
    new OrFilter({
      filters: [...loginTerms(address), equals('proxyAddresses', `smtp:${address}`), ...(proxy && address === q ? [equals('proxyAddresses', q)] : [])],
    }),
  );
}

/**
 * Logins and mail addresses containing the query folded to ASCII ("muller" → zoe.muller@…, zmuller),
 * and, for several words, mail addresses starting with them joined by dots ("Zoe Muller" →
 * zoe.muller@…). Only for login-like text of a few characters: anything shorter matches too much.
 */
function asciiLoginTerms(query: string): Filter[] {
  const folded = asciiFold(query).toLowerCase();
  const words = folded.split(/\s+/).filter(Boolean);
  if (words.length > 1) {
    return words.every((w) => /^[a-z0-9'-]+$/.test(w)) ? [startsWith('mail', words.join('.'))] : [];
  }
  if (folded.length < MIN_CONTAINED || !/^[a-z0-9._'-]+$/.test(folded)) return [];
  const contains = (attribute: string): Filter => new SubstringFilter({ attribute, any: [folded] });
  return [contains('sAMAccountName'), contains('mail')];
}

/** Whether a name prefix can match at all: an address or a phone number is not a name. */
export function mayBeName(query: string): boolean {
  const q = query.trim();
  return !q.includes('@') && !isPhoneLike(q) && !PROXY_ADDRESS.test(q);
}

/**
 * Free-text user search. A name-like query: exact sAMAccountName / UPN / mail / any SMTP address,
 * a prefix of displayName / givenName / sn, or (folded to ASCII) inside a login or mail. A query with
 * an '@': the exact terms only. A phone-like query (7–15 digits): exact login forms, or
 * telephoneNumber / mobile equal as typed, or containing its digits in order (AD compares phone
 * numbers as plain strings, spaces included); the adapter then keeps only numbers whose digits
 * end with the query's digits (see `phoneMatches`), so "+1 555 0130", "555-0130" and "5550130"
 * all find the same user. The filter's size is bounded: at most MAX_PHONE_DIGITS parts per phone
 * attribute, a dozen terms otherwise, each value at most MAX_QUERY_LENGTH long (isSearchable).
 */
export function searchFilter(query: string): Filter {
  const q = query.trim();
  if (q.includes('@') || PROXY_ADDRESS.test(q)) {
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
        ...asciiLoginTerms(q),
      ],
    }),
  );
}

/**
 * For a phone-like query: does this entry's login or phone number really match? A number matches
 * when its digits end with the query's digits (at least MIN_PHONE_DIGITS, isPhoneLike): agents hear
 * "555 0130" for "+1 555 0130".
 */
export function phoneMatches(
  query: string,
  entry: { sAMAccountName?: string; userPrincipalName?: string; mail?: string; phones: readonly string[] },
): boolean {
  const q = query.trim().toLowerCase();
  const logins = [entry.sAMAccountName, entry.userPrincipalName, entry.mail];
  if (logins.some((l) => l !== undefined && l.toLowerCase() === q)) return true;
  const digits = phoneDigits(q);
  if (digits.length < MIN_PHONE_DIGITS) return false;
  return entry.phones.some((p) => p.trim().toLowerCase() === q || phoneDigits(p).endsWith(digits));
}

// ----------------------------------------------------------------------------- names without accents
//
// AD and Samba compare names accent-sensitively ("garcia*" does not match "García"), and the DC cannot
// fold. So a name-like query also reads a bounded set of candidates, the people whose displayName,
// givenName or sn starts with the query's first letter in any accented form (one indexed prefix term
// per form: about a dozen for a vowel), and keeps those whose name, folded, starts with the folded query.
// The cost: one more search of at most FOLDED_NAME_CANDIDATES entries, made only when the plain search
// left the list short. The limit: where more people than that share the first letter, a folded match
// may be missed (a longer query — "maria garcia" — or the login finds them).

/** How many candidates a folded name search reads at most. */
export const FOLDED_NAME_CANDIDATES = 200;

/** Each lower-case ASCII letter and its accented forms in Latin-1 and Latin Extended-A ("a" → a, à, á, …). */
const LETTER_FORMS: ReadonlyMap<string, readonly string[]> = (() => {
  const forms = new Map<string, string[]>();
  for (let cp = 0x61; cp <= 0x17f; cp++) {
    const ch = String.fromCodePoint(cp);
    const base = asciiFold(ch).toLowerCase();
    if (ch === ch.toLowerCase() && /^[a-z]$/.test(base)) forms.set(base, [...(forms.get(base) ?? []), ch]);
  }
  return forms;
})();

/** A name for folded matching: marks gone, lower case, spaces single. */
export function foldName(value: string): string {
  return asciiFold(value).toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * The candidates of a folded name search, or undefined when the query is not a name of two letters
 * or more (letters, spaces, apostrophes and hyphens only).
 */
export function foldedNameCandidatesFilter(query: string): Filter | undefined {
  const q = foldName(query);
  if (q.length < 2 || !/^[a-z][a-z' -]*$/.test(q)) return undefined;
  const forms = LETTER_FORMS.get(q[0] ?? '') ?? [];
  return userObjects(new OrFilter({ filters: ['displayName', 'givenName', 'sn'].flatMap((a) => forms.map((f) => startsWith(a, f))) }));
}

/** Whether a name starts with the query once both are folded ("garcia" → "García", "maria g" → "María García"). */
export function foldedNameMatches(query: string, names: readonly (string | undefined)[]): boolean {
  const q = foldName(query);
  return names.some((n) => n !== undefined && foldName(n).startsWith(q));
}

/** Exactly one login: sAMAccountName, UPN or mail. */
export function loginFilter(login: string): Filter {
  return userObjects(new OrFilter({ filters: loginTerms(login.trim()) }));
}

/**
 * Groups a configured name may mean: cn or sAMAccountName equal to it (sAMAccountName is unique in a
 * domain, cn is not: the caller refuses a name that several groups answer to).
 */
export function groupNameFilter(name: string): Filter {
  const n = name.trim();
  return new AndFilter({
    filters: [new EqualityFilter({ attribute: 'objectClass', value: 'group' }), new OrFilter({ filters: [equals('cn', n), equals('sAMAccountName', n)] })],
  });
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

/** LDAP_MATCHING_RULE_BIT_AND: a userAccountControl flag, tested by the DC. */
const BIT_AND_RULE = '1.2.840.113556.1.4.803';
const UF_ACCOUNTDISABLE = '2';
const UF_DONT_EXPIRE_PASSWD = '65536';

/** Users whose lockoutTime is set (AD indexes lockoutTime: the DC does not read every user). */
export function lockedOutFilter(): Filter {
  return userObjects(new GreaterThanEqualsFilter({ attribute: 'lockoutTime', value: '1' }));
}

/**
 * Enabled users whose password may expire, set at or before `lastSetBy` (a FILETIME): pwdLastSet = 0
 * ("must change") included, "password never expires" left out.
 */
export function expiringFilter(lastSetBy: string): Filter {
  const flag = (value: string) => new NotFilter({ filter: new ExtensibleFilter({ matchType: 'userAccountControl', rule: BIT_AND_RULE, value }) });
  return userObjects(new AndFilter({
    filters: [new LessThanEqualsFilter({ attribute: 'pwdLastSet', value: lastSetBy }), flag(UF_ACCOUNTDISABLE), flag(UF_DONT_EXPIRE_PASSWD)],
  }));
}
