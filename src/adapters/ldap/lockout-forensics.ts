// `lockout <user>` on Active Directory: every DC of the domain (its nTDSDSA objects in the configuration
// partition), each read on a connection of its own — badPwdCount, badPasswordTime and lastLogon are kept per
// DC and never replicated — and the DC and time at which lockoutTime was written, from the replication
// metadata (msDS-ReplAttributeMetaData where the server offers it, as AD does; else the binary
// replPropertyMetaData, as Samba returns it).
import type { ConnectionOptions } from 'node:tls';
import { AndFilter, Client, EqualityFilter, OrFilter, type Entry } from 'ldapts';
import type { DcLogonState, LockoutForensics, LockoutOrigin } from '../../ports/directory.port';
import type { Logger } from '../../ports/logger.port';
import { Attributes, type RawEntry } from './ad-entry';
import { fileTimeToDate } from './ad-time';
import { guidText, LOCKOUT_TIME_ATTID, originFromReplAttributeMetaData, originFromReplPropertyMetaData } from './repl-metadata';

export interface DomainController {
  readonly hostName: string;
  readonly invocationId: string;
}

export interface PerDcReader {
  /** The URL the adapter was configured with: its scheme and port are used for every DC. */
  readonly url: string;
  readonly bindDN: string;
  readonly bindPassword: string;
  readonly tls: ConnectionOptions;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Tests (and sites whose DC names are not what clients reach): the URL of a DC by its host name. */
  readonly dcUrl?: (hostName: string) => string | undefined;
}

const PER_DC = ['badPwdCount', 'badPasswordTime', 'lastLogon', 'lockoutTime'] as const;

/** The DCs holding this domain, from the configuration partition (one search). */
export async function domainControllers(c: Client, timeLimit: number): Promise<DomainController[]> {
  const root = await c.search('', { scope: 'base', attributes: ['configurationNamingContext', 'defaultNamingContext'] });
  const rootAttrs = new Attributes((root.searchEntries[0] ?? { dn: '' }) as RawEntry);
  const config = rootAttrs.first('configurationNamingContext');
  const domain = rootAttrs.first('defaultNamingContext');
  if (!config || !domain) return [];
  const filter = new AndFilter({
    filters: [
      new EqualityFilter({ attribute: 'objectClass', value: 'nTDSDSA' }),
      new OrFilter({ filters: [new EqualityFilter({ attribute: 'msDS-HasDomainNCs', value: domain }), new EqualityFilter({ attribute: 'hasMasterNCs', value: domain })] }),
    ],
  });
  const { searchEntries } = await c.search(`CN=Sites,${config}`, { scope: 'sub', filter, attributes: ['invocationId'], explicitBufferAttributes: ['invocationId'], timeLimit });
  const dcs: DomainController[] = [];
  for (const e of searchEntries) {
    // The nTDSDSA's parent is the DC's server object, which names its host.
    const serverDn = e.dn.slice(e.dn.indexOf(',') + 1);
    const server = await c.search(serverDn, { scope: 'base', attributes: ['dNSHostName'], timeLimit });
    const hostName = new Attributes((server.searchEntries[0] ?? { dn: '' }) as RawEntry).first('dNSHostName');
    const id = e.invocationId;
    const invocationId = Buffer.isBuffer(id) ? guidText(id) : Array.isArray(id) && Buffer.isBuffer(id[0]) ? guidText(id[0]) : '';
    if (hostName) dcs.push({ hostName: hostName.toLowerCase(), invocationId });
  }
  return dcs.sort((a, b) => a.hostName.localeCompare(b.hostName));
}

/** Where lockoutTime was written, as this DC knows it (a DC that has not yet received the lockout names an older write). */
export async function lockoutOrigin(c: Client, dn: string, dcs: readonly DomainController[], timeLimit: number): Promise<LockoutOrigin | undefined> {
  const { searchEntries } = await c.search(dn, {
    scope: 'base', attributes: ['msDS-ReplAttributeMetaData', 'replPropertyMetaData'], explicitBufferAttributes: ['replPropertyMetaData'], timeLimit,
  });
  const entry = searchEntries[0] as Entry | undefined;
  if (!entry) return undefined;
  const text = new Attributes(entry as RawEntry).all('msDS-ReplAttributeMetaData');
  const blob = [entry.replPropertyMetaData].flat()[0];
  const found = text.length > 0
    ? withSource(originFromReplAttributeMetaData(text, 'lockoutTime'), 'msDS-ReplAttributeMetaData')
    : Buffer.isBuffer(blob) ? withSource(originFromReplPropertyMetaData(blob, LOCKOUT_TIME_ATTID), 'replPropertyMetaData') : undefined;
  if (!found) return undefined;
  const dc = dcs.find((d) => d.invocationId === found.invocationId)?.hostName;
  return { ...found, ...(dc ? { dc } : {}) };
}

function withSource<T extends object>(o: T | undefined, from: LockoutOrigin['from']): (T & { from: LockoutOrigin['from'] }) | undefined {
  return o ? { ...o, from } : undefined;
}

/** One DC's own counters for the user, on a connection of its own; an unreachable DC says so instead of failing the answer. */
export async function readOnDc(reader: PerDcReader, dcs: readonly DomainController[], hostName: string, dn: string): Promise<DcLogonState & { origin?: LockoutOrigin }> {
  const port = new URL(reader.url).port || '636';
  const url = reader.dcUrl?.(hostName) ?? `ldaps://${hostName}:${port}`;
  const client = new Client({ url, tlsOptions: reader.tls, timeout: reader.timeoutMs, connectTimeout: reader.timeoutMs });
  try {
    await client.bind(reader.bindDN, reader.bindPassword);
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes: [...PER_DC], timeLimit: Math.max(1, Math.ceil(reader.timeoutMs / 1000)) });
    const a = new Attributes((searchEntries[0] ?? { dn }) as RawEntry);
    const time = (name: string) => fileTimeToDate(a.first(name));
    const state: DcLogonState = { dc: hostName, reachable: true, badPwdCount: a.int('badPwdCount') ?? 0 };
    const bad = time('badPasswordTime');
    const logon = time('lastLogon');
    const locked = time('lockoutTime');
    const origin = await lockoutOrigin(client, dn, dcs, Math.max(1, Math.ceil(reader.timeoutMs / 1000)));
    return { ...state, ...(origin ? { origin } : {}), ...(bad ? { badPasswordTime: bad } : {}), ...(logon ? { lastLogon: logon } : {}), ...(locked ? { lockoutTime: locked } : {}) };
  } catch (e) {
    reader.logger.warn({ dc: hostName, err: e instanceof Error ? e.message : String(e) }, 'a domain controller could not be read for lockout forensics');
    return { dc: hostName, reachable: false };
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/**
 * Every DC's own view, and the newest origin any of them knows: the lockout reaches the other DCs by
 * replication seconds (sometimes minutes) later, so the DC it happened on knows it first.
 */
export async function forensicsOf(reader: PerDcReader, dcs: readonly DomainController[], dn: string): Promise<LockoutForensics> {
  const read = await Promise.all(dcs.map((d) => readOnDc(reader, dcs, d.hostName, dn)));
  let origin: LockoutOrigin | undefined;
  const states = read.map(({ origin: o, ...state }) => {
    if (o && (!origin || o.at > origin.at)) origin = o;
    return state;
  });
  return { dcs: states, ...(origin ? { origin } : {}) };
}
