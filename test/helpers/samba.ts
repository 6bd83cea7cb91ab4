// The real Active Directory the tests run against: a Samba AD DC provisioned by scripts/samba-dc.sh
// into one temporary folder per test run, started once by test/helpers/global-setup.ts.
//
// Test files get the connection with `sambaInfo()` (throws a clear error when the DC was not
// started), the seeded names from USERS / GROUPS / SEED_PASSWORD, and raw ldapts helpers
// (`ldapBindAs`, `adminSearch`, …) to compare the adapter with what the DC really says.
// The state lives in process.env.SAMBA_TEST_DIR (and <dir>/samba.env), so it survives module
// duplication and is inherited by child processes a test spawns.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  Attribute,
  Change,
  Client,
  DN,
  type Entry,
  EqualityFilter,
  ExtensibleFilter,
  type Filter,
  InvalidCredentialsError,
} from 'ldapts';

const run = promisify(execFile);

export const SCRIPT = resolve(__dirname, '../../scripts/samba-dc.sh');
const DIR_PREFIX = 'mypass-samba-';
const ENV_DIR = 'SAMBA_TEST_DIR';

export const REALM = 'CORP.EXAMPLE.TEST';
export const NETBIOS_DOMAIN = 'CORP';
export const MAIL_DOMAIN = 'corp.example.test';
export const BASE_DN = 'DC=corp,DC=example,DC=test';
/** The usual address; a parallel test run may get 127.0.0.2…16 instead: use sambaInfo().url. */
export const DEFAULT_LDAPS_URL = 'ldaps://127.0.0.1:636';
/** Password of every seeded user (not of the admin or the service account). */
export const SEED_PASSWORD = 'Passw0rd!Seed-1';

/** Seeded sAMAccountNames. */
export const USERS = {
  agent: 'hd.agent', // Alice Agent — Helpdesk Agents
  nestedAgent: 'hd.nested', // Nora Nested — Helpdesk Tier1, itself in Helpdesk Agents
  supervisor: 'hd.super', // Sam Supervisor — Helpdesk Supervisors
  domainAdmin: 'it.admin', // Ian Admin — Domain Admins (protected; the service account is denied on it)
  manager: 'mmanager', // Mary Manager — jdoe's manager
  jdoe: 'jdoe', // John Doe — the fully populated one
  jsmith: 'jsmith', // Jane Smith
  jsmithers: 'jsmithers', // James Smithers ("smith" is ambiguous)
  cobrien: 'cobrien', // Conor O'Brien
  zmuller: 'zmuller', // Zoë Müller
  locky: 'locky', // Lucy Locke — lockout / unlock tests
  resetme: 'resetme', // Rita Reset — password reset tests
  manyGroups: 'many.groups', // Manny Groups — in the 200 project groups
  plain: 'plain.user', // Paul Plain — not helpdesk staff
  formerAdmin: 'former.admin', // Fred Former — adminCount=1, in no protected group
  primaryAdmin: 'pg.admin', // Petra Primary — primary group Domain Admins (not in its member list)
  rogue: 'rogue.super', // Rex Rogue — OU=Contractors, in the copy "Helpdesk Supervisors" there
  service: 'svc.helpdesk', // the bot's own bind account
} as const;

export const BENCH_USERS: readonly string[] = Array.from({ length: 20 }, (_, i) => `bench.user${String(i + 1).padStart(2, '0')}`);

export const GROUPS = {
  agents: 'Helpdesk Agents',
  tier1: 'Helpdesk Tier1',
  supervisors: 'Helpdesk Supervisors',
  finance: 'Finance',
  sales: 'Sales',
  engineering: 'Engineering',
  domainAdmins: 'Domain Admins',
} as const;

export const PROJECT_GROUPS: readonly string[] = Array.from(
  { length: 200 },
  (_, i) => `Project Workstream ${String(i + 1).padStart(3, '0')} - Quarterly Regional Coordination Committee`,
);

/** DN of a seeded object named by its CN (users are named "Given Surname"); all live in CN=Users. */
export function seededDn(cn: string): string {
  return `${new DN({ CN: cn }).toString()},CN=Users,${BASE_DN}`;
}

/** DNs of the seeded groups, as the DC spells them in memberOf. */
export const GROUP_DNS = {
  agents: seededDn(GROUPS.agents),
  supervisors: seededDn(GROUPS.supervisors),
  domainAdmins: seededDn(GROUPS.domainAdmins),
  administrators: `CN=Administrators,CN=Builtin,${BASE_DN}`,
  /** A copy of the supervisors' name, made in OU=Contractors (whose manager may create groups). */
  rogueSupervisors: `CN=Helpdesk Supervisors,OU=Contractors,${BASE_DN}`,
} as const;

