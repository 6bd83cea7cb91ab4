// Fills the Samba AD test DC with the directory `npm run bench` measures `locked` and `expiring` over:
// OU=Desk Bench with N users (default 10,000), the first L of them (200) locked out for real by wrong binds
// (lockoutThreshold is 3 there), the next M (300) with pwdLastSet=0 ("must change", what `expiring` lists
// whatever the clock). `remove` deletes the OU and everything in it (tree delete), leaving the DC as it was.
//   tsx scripts/seed-desk-bench.ts [users] [locked]   (on the DC that SAMBA_TEST_DIR names)
import { Attribute, Client, Control } from 'ldapts';
import { readFileSync } from 'node:fs';
import { sambaInfo } from '../test/helpers/samba';

export interface DeskBenchDirectory {
  readonly ou: string;
  readonly users: number;
  readonly locked: readonly string[];
  readonly mustChange: number;
}

const LANES = 8;
const PASSWORD = 'Passw0rd!Bench-1';
const TREE_DELETE = '1.2.840.113556.1.4.805';

function client(): Client {
  const info = sambaInfo();
  return new Client({ url: info.url, timeout: 30_000, connectTimeout: 10_000, tlsOptions: { ca: [readFileSync(info.caFile)] } });
}

async function asAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const info = sambaInfo();
  const c = client();
  try {
    await c.bind(info.adminDN, info.adminPassword);
    return await fn(c);
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

async function lanes(count: number, work: (c: Client, i: number) => Promise<void>, bind = true): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: LANES }, () => (bind ? asAdmin : (f: (c: Client) => Promise<void>) => f(client()))(async (c) => {
    for (let i = next++; i < count; i = next++) await work(c, i);
  })));
}

export const deskBenchLogin = (i: number): string => `desk.bench${String(i).padStart(5, '0')}`;

export async function removeDeskBench(): Promise<void> {
  const ou = `OU=Desk Bench,${sambaInfo().baseDN}`;
  await asAdmin((c) => c.del(ou, new Control(TREE_DELETE)).catch(() => undefined));
}

export async function seedDeskBench(users = 10_000, locked = 200, mustChange = 300, log: (line: string) => void = () => undefined): Promise<DeskBenchDirectory> {
  const info = sambaInfo();
  const ou = `OU=Desk Bench,${info.baseDN}`;
  await removeDeskBench();
  await asAdmin((c) => c.add(ou, { objectClass: ['top', 'organizationalUnit'], ou: 'Desk Bench' }));
  const started = Date.now();
  const departments = ['Finance', 'Sales', 'Engineering', 'Operations', 'Support'];
  await lanes(users, async (c, i) => {
    const login = deskBenchLogin(i);
    const attributes: Record<string, string | string[] | Buffer> = {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'], sAMAccountName: login, displayName: `Bench User ${i}`,
      userPrincipalName: `${login}@${info.realm.toLowerCase()}`, department: departments[i % departments.length] as string,
      mobile: `+1 555 ${String(1000 + (i % 9000))}`,
      unicodePwd: Buffer.from(`"${PASSWORD}"`, 'utf16le'), userAccountControl: '512',
      ...(i >= locked && i < locked + mustChange ? { pwdLastSet: '0' } : {}),
    };
    await c.add(`CN=Bench User ${i},${ou}`, Object.entries(attributes).map(([type, v]) =>
      new Attribute({ type, values: Array.isArray(v) ? v : [v] as string[] | Buffer[] })));
    if ((i + 1) % 2000 === 0) log(`  ${i + 1} users (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  });
  const lockedLogins = Array.from({ length: locked }, (_, i) => deskBenchLogin(i));
  // Locked for real: three wrong passwords each, as a user's logons would.
  await lanes(locked, async (_c, i) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const b = client();
      await b.bind(`${lockedLogins[i]}@${info.realm.toLowerCase()}`, `Wrong-${attempt}`).catch(() => undefined);
      await b.unbind().catch(() => undefined);
    }
  }, false);
  log(`  ${users} users, ${locked} locked, ${mustChange} must change, in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return { ou, users, locked: lockedLogins, mustChange };
}

if (require.main === module) {
  const [users, locked] = process.argv.slice(2).map(Number);
  seedDeskBench(users || 10_000, locked || 200, 300, console.log).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
