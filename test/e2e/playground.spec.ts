// Microsoft 365 Agents Playground as a Teams developer uses it: `npm run playground` (scripts/playground.ts run
// as it is: the bot with no credentials, a temporary data folder, free ports; the Playground in front of it with
// the repository's mock user file), its own page in Debian's Chromium, every non-loopback request blocked.
// As Dana Agent (demo.agent, mapped from the mock user's UPN through the Playground's getMember): type
// "user demo.locked", see the card, Unlock, Confirm, see the result; the directory and the audit show it.
// Screenshots: test-output/playground-*.png.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CONFIG_VARS, freePort, launchChromium, ROOT } from '../helpers/app-process';

const OUTPUT = path.join(ROOT, 'test-output');
const SCRIPT = path.join(ROOT, 'scripts', 'playground.ts');
const LOCAL = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Ours to set: the ports, the store, the Playground's own switches. */
const OWN_VARS = /^(HOST$|PLAYGROUND_PORT$|M365_AGENTS_PLAYGROUND_|TEAMSAPPTESTER_|BOT_ENDPOINT$|LOG_LEVEL$)/;

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Local addresses (hex, as the kernel writes them) of the TCP sockets listening on a port. */
function listenAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6']
    .flatMap((f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').slice(1) : []))
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[3] === '0A' && cols[1]?.endsWith(`:${hexPort}`))
    .map((cols) => cols[1]?.split(':')[0] ?? '');
}

function exited(child: ChildProcess, ms: number): Promise<number | null | 'timeout'> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return Promise.race([
    new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))),
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms)),
  ]);
}