export interface SambaInfo {
  readonly dir: string;
  readonly pid: number;
  /** ldaps://127.0.0.x:636 */
  readonly url: string;
  readonly baseDN: string;
  /** The bot's delegated service account (svc.helpdesk): read, reset password, unlock. */
  readonly bindDN: string;
  readonly bindPassword: string;
  /** The domain Administrator, for raw checks and set-up only. */
  readonly adminDN: string;
  readonly adminPassword: string;
  /** The CA that issued the DC's certificate. */
  readonly caFile: string;
  /** An unrelated CA: a client trusting only it must refuse the DC. */
  readonly otherCaFile: string;
  readonly realm: string;
  readonly seedPassword: string;
}

function readEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)='(.*)'$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2];
  }
  return out;
}

function infoFromDir(dir: string): SambaInfo {
  const env = readEnvFile(join(dir, 'samba.env'));
  const get = (k: string): string => {
    const v = env[k];
    if (v === undefined) throw new Error(`${dir}/samba.env lacks ${k}`);
    return v;
  };
  return {
    dir,
    pid: Number(get('SAMBA_PID')),
    url: get('SAMBA_URL'),
    baseDN: get('SAMBA_BASE_DN'),
    bindDN: get('SAMBA_SVC_DN'),
    bindPassword: get('SAMBA_SVC_PASSWORD'),
    adminDN: get('SAMBA_ADMIN_DN'),
    adminPassword: get('SAMBA_ADMIN_PASSWORD'),
    caFile: get('SAMBA_CA_FILE'),
    otherCaFile: get('SAMBA_OTHER_CA_FILE'),
    realm: get('SAMBA_REALM'),
    seedPassword: get('SAMBA_SEED_PASSWORD'),
  };
}

/** The program's LDAP_* variables for the running test DC (the bind account is the bot's service account). */
export function sambaEnv(): Record<'LDAP_URL' | 'LDAP_BIND_DN' | 'LDAP_BIND_PASSWORD' | 'LDAP_BASE_DN' | 'LDAP_CA_FILE', string> {
  const info = sambaInfo();
  return { LDAP_URL: info.url, LDAP_BIND_DN: info.bindDN, LDAP_BIND_PASSWORD: info.bindPassword, LDAP_BASE_DN: info.baseDN, LDAP_CA_FILE: info.caFile };
}

/** Connection info of the running test DC; throws (never skips) when global setup did not start it. */
export function sambaInfo(): SambaInfo {
  const dir = process.env[ENV_DIR];
  if (!dir || !existsSync(join(dir, 'samba.env'))) {
    throw new Error(
      'The Samba AD test DC is not running: test/helpers/global-setup.ts starts it when a run includes ' +
        'integration/contract/e2e specs (mocha does this via .mocharc.json). Check the global setup output above.',
    );
  }
  return infoFromDir(dir);
}

