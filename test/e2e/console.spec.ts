// The local console as a person uses it: `npm start` (here: the app's entry point run as it is, with no
// credentials, a temporary data folder and a free port), Debian's Chromium driven by playwright-core,
// type "user demo.locked", see the card, unlock, confirm, see the result. Screenshot: test-output/.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../..');
const ENTRY = process.env.E2E_APP_ENTRY ?? path.join(ROOT, 'src/main.ts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = path.join(ROOT, 'test-output');

/** Variables that would switch the app away from "no credentials, local console". */
const CONFIG_VARS = /^(LDAP_|SLACK_|GRAPH_|TWILIO_|TICKETS_|Microsoft|NODE_ENV$|LOCAL_CONSOLE$|STORE_URL$|PORT$|SECRETS_KEY$|PORTAL_API_TOKEN$|ROLE_|PROTECTED_GROUPS$)/;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('Local console in Chromium (npm start, no credentials)', function () {
  this.timeout(120_000);
  let app: ChildProcess;
  let output = '';
  let base = '';
  let dataDir = '';
  let browser: Browser;
  let page: Page;

  before(async () => {
    assert.ok(existsSync(ENTRY), `the app's entry point ${ENTRY} does not exist`);
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run \`bash scripts/test-peers.sh ensure\``);
    const port = await freePort();
    dataDir = mkdtempSync(path.join(tmpdir(), 'mypass-e2e-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !CONFIG_VARS.test(k)));
    app = spawn(process.execPath, ['--require', 'tsx/cjs', ENTRY], {
      cwd: dataDir,
      env: { ...env, PORT: String(port), STORE_URL: `sqlite:${path.join(dataDir, 'helpdesk.db')}`, LOG_LEVEL: 'warn', NODE_PATH: path.join(ROOT, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    app.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    base = `http://localhost:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (app.exitCode !== null) throw new Error(`the app exited (${app.exitCode}):\n${output}`);
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the app did not answer /healthz within 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(output, new RegExp(`http://localhost:${port}/`), 'the app prints the console URL');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (err) => (output += `\n[page error] ${err.message}`));
  });

  after(async () => {
    await browser?.close();
    if (app && app.exitCode === null) {
      const exited = new Promise<number | null>((resolve) => app.once('exit', (code) => resolve(code)));
      app.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000))]);
      if (code === 'timeout') app.kill('SIGKILL');
      assert.equal(code, 0, `graceful shutdown on SIGTERM should exit 0:\n${output}`);
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const card = (text: string) => page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();

  async function command(text: string): Promise<void> {
    const box = page.getByRole('textbox', { name: 'Command' });
    await box.fill(text);
    await box.press('Enter');
  }

  it('user demo.locked → the card; Unlock → confirm → the result; a screenshot is saved', async () => {
    await page.goto(`${base}/`);
    await assert.doesNotReject(page.getByText('You are Agent (demo.agent)').waitFor());
    await command('user demo.locked');
    const details = card('Lena Locked');
    await details.waitFor();
    await assert.doesNotReject(details.getByText('LOCKED', { exact: true }).waitFor());
    await assert.doesNotReject(details.getByText('Finance').first().waitFor());
    assert.equal(await details.getByRole('button', { name: /Reset password/ }).count(), 0, 'an agent gets no supervisor-only button');

    await details.getByRole('button', { name: 'Unlock account' }).click();
    const confirm = card('Expires');
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    const result = card('✔ Done');
    await result.waitFor();
    await assert.doesNotReject(result.getByText(/Lena Locked/).first().waitFor());

    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, 'console.png') });
    assert.ok(existsSync(path.join(OUTPUT, 'console.png')));

    // The same button again: refused, politely.
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await card('already been used').waitFor();

    await command('user demo.locked');
    await card('Not locked').waitFor();
  });

  it('the supervisor picked in the console gets the supervisor’s buttons; the dev outbox is shown', async () => {
    await page.selectOption('#who', { label: 'Supervisor (demo.super)' });
    await page.getByText('You are Supervisor (demo.super)').waitFor();
    await command('user john.doe');
    const details = card('John Doe');
    await details.waitFor();
    await assert.doesNotReject(details.getByRole('button', { name: /Reset password/ }).waitFor());
    await assert.doesNotReject(page.getByRole('complementary', { name: 'Dev outbox' }).getByText('Nothing sent yet.').waitFor());
    assert.doesNotMatch(output, /\[page error\]/);
  });
});
