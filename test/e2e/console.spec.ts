// The local console as a person uses it: `npm start` (here: the app's entry point run as it is, with no
// credentials, a temporary data folder and a free port), Debian's Chromium driven by playwright-core,
// type "user demo.locked", see the card, unlock, confirm, see the result. Screenshot: test-output/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, ROOT, startApp, type RunningApp } from '../helpers/app-process';

const OUTPUT = path.join(ROOT, 'test-output');

describe('Local console in Chromium (npm start, no credentials)', function () {
  this.timeout(120_000);
  let app: RunningApp;
  let browser: Browser;
  let page: Page;

  before(async () => {
    app = await startApp();
    assert.match(app.output, new RegExp(`${app.base}/`), 'the app prints the console URL');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (err) => (app.output += `\n[page error] ${err.message}`));
  });

  after(async () => {
    await browser?.close();
    if (app) assert.equal(await app.stop(), 0, `graceful shutdown on SIGTERM should exit 0:\n${app.output}`);
  });

  const card = (text: string) => page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();

  async function command(text: string): Promise<void> {
    const box = page.getByRole('textbox', { name: 'Command' });
    await box.fill(text);
    await box.press('Enter');
  }

  it('user demo.locked → the card; Unlock → confirm → the result; a screenshot is saved', async () => {
    await page.goto(`${app.base}/`);
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
    assert.doesNotMatch(app.output, /\[page error\]/);
  });
});
