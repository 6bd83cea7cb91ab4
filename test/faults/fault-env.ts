// What every fault suite starts: its own Samba DC behind a delaying loopback proxy, and the real program
// (src/main.ts) on it as a workstation trial (LOCAL_CONSOLE=on on 127.0.0.1: Teams activities from this
// machine without tokens), with a loopback Bot Connector that records the replies.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startApp, type RunningApp } from '../helpers/app-process';
import { LoopbackConnector, teamsMember, type TeamsMember } from '../helpers/loopback-connector';
import { startOwnSamba, type OwnSamba } from '../helpers/own-samba';
import { GROUP_DNS, GROUPS, USERS } from '../helpers/samba';
import { DelayingProxy } from '../helpers/tcp-proxy';
import { postActivity, teamsMessage } from '../helpers/teams-activities';
import { teamsChat, type Card, type TeamsChat } from '../helpers/teams-chat';

/** Short, so a test sees the bound; the program's default is 5000. */
export const LDAP_TIMEOUT_MS = 1500;

export interface FaultEnv {
  readonly samba: OwnSamba;
  readonly proxy: DelayingProxy;
  readonly connector: LoopbackConnector;
  readonly agent: TeamsMember;
  readonly otherAgent: TeamsMember;
  readonly supervisor: TeamsMember;
  /** The program's environment (the DC reached through the proxy). */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

export async function startFaultEnv(extra: Record<string, string> = {}): Promise<FaultEnv> {
  const samba = await startOwnSamba();
  const dc = new URL(samba.info.url);
  const proxy = new DelayingProxy(dc.hostname, Number(dc.port || 636));
  const proxyPort = await proxy.start();
  const connector = await new LoopbackConnector().start();
  const env = {
    LDAP_URL: `ldaps://127.0.0.1:${proxyPort}`,
    LDAP_BIND_DN: samba.info.bindDN,
    LDAP_BIND_PASSWORD: samba.info.bindPassword,
    LDAP_BASE_DN: samba.info.baseDN,
    LDAP_CA_FILE: samba.info.caFile,
    LDAP_TIMEOUT_MS: String(LDAP_TIMEOUT_MS),
    ROLE_AGENT_GROUPS: GROUPS.agents,
    ROLE_SUPERVISOR_GROUPS: GROUP_DNS.supervisors,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    LOCAL_CONSOLE: 'on',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...extra,
  };
  return {
    samba,
    proxy,
    connector,
    agent: connector.addMember(teamsMember(USERS.agent, 'Alice Agent')),
    otherAgent: connector.addMember(teamsMember(USERS.nestedAgent, 'Nora Nested')),
    supervisor: connector.addMember(teamsMember(USERS.supervisor, 'Sam Supervisor')),
    env,
    async close() {
      await connector.stop();
      await proxy.stop();
      await samba.remove();
    },
  };
}

export function startProgram(f: FaultEnv, options: { dataDir?: string } = {}): Promise<RunningApp> {
  return startApp(f.env, options);
}

export function chatWith(f: FaultEnv, app: RunningApp): TeamsChat {
  return teamsChat({ url: app.base, connector: f.connector });
}

/**
 * A typed command in the user's 1:1 chat and the one reply to it there: safe while other agents talk at
 * the same time (teamsChat's say() counts every reply).
 */
export async function ask(f: FaultEnv, app: RunningApp, user: TeamsMember, typed: string): Promise<Card> {
  const before = f.connector.replies.length;
  const res = await postActivity(app.base, teamsMessage({ serviceUrl: f.connector.url, user, text: typed }));
  assert.equal(res.status, 200, res.text);
  const mine = f.connector.replies.slice(before).filter((r) => r.conversationId === `a:1personal-${user.aadObjectId}`);
  assert.equal(mine.length, 1, `one reply to "${typed}" expected, got ${mine.length}`);
  return mine[0]?.activity.attachments?.[0]?.content as Card;
}

export function text(card: Card): string {
  return JSON.stringify(card);
}

/** Milliseconds `fn` took, with its result. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - t0), value };
}

export async function readyz(app: RunningApp): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${app.base}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls `probe` until it holds; the time it took (ms), or a failure naming `what`. */
export async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await probe().catch(() => false)) return Math.round(performance.now() - t0);
    assert.ok(performance.now() - t0 < timeoutMs, `${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A fault's figures, printed so the run's output is the report (what the agent saw, how long recovery took). */
export function report(fault: string, figures: Record<string, string | number>): void {
  console.log(`      fault ${fault}: ${Object.entries(figures).map(([k, v]) => `${k} ${v}`).join('; ')}`);
}