describe('Microsoft 365 Agents Playground in Chromium (npm run playground, no credentials)', function () {
  this.timeout(60_000);
  let dataDir: string;
  let botPort: number;
  let playgroundPort: number;
  let run: ChildProcess | undefined;
  let output = '';
  let playgroundUrl: string;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  const blocked: { url: string; type: string }[] = [];
  const sockets: string[] = [];

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'mypass-playground-'));
    botPort = await freePort();
    playgroundPort = await freePort();
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !CONFIG_VARS.test(k) && !OWN_VARS.test(k)));
    run = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), SCRIPT], {
      cwd: dataDir,
      env: {
        ...env,
        PORT: String(botPort),
        PLAYGROUND_PORT: String(playgroundPort),
        STORE_URL: `sqlite:${path.join(dataDir, 'helpdesk.db')}`,
        LOG_LEVEL: 'warn',
        TEAMSAPPTESTER_BROWSER: 'none',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    run.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    run.stderr?.on('data', (d: Buffer) => (output += d.toString()));

    const deadline = Date.now() + 30_000;
    for (;;) {
      const url = /playground: open (http:\/\/localhost:\d+\/)/.exec(output)?.[1];
      if (url) {
        playgroundUrl = url;
        playgroundPort = Number(new URL(url).port); // the Playground takes another port if the one asked for is busy
        break;
      }
      if (run.exitCode !== null) assert.fail(`npm run playground exited (${run.exitCode}) before the Playground was up:\n${output}`);
      if (Date.now() > deadline) assert.fail(`Microsoft 365 Agents Playground did not start within 30 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    // Nothing leaves loopback: the page's Office CDN fonts (and anything else) are refused, and recorded.
    await context.route('**/*', (route) => {
      const request = route.request();
      if (LOCAL.has(new URL(request.url()).hostname)) return route.continue();
      blocked.push({ url: request.url(), type: request.resourceType() });
      return route.abort('blockedbyclient');
    });
    page = await context.newPage();
    page.on('websocket', (ws) => sockets.push(ws.url()));
    page.on('pageerror', (err) => (output += `\n[page error] ${err.message}`));
  });

  after(async () => {
    await browser?.close();
    if (run && run.exitCode === null && run.signalCode === null) {
      // Only a failed test gets here: stop what this test started, by pid.
      const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(run.pid)], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
      run.kill('SIGINT');
      if ((await exited(run, 15_000)) === 'timeout') {
        for (const pid of [run.pid, ...children.map(Number)]) {
          try {
            if (pid) process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const card = (text: string | RegExp) => page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();

  async function send(text: string): Promise<void> {
    const box = page.getByRole('textbox').last();
    await box.click();
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  }

  it('as Dana Agent: user demo.locked → the card; Unlock → Confirm → done; the lock is gone and audited', async () => {
    mkdirSync(OUTPUT, { recursive: true });
    await page.goto(playgroundUrl);
    await assert.doesNotReject(page.getByText('Dana Agent').first().waitFor(), 'the Playground shows the mock user of .m365agentsplayground.yml');
    await assert.doesNotReject(page.getByText('Hi, I am MyPass Helpdesk').first().waitFor(), 'the bot answered the Playground’s install event');

    await send('user demo.locked');
    const details = card('Lena Locked');
    await details.waitFor();
    await assert.doesNotReject(details.getByText(/Locked since/).waitFor());
    await assert.doesNotReject(details.getByText('Accounts Payable Clerk', { exact: true }).waitFor());
    assert.equal(await details.getByRole('button', { name: 'Reset password (show once)' }).count(), 0, 'an agent gets no supervisor-only button');
    await page.screenshot({ path: path.join(OUTPUT, 'playground-details.png') });
    // A second card of the same user: the first stays, to be pressed once it is no longer true.
    await send('user demo.locked');
    await page.locator('.ac-adaptiveCard').filter({ hasText: 'Locked since' }).nth(1).waitFor();

    // Universal Actions: the Playground sends the adaptiveCard/action invoke and shows the refreshed card in place.
    await details.getByRole('button', { name: 'Unlock account' }).click();
    const confirm = card('Unlock the Active Directory account of Lena Locked?');
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Confirm', exact: true }).click();
    const done = card('Account unlocked');
    await done.waitFor();
    await assert.doesNotReject(done.getByText('Lena Locked (demo.locked) can sign in again.').waitFor());
    await page.screenshot({ path: path.join(OUTPUT, 'playground-unlocked.png') });

    // What the agent notices next: the account is no longer locked.
    await send('user demo.locked');
    await assert.doesNotReject(card('Lena Locked').getByText(/enabled, not locked/).waitFor());

    // The helpdesk trail names the agent the mock user maps to, on the Teams surface.
    const db = new Database(path.join(dataDir, 'helpdesk.db'), { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare<[], { surface: string; actor: string; role: string; action: string; target: string; outcome: string }>(
          "SELECT surface, actor, role, action, target, outcome FROM helpdesk_audit WHERE action = 'account.unlock' ORDER BY seq",
        )
        .all();
      assert.deepEqual(
        rows.map((r) => `${r.surface} ${r.actor} ${r.role} ${r.action} ${r.target} ${r.outcome}`),
        ['teams demo.agent agent account.unlock demo.locked requested', 'teams demo.agent agent account.unlock demo.locked success'],
      );
    } finally {
      db.close();
    }

    // A refused press keeps its card: Unlock on the first card, pressed now, is answered in place with that
    // card drawn again (not locked any more), the refusal on top.
    const stale = page.locator('.ac-adaptiveCard').filter({ hasText: 'Lena Locked' }).first();
    await stale.getByRole('button', { name: 'Unlock account' }).click();
    const refusal = stale.getByText('Lena Locked (demo.locked) is not locked — nothing to unlock.');
    await assert.doesNotReject(refusal.first().waitFor());
    assert.equal(await refusal.count(), 2, 'on top, and again above the buttons');
    // The card is redrawn where it stands, taller than the window: the line above the buttons is in view.
    const above = await refusal.last().boundingBox();
    assert.ok(above && above.y >= 0 && above.y + above.height <= (page.viewportSize()?.height ?? 0), 'the refusal above the buttons is in view');
    await assert.doesNotReject(stale.getByText(/enabled, not locked/).waitFor());
    assert.equal(await stale.getByRole('button', { name: 'Unlock account' }).count(), 0);
    await page.screenshot({ path: path.join(OUTPUT, 'playground-refused-in-place.png') });

    // Nothing the flow needed left loopback: only the Office CDN's fonts and animation were asked for and refused.
    for (const b of blocked) assert.match(new URL(b.url).hostname, /^res(-\d)?\.cdn\.office\.net$/, `an unexpected off-loopback request: ${b.type} ${b.url}`);
    assert.ok(blocked.every((b) => !['xhr', 'fetch', 'websocket', 'eventsource', 'document'].includes(b.type)), JSON.stringify(blocked));
    assert.ok(sockets.length > 0 && sockets.every((u) => LOCAL.has(new URL(u).hostname)), `websockets: ${sockets.join(', ')}`);
    assert.doesNotMatch(output, /playground-loopback: refused/, 'the Playground process tried to reach off loopback');
    assert.doesNotMatch(output, /\[page error\]/);
  });

  it('is on loopback only, and Ctrl-C stops the Playground and the bot', async () => {
    assert.ok(run);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: playgroundPort, path: '/', headers: { host: `helpdesk.attacker.example:${playgroundPort}` } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.once('error', reject).end();
    });
    assert.equal(status, 403, 'a page on another name (DNS rebinding) gets nothing from the Playground');
    assert.deepEqual(listenAddresses(playgroundPort), ['0100007F'], 'the Playground listens on 127.0.0.1 only (upstream: every interface)');
    assert.ok(await listening(botPort));
    assert.ok(await listening(playgroundPort));

    run.kill('SIGINT');
    assert.equal(await exited(run, 15_000), 0, `npm run playground should stop cleanly on Ctrl-C:\n${output}`);
    assert.equal(await listening(botPort), false, 'the bot is still listening');
    assert.equal(await listening(playgroundPort), false, 'the Playground is still listening');
  });
});
