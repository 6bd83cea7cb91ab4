// The desk commands in the local console as a person uses them (`npm start` with no credentials: the demo
// directory, Debian's Chromium): `locked` shows the locked user with an Unlock that goes through the confirm
// step, then `history` shows the unlock. Screenshot: test-output/console-locked.png.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, ROOT, startApp, type RunningApp } from '../helpers/app-process';

const OUTPUT = path.join(ROOT, 'test-output');

describe('Local console in Chromium: locked, history', function () {
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

  const card = (text: string) => page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();

  async function command(text: string): Promise<void> {
    const box = page.getByRole('textbox', { name: 'Command' });
    await box.fill(text);
    await box.press('Enter');
  }

  it('locked → the locked user with where, since and department; Unlock → confirm → done; history shows the unlock', async () => {
    await page.goto(`${app.base}/`);
    await page.getByText('You are Agent (demo.agent)').waitFor();
    await command('locked');
    const list = card('Locked out now');
    await list.waitFor();
    await assert.doesNotReject(list.getByText('Lena Locked (demo.locked)').waitFor());
    await assert.doesNotReject(list.getByText('Active Directory').first().waitFor());
    await assert.doesNotReject(list.getByText('Finance').first().waitFor());
    await assert.doesNotReject(list.getByText('unlocked by the helpdesk').first().waitFor());
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, 'console-locked.png') });
    assert.ok(existsSync(path.join(OUTPUT, 'console-locked.png')));

    await list.getByRole('button', { name: 'Unlock', exact: true }).first().click();
    const confirm = card('Expires');
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Confirm', exact: true }).click();
    await card('✔ Done').waitFor();

    await command('history demo.locked');
    const history = card('Helpdesk history');
    await history.waitFor();
    await assert.doesNotReject(history.getByText('account.unlock', { exact: true }).first().waitFor());
    await assert.doesNotReject(history.getByText('demo.agent (agent)').first().waitFor());
    await page.screenshot({ path: path.join(OUTPUT, 'console-history.png') });
    assert.doesNotMatch(app.output, /\[page error\]/);
  });
});