async function script(command: 'start' | 'stop' | 'restart', dir: string): Promise<void> {
  try {
    await run('bash', [SCRIPT, command, dir], { timeout: 600_000, maxBuffer: 10 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    const output = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim();
    throw new Error(
      `scripts/samba-dc.sh ${command} ${dir} failed: ${output || err.message}\n` +
        'The Samba AD DC packages are needed: run `bash scripts/test-peers.sh ensure` (as root).',
    );
  }
}

function isRunning(dir: string): boolean {
  const pidFile = join(dir, 'samba.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the DC for this process (one temporary folder per run); a no-op when it already runs. */
export async function startSamba(): Promise<SambaInfo> {
  const existing = process.env[ENV_DIR];
  if (existing && existsSync(join(existing, 'etc/smb.conf.in'))) {
    if (!isRunning(existing)) await script('start', existing);
    return infoFromDir(existing);
  }
  reapOrphans();
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  process.env[ENV_DIR] = dir;
  try {
    await script('start', dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    delete process.env[ENV_DIR];
    throw e;
  }
  return infoFromDir(dir);
}

/** Stops the DC (by its PID) but keeps its folder: restartSamba() brings the same domain back. */
export async function stopSamba(): Promise<void> {
  const dir = process.env[ENV_DIR];
  if (dir && existsSync(dir)) await script('stop', dir);
}

/** Starts the stopped DC again on the same address, with its data as it was. */
export async function restartSamba(): Promise<SambaInfo> {
  const dir = process.env[ENV_DIR];
  if (!dir || !existsSync(join(dir, 'etc/smb.conf.in'))) return startSamba();
  await script('restart', dir);
  return infoFromDir(dir);
}

/** Stops the DC and deletes its folder (global teardown). */
export async function removeSamba(): Promise<void> {
  const dir = process.env[ENV_DIR];
  if (!dir) return;
  try {
    if (existsSync(dir)) await script('stop', dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    delete process.env[ENV_DIR];
  }
}

/** Synchronous last resort for process exit: stop the DC and delete its folder. */
export function removeSambaSync(): void {
  const dir = process.env[ENV_DIR];
  if (!dir || !existsSync(dir)) return;
  spawnSync('bash', [SCRIPT, 'stop', dir], { stdio: 'ignore', timeout: 30_000 });
  rmSync(dir, { recursive: true, force: true });
}

/** DCs left behind by test runs that died (their owner process is gone): stop them, delete them. */
function reapOrphans(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    const ownerFile = join(dir, 'owner.pid');
    if (!existsSync(ownerFile)) continue;
    const owner = Number(readFileSync(ownerFile, 'utf8').trim());
    try {
      process.kill(owner, 0);
      continue; // its run is still going
    } catch {
      // owner gone
    }
    spawnSync('bash', [SCRIPT, 'stop', dir], { stdio: 'ignore', timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Raw LDAP, straight with ldapts: what the DC really says, to check the adapter against.

/** A new ldapts client on the test DC, trusting its CA. */
export function rawClient(timeoutMs = 5000): Client {
  const info = sambaInfo();
  return new Client({
    url: info.url,
    timeout: timeoutMs,
    connectTimeout: timeoutMs,
    tlsOptions: { ca: [readFileSync(info.caFile)] },
  });
}

/** The bind name a seeded login is tried with: its UPN (AD accepts UPNs in simple binds). */
export function bindNameOf(login: string): string {
  return login.includes('@') || login.includes('=') ? login : `${login}@${MAIL_DOMAIN}`;
}

export type BindOutcome =
  | { readonly ok: true }
  /** data: AD's sub-code — 52e bad password, 775 locked, 773 must change, 533 disabled, … */
  | { readonly ok: false; readonly resultCode: number; readonly data?: string; readonly message: string };

/** One simple bind as a seeded user, exactly as a user's logon would hit the DC. */
export async function ldapBindAs(login: string, password: string): Promise<BindOutcome> {
  const client = rawClient();
  try {
    await client.bind(bindNameOf(login), password);
    return { ok: true };
  } catch (e) {
    if (e instanceof InvalidCredentialsError) {
      const data = /\bdata ([0-9a-f]+)\b/i.exec(e.message)?.[1]?.toLowerCase();
      return { ok: false, resultCode: e.code, data, message: e.message };
    }
    throw e;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** Runs `fn` on a client bound as the domain Administrator. */
export async function asAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const info = sambaInfo();
  const client = rawClient();
  try {
    await client.bind(info.adminDN, info.adminPassword);
    return await fn(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** A subtree search under the base DN as Administrator (an ldapsearch). */
export function adminSearch(filter: string | Filter, attributes: string[] = ['*'], baseDN = BASE_DN): Promise<Entry[]> {
  return asAdmin(async (c) => (await c.search(baseDN, { scope: 'sub', filter, attributes, paged: { pageSize: 1000 } })).searchEntries);
}

/** The raw entry of a seeded user by sAMAccountName (with the attributes asked for). */
export async function rawUser(sam: string, attributes: string[] = ['*']): Promise<Entry> {
  const [entry] = await adminSearch(new EqualityFilter({ attribute: 'sAMAccountName', value: sam }), attributes);
  if (!entry) throw new Error(`no seeded user ${sam} in the test DC`);
  return entry;
}

/** The cn of every group `dn` is a transitive member of, as the DC computes it. */
export async function rawGroupNames(dn: string): Promise<string[]> {
  const entries = await adminSearch(new ExtensibleFilter({ matchType: 'member', rule: '1.2.840.113556.1.4.1941', value: dn }), ['cn']);
  return entries.map((e) => String(e.cn)).sort();
}

/** Locks a seeded account for real: `attempts` binds with a wrong password (threshold is 3). */
export async function lockOut(login: string, attempts = 3): Promise<BindOutcome[]> {
  const outcomes: BindOutcome[] = [];
  for (let i = 0; i < attempts; i++) outcomes.push(await ldapBindAs(login, `Wrong-${i}-${SEED_PASSWORD}`));
  return outcomes;
}

/** Puts a seeded user back as seeded: unlocked, password SEED_PASSWORD, no must-change. */
export async function resetSeededUser(sam: string): Promise<void> {
  const { dn } = await rawUser(sam, ['1.1']);
  await asAdmin((c) =>
    c.modify(dn, [
      new Change({ operation: 'replace', modification: new Attribute({ type: 'lockoutTime', values: ['0'] }) }),
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${SEED_PASSWORD}"`, 'utf16le')] }),
      }),
      new Change({ operation: 'replace', modification: new Attribute({ type: 'pwdLastSet', values: ['-1'] }) }),
    ]),
  );
}
