// The local console as a person uses it: `npm start` (here: the app's entry point run as it is, with no
// credentials, a temporary data folder and a free port), Debian's Chromium driven by playwright-core,
// type "user demo.locked", see the card, unlock, confirm, see the result. Screenshots: test-output/.
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
    // 900 px high: the locked user's card is taller than the transcript and must open at its top.
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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

  /** Whether the element's top edge is inside the transcript's visible area. */
  async function topInView(text: string): Promise<boolean> {
    const box = await page.getByText(text, { exact: true }).last().boundingBox();
    const pane = await page.locator('#transcript').boundingBox();
    assert.ok(box && pane);
    return box.y >= pane.y && box.y + box.height <= pane.y + pane.height;
  }

  async function shot(name: string): Promise<void> {
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, name) });
    assert.ok(existsSync(path.join(OUTPUT, name)));
  }

  it('user demo.locked → the card opens at its top; Unlock → confirm → the result; the confirm card is finished', async () => {
    await page.goto(`${app.base}/`);
    await assert.doesNotReject(page.getByText('You are Agent (demo.agent)').waitFor());
    await command('help');
    await card('Type one of these commands').waitFor();
    await command('user demo.locked');
    const details = card('Lena Locked');
    await details.waitFor();
    await assert.doesNotReject(details.getByText('LOCKED', { exact: true }).waitFor());
    await assert.doesNotReject(details.getByText(/since .* — stays locked until someone unlocks it/).waitFor());
    await assert.doesNotReject(details.getByText('Finance').first().waitFor());
    assert.equal(await details.getByRole('button', { name: 'Reset password (show once)' }).count(), 0, 'an agent gets no supervisor-only button');
    const cardBox = await details.boundingBox();
    const pane = await page.locator('#transcript').boundingBox();
    assert.ok(cardBox && pane && cardBox.height > pane.height, 'the card is taller than the transcript (the case to test)');
    await page.waitForTimeout(200);
    assert.ok(await topInView('Lena Locked'), 'the name is in view');
    assert.ok(await topInView('LOCKED'), 'the lock state is in view');
    await shot('console-locked-user.png');

    await details.getByRole('button', { name: 'Unlock account' }).click();
    const confirm = card('Expires');
    await confirm.waitFor();
    await shot('console-confirm.png');
    await confirm.getByRole('button', { name: 'Confirm', exact: true }).click();
    const result = card('✔ Done');
    await result.waitFor();
    await assert.doesNotReject(result.getByText(/Lena Locked/).first().waitFor());

    // The clicked confirm card shows it is finished: no live-looking buttons left on it.
    const finished = page.locator('.card.finished').filter({ hasText: 'Expires' });
    await assert.doesNotReject(finished.getByText(/Finished: you pressed “Confirm”/).waitFor());
    assert.equal(await finished.getByRole('button', { name: 'Confirm', exact: true }).isDisabled(), true);
    assert.equal(await finished.getByRole('button', { name: 'Cancel' }).isDisabled(), true);
    await shot('console-finished.png');
    await shot('console.png');

    await command('user demo.locked');
    await card('Not locked').waitFor();
    await command('unlock demo.locked');
    const answer = card('nothing to unlock');
    await answer.waitFor();
    assert.match(await answer.innerText(), /Lena Locked \(demo\.locked\) is not locked — nothing to unlock\./);
    assert.doesNotMatch(await answer.innerText(), /Reference/);
    assert.equal(await answer.getByRole('button').count(), 0, 'no confirm step');
  });

  it('a refused press keeps its card: the first Lena Locked card, pressed again, is redrawn in place — "Not locked", the refusal on top, in view', async () => {
    const first = page.locator('.msg.bot').filter({ hasText: 'Lena Locked' }).first();
    await assert.doesNotReject(first.getByText('LOCKED', { exact: true }).waitFor(), 'the card from before the unlock');
    const cards = await page.locator('.ac-adaptiveCard').count();
    await first.getByRole('button', { name: 'Unlock account' }).click();
    await assert.doesNotReject(first.getByText(/is not locked — nothing to unlock\./).first().waitFor());
    assert.equal(await first.getByText(/is not locked — nothing to unlock\./).count(), 2, 'on top, and again above the buttons');
    await assert.doesNotReject(first.getByText('Not locked').first().waitFor());
    assert.equal(await first.getByRole('button', { name: 'Unlock account' }).count(), 0);
    assert.equal(await page.locator('.ac-adaptiveCard').count(), cards, 'no new card: the pressed one was redrawn');
    await page.waitForTimeout(200);
    const refusal = await first.getByText(/is not locked — nothing to unlock\./).first().boundingBox();
    const pane = await page.locator('#transcript').boundingBox();
    assert.ok(refusal && pane && refusal.y >= pane.y && refusal.y + refusal.height <= pane.y + pane.height, 'the refusal is in view');
    await shot('console-refused-in-place.png');
  });

  it('a pick list tells the Smiths apart; `unlock smith` offers it and a row leads on to that user', async () => {
    await command('user smith');
    const list = card('Pick one:');
    await list.waitFor();
    await assert.doesNotReject(list.getByText('jane.smith · Sales · Account Executive').waitFor());
    assert.equal(await list.getByText('✅ Active').count(), 2);
    await shot('console-pick-list.png');
    await command('unlock smith');
    const unlockList = card('Pick the one to unlock:');
    await unlockList.waitFor();
    assert.equal(await unlockList.getByRole('button', { name: 'Unlock…' }).count(), 2);
    await unlockList.getByRole('button', { name: 'Unlock…' }).first().click();
    await card('is not locked — nothing to unlock').waitFor();
  });

  it('the supervisor picked in the console gets the supervisor’s buttons; the dev outbox is shown', async () => {
    await page.selectOption('#who', { label: 'Supervisor (demo.super)' });
    await page.getByText('You are Supervisor (demo.super)').waitFor();
    await command('user john.doe');
    const details = card('John Doe');
    await details.waitFor();
    await assert.doesNotReject(details.getByRole('button', { name: 'Reset password (show once)' }).waitFor());
    await assert.doesNotReject(page.getByRole('complementary', { name: 'Dev outbox' }).getByText('Nothing sent yet.').waitFor());

    // A reset: the password is shown in groups of four, easy to read aloud.
    await details.getByRole('button', { name: 'Reset password (show once)' }).click();
    const confirm = card('Expires');
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Confirm', exact: true }).click();
    const result = card('Password reset');
    await result.waitFor();
    const secret = await result.getByText(/^[A-Za-z0-9]{4}( [A-Za-z0-9]{4}){3}$/).innerText();
    assert.doesNotMatch(secret, /[0Oo1lI5S2Z8B]/);
    await shot('console-password.png');
    assert.doesNotMatch(app.output, /\[page error\]/);
  });

  it('while the conversation is still opening the box is read-only; once open, the first command is answered', async () => {
    const slow = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    await slow.route('**/v3/directline/conversations', async (route) => {
      await opened;
      await route.continue();
    });
    try {
      await slow.goto(`${app.base}/`);
      const box = slow.getByRole('textbox', { name: 'Command' });
      await slow.getByText('Connecting…').waitFor();
      assert.equal(await box.isEditable(), false, 'nothing can be typed into a conversation that does not exist yet');
      assert.equal(await slow.getByRole('button', { name: 'Send' }).isDisabled(), true);
      assert.equal(await slow.getByText('You are Agent (demo.agent)').count(), 0, 'no "type help" before the bot can hear it');
      open();
      await slow.getByText('You are Agent (demo.agent)').waitFor();
      await box.fill('help');
      await box.press('Enter');
      await assert.doesNotReject(slow.locator('.ac-adaptiveCard').filter({ hasText: 'Type one of these commands' }).waitFor());
    } finally {
      open();
      await slow.close();
    }
  });
});
