// The raw directory work behind `user <login>`, straight with ldapts and nothing of ours: the entry with
// its memberOf, then its transitive groups level by level with base searches by DN. The bench measures it
// alone, and the framework floor (floor-server.ts) does exactly this work per message.
import { readFileSync } from 'node:fs';
import { AndFilter, Client, EqualityFilter } from 'ldapts';
import { USER_ATTRIBUTES } from '../src/adapters/ldap/ad-entry';

export interface RawLdapTarget {
  readonly url: string;
  readonly bindDN: string;
  readonly bindPassword: string;
  readonly caFile: string;
}

export async function rawPool(target: RawLdapTarget, size: number): Promise<Client[]> {
  const ca = [readFileSync(target.caFile)];
  return Promise.all(
    Array.from({ length: size }, async () => {
      const client = new Client({ url: target.url, timeout: 5000, connectTimeout: 5000, tlsOptions: { ca } });
      await client.bind(target.bindDN, target.bindPassword);
      return client;
    }),
  );
}

const asList = (v: unknown): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String));

async function memberOfOf(client: Client, dn: string): Promise<string[]> {
  const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['memberOf'] });
  return asList(searchEntries[0]?.memberOf);
}

/** Returns the entry and the number of groups found. */
export async function rawUserLookup(client: Client, baseDN: string, login: string): Promise<{ entry: Record<string, unknown>; groups: number }> {
  const { searchEntries } = await client.search(baseDN, {
    scope: 'sub',
    filter: new AndFilter({
      filters: [new EqualityFilter({ attribute: 'objectCategory', value: 'person' }), new EqualityFilter({ attribute: 'sAMAccountName', value: login })],
    }),
    attributes: [...USER_ATTRIBUTES, 'memberOf'],
    sizeLimit: 2,
  });
  const entry = searchEntries[0];
  if (!entry) throw new Error(`no ${login}`);
  const direct = asList(entry.memberOf);
  const seen = new Set(direct.map((d) => d.toLowerCase()));
  let frontier = direct;
  while (frontier.length > 0) {
    const parents = (await Promise.all(frontier.map((dn) => memberOfOf(client, dn)))).flat();
    frontier = parents.filter((dn) => !seen.has(dn.toLowerCase()));
    for (const dn of frontier) seen.add(dn.toLowerCase());
  }
  return { entry, groups: seen.size };
}
