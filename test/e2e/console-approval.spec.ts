// An agent's `pin <user> view` in the local console (npm start, demo data), in Chromium: the request card
// and the role re-check on its Approve button. (Each identity picked in the console has its own
// conversation, so a supervisor there never sees the agent's card: the console has no supervisors'
// conversation.) Screenshots: test-output/console-approval-*.png.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, ROOT, startApp, type RunningApp } from '../helpers/app-process';

const OUTPUT = path.join(ROOT, 'test-output');

describe('Local console in Chromium: approval of an agent\'s pin view', function () {
  this.timeout(120_000);
  let app: RunningApp;
  let browser: Browser;
  let page: Page;

  before(async () => {
    app = await startApp();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (err) => (app.output += `\n[page error] ${err.message}`));
  });
  after(async () => {
    await browser?.close();
    if (app) assert.equal(await app.stop(), 0, app.output);
  });

  const card = (text: string | RegExp) => page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();
  async function command(text: string): Promise<void> {
    const box = page.getByRole('textbox', { name: 'Command' });
    await box.fill(text);
    await box.press('Enter');
  }
  async function shot(name: string): Promise<void> {
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, name) });
    assert.ok(existsSync(path.join(OUTPUT, name)));
  }
  async function be(label: string): Promise<void> {
    await page.selectOption('#who', { label });
    await page.getByText(`You are ${label}`).waitFor();
  }

  it('agent asks → a pending request card (what was typed, who asked, the state); the agent\'s own Approve is refused', async () => {
    await page.goto(`${app.base}/`);
    await be('Agent (demo.agent)');
    await command('pin john.doe view');
    const pending = card('Pending');
    await pending.waitFor();
    await assert.doesNotReject(pending.getByText('pin john.doe view').waitFor());
    await assert.doesNotReject(pending.getByText(/Waiting for a supervisor other than/).waitFor());
    assert.equal(await pending.getByText('John Doe').count(), 0, 'nothing about the user beyond what was typed');
    await shot('console-approval-pending.png');
    await pending.getByRole('button', { name: 'Approve' }).click();
    await card(/needs the supervisor role/).waitFor();
    await shot('console-approval-refused.png');
    assert.doesNotMatch(app.output, /\[page error\]/);
  });
});
