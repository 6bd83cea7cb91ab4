// Transitive group membership, two ways with the same answer (every group reachable through
// member links; like AD's own rule, the primary group "Domain Users" is not one of them):
//
// - 'member-of': read the entry's memberOf, then the memberOf of each group found, level by level,
//   with base searches (cheap, by DN) sent together on one connection. A few milliseconds per user;
//   the round trips are the nesting depth + 1.
// - 'in-chain': one subtree search with LDAP_MATCHING_RULE_IN_CHAIN. One round trip, but the DC
//   evaluates the chain for every group in the domain: on Samba with ~260 groups it costs ~45 ms
//   of DC CPU per call (vs ~0.7 ms), which caps a 2-core DC at a few dozen lookups per second.
import { type Client, type Entry, InvalidDNSyntaxError, NoSuchObjectError } from 'ldapts';
import type { GroupRef } from '../../domain/directory-user';
import { Attributes, type RawEntry } from './ad-entry';
import { firstRdnValue } from './dn';
import { groupNameFilter, transitiveGroupsFilter } from './ldap-filters';

export type GroupLookup = 'member-of' | 'in-chain';

/** Deeper nesting than this is a loop or a mistake; stop rather than run on. */
const MAX_DEPTH = 32;

/** A group's name is its CN, which is the first RDN of its DN: no lookup needed. */
function groupRef(dn: string): GroupRef {
  return { id: dn, name: firstRdnValue(dn) ?? dn };
}

/** memberOf of one entry; none when it does not exist (an unknown or malformed DN has no groups). */
async function memberOf(client: Client, dn: string, timeLimit: number): Promise<string[]> {
  try {
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['memberOf'], timeLimit });
    const entry = searchEntries[0];
    return entry === undefined ? [] : new Attributes(entry as RawEntry).all('memberOf');
  } catch (e) {
    if (e instanceof NoSuchObjectError || e instanceof InvalidDNSyntaxError) return [];
    throw e;
  }
}

/** `direct`: the entry's memberOf when it was read with the entry; the walk then starts from those groups. */
export async function memberOfWalk(client: Client, dn: string, timeLimit: number, direct?: readonly string[]): Promise<GroupRef[]> {
  const seen = new Set([dn.toLowerCase()]); // DNs compare case-insensitively
  const found: string[] = []; // group DNs, in the order found
  const fresh = (dns: readonly string[]): string[] => {
    const out: string[] = [];
    for (const groupDn of dns) {
      const key = groupDn.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(groupDn);
    }
    found.push(...out);
    return out;
  };
  const groups: GroupRef[] = [];
  const nameFound = () => {
    for (let i = groups.length; i < found.length; i++) groups.push(groupRef(found[i] as string));
  };
  let frontier = direct === undefined ? [dn] : fresh(direct);
  for (let depth = 0; frontier.length > 0 && depth < MAX_DEPTH; depth++) {
    const parents = Promise.all(frontier.map((f) => memberOf(client, f, timeLimit)));
    nameFound(); // while the DC answers
    frontier = fresh((await parents).flat());
  }
  nameFound();
  return groups;
}

export async function inChainGroups(client: Client, baseDN: string, dn: string, timeLimit: number): Promise<GroupRef[]> {
  const { searchEntries } = await client.search(baseDN, {
    scope: 'sub',
    filter: transitiveGroupsFilter(dn),
    attributes: ['cn'],
    // Paged so that a user in more groups than the DC's MaxPageSize (AD: 1000) still gets all.
    paged: { pageSize: 1000 },
    timeLimit,
  });
  return searchEntries.map((e: Entry) => ({ id: e.dn, name: new Attributes(e as RawEntry).first('cn') ?? groupRef(e.dn).name }));
}

/** Looks like a DN ("CN=Helpdesk Supervisors,OU=…"), not a name: a DN is taken as the group itself. */
export function isDn(value: string): boolean {
  return /^\s*[a-z][a-z0-9-]*\s*=[^,]*[^\\],\s*[a-z][a-z0-9-]*\s*=/i.test(value);
}

/**
 * The groups a configured name or DN can mean, with their primaryGroupToken (the RID a user's
 * primaryGroupID names; a constructed attribute, so read with a base search). Names are searched in
 * the whole domain (`domainDN`), not only under the base DN: a same-named copy anywhere must be seen.
 */
export async function groupsNamed(client: Client, domainDN: string, name: string, timeLimit: number): Promise<GroupRef[]> {
  let dns: string[];
  if (isDn(name)) {
    dns = [name.trim()];
  } else {
    const { searchEntries } = await client.search(domainDN, {
      scope: 'sub',
      filter: groupNameFilter(name),
      attributes: ['1.1'],
      paged: { pageSize: 100 },
      timeLimit,
    });
    dns = searchEntries.map((e) => e.dn);
  }
  const groups = await Promise.all(dns.map((dn) => groupEntry(client, dn, timeLimit)));
  return groups.filter((g): g is GroupRef => g !== undefined);
}

/** A group by its DN, as the DC spells it, or undefined when there is no such group. */
async function groupEntry(client: Client, dn: string, timeLimit: number): Promise<GroupRef | undefined> {
  try {
    const { searchEntries } = await client.search(dn, {
      scope: 'base',
      filter: '(objectClass=group)',
      attributes: ['distinguishedName', 'cn', 'primaryGroupToken'],
      timeLimit,
    });
    const entry = searchEntries[0];
    if (entry === undefined) return undefined;
    const a = new Attributes(entry as RawEntry);
    const id = a.first('distinguishedName') ?? entry.dn;
    const token = a.int('primaryGroupToken');
    return { id, name: a.first('cn') ?? groupRef(id).name, ...(token !== undefined ? { primaryGroupToken: token } : {}) };
  } catch (e) {
    if (e instanceof NoSuchObjectError || e instanceof InvalidDNSyntaxError) return undefined;
    throw e;
  }
}
