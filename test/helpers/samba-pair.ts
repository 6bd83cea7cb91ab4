// Two Samba AD DCs of one domain (scripts/samba-dc-pair.sh), for the lockout forensics tests: started by
// the spec that needs them (about 11 s on an idle machine, over a minute on a busy one) and stopped after it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client, InvalidCredentialsError } from 'ldapts';

const run = promisify(execFile);
const SCRIPT = resolve(__dirname, '../../scripts/samba-dc-pair.sh');

export interface SambaPair {
  readonly dir: string;
  readonly caFile: string;
  readonly baseDN: string;
  readonly adminDN: string;
  readonly adminPassword: string;
  readonly user: string;
  readonly userPassword: string;
  readonly dc1: { readonly name: string; readonly address: string; readonly url: string };
  readonly dc2: { readonly name: string; readonly address: string; readonly url: string };
}

export async function startPair(): Promise<SambaPair> {
  const dir = mkdtempSync(join(tmpdir(), 'mypass-pair-'));
  try {
    await run('bash', [SCRIPT, 'start', dir], { timeout: 240_000 });
  } catch (e) {
    await run('bash', [SCRIPT, 'stop', dir]).catch(() => undefined);
    throw new Error(`two Samba DCs could not be started: ${(e as { stderr?: string }).stderr ?? String(e)}`);
  }
  const env = Object.fromEntries(
    readFileSync(join(dir, 'pair.env'), 'utf8').split('\n').filter(Boolean).map((l) => {
      const i = l.indexOf('=');
      return [l.slice(0, i), l.slice(i + 1).replace(/^'|'$/g, '')];
    }),
  ) as Record<string, string>;
  const dc = (n: 1 | 2) => ({ name: env[`PAIR_DC${n}_NAME`] ?? '', address: env[`PAIR_DC${n}_ADDRESS`] ?? '', url: `ldaps://${env[`PAIR_DC${n}_ADDRESS`] ?? ''}:636` });
  return {
    dir,
    caFile: env.PAIR_CA_FILE ?? '',
    baseDN: env.PAIR_BASE_DN ?? '',
    adminDN: env.PAIR_ADMIN_DN ?? '',
    adminPassword: env.PAIR_ADMIN_PASSWORD ?? '',
    user: env.PAIR_USER ?? '',
    userPassword: env.PAIR_USER_PASSWORD ?? '',
    dc1: dc(1),
    dc2: dc(2),
  };
}

export async function stopPair(pair: SambaPair | undefined): Promise<void> {
  if (!pair) return;
  await run('bash', [SCRIPT, 'stop', pair.dir], { timeout: 60_000 });
  rmSync(pair.dir, { recursive: true, force: true });
}

/** A forced replication of the domain partition from one DC of the pair to the other. */
export async function replicate(pair: SambaPair, to: 'dc1' | 'dc2', from: 'dc1' | 'dc2'): Promise<void> {
  await run('samba-tool', ['drs', 'replicate', pair[to].name, pair[from].name, pair.baseDN, '-U', `CORP\\Administrator%${pair.adminPassword}`], {
    timeout: 60_000, env: { ...process.env, KRB5_CONFIG: join(pair.dir, 'krb5.conf') },
  });
}

/** Wrong-password simple binds as `user` against one DC: what a misconfigured client there does. Returns each bind's AD data code. */
export async function wrongBinds(pair: SambaPair, url: string, times: number): Promise<string[]> {
  const codes: string[] = [];
  for (let i = 0; i < times; i++) {
    const c = new Client({ url, tlsOptions: { ca: [readFileSync(pair.caFile)] }, timeout: 5000, connectTimeout: 5000 });
    try {
      await c.bind(`${pair.user}@corp.example.test`, 'Wrong-Password-1');
      codes.push('bound');
    } catch (e) {
      codes.push(e instanceof InvalidCredentialsError ? (/data ([0-9a-f]+)/.exec(e.message)?.[1] ?? 'invalid') : String(e));
    } finally {
      await c.unbind().catch(() => undefined);
    }
  }
  return codes;
}
