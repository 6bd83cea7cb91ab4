// An agent's `pin <user> view` in the local console (npm start, demo data), in Chromium, with a second page
// open as the supervisor: the request reaches the supervisor's console without them typing anything; the
// agent's own card never offers Approve / Deny; the supervisor approves; the agent's PIN arrives once, as a
// new message; afterwards no card on either page has an enabled Approve, Deny or "Show the PIN" button, and
// both show who decided. Screenshots: test-output/console-approval-*.png.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from '../helpers/app-process';
import { openConsole, type ConsoleSession } from '../helpers/console-session';

const OUTPUT = path.join(ROOT, 'test-output');
const PIN = /(?<!\d)\d{4} \d{4}(?!\d)/; // the card's text runs straight into the Hide button's

describe('Local console in Chromium: approval of an agent\'s pin view by a supervisor\'s console', function () {
  this.timeout(120_000);
  let s: ConsoleSession;
  let supervisor: Page;

  before(async () => {
    s = await openConsole({ width: 1280, height: 900 }); // open as the demo agent
    // Whether the agent's page ever draws an Approve or Deny button, from now on.
    // (A string: tsx would wrap named functions in a helper the page does not have.)
    await s.page.evaluate(`(function () {
      function seen() { return Array.prototype.some.call(document.querySelectorAll('button'), function (b) { return /^(Approve|Deny)$/.test(b.textContent.trim()); }); }
      window.sawDecide = seen();
      new MutationObserver(function () { window.sawDecide = window.sawDecide || seen(); }).observe(document.body, { childList: true, subtree: true, characterData: true });
    })()`);
    const browser = s.page.context().browser();
    assert.ok(browser);
    supervisor = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    supervisor.on('pageerror', (err) => (s.app.output += `\n[page error] ${err.message}`));
    await supervisor.goto(`${s.app.base}/`);
    await supervisor.getByText('You are Agent (demo.agent)').waitFor();
    await supervisor.getByLabel('Signed in as').selectOption({ label: 'Supervisor (demo.super)' });
    await supervisor.getByText('You are Supervisor (demo.super)').waitFor();
    // The page's join event has reached the bot once "Sending…" is cleared: the console knows who it is.
    await supervisor.waitForFunction(() => document.getElementById('status')?.textContent === '');
  });
  after(async () => {
    await s?.close();
  });

  async function shot(page: Page, name: string): Promise<void> {
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, name) });
    assert.ok(existsSync(path.join(OUTPUT, name)));
  }

  const enabledButtons = (page: Page, name: RegExp) => page.locator('.ac-adaptiveCard button:not([disabled])').filter({ hasText: name });
  const card = (page: Page, text: string | RegExp) => page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();

  it('agent asks → their own pending card (only Refresh); the supervisor\'s console receives the request untyped and approves; the PIN reaches the agent once; no card keeps Approve / Deny', async () => {
    await s.command('pin john.doe view');
    const mine = s.card('Pending');
    await mine.waitFor();
    await assert.doesNotReject(mine.getByText('pin john.doe view').waitFor());
    await assert.doesNotReject(mine.getByText(/Waiting for a supervisor other than/).waitFor());
    assert.equal(await mine.getByText('John Doe').count(), 0, 'nothing about the user beyond what was typed');
    assert.equal(await mine.getByRole('button', { name: 'Refresh' }).count(), 1);
    assert.equal(await mine.getByRole('button', { name: /^(Approve|Deny)$/ }).count(), 0, 'the requester is not offered Approve / Deny');
    await shot(s.page, 'console-approval-pending.png');

    // The supervisor typed nothing: the request arrives in their console.
    const request = card(supervisor, 'Pending');
    await request.waitFor();
    await assert.doesNotReject(request.getByText(/Dana Agent\s*asked:/).waitFor());
    await assert.doesNotReject(request.getByText('pin john.doe view').waitFor());
    assert.equal(await supervisor.locator('.msg.user').count(), 0, 'nothing typed or pressed on the supervisor\'s page yet');
    await shot(supervisor, 'console-approval-supervisor-request.png');
    await request.getByRole('button', { name: 'Approve' }).click();

    // The agent's PIN arrives, as a new message, once.
    const pinCard = s.page.locator('.ac-adaptiveCard').filter({ hasText: PIN });
    await pinCard.first().waitFor();
    await assert.doesNotReject(pinCard.first().getByText(/Approved by Sam Super/).waitFor());
    await s.page.waitForTimeout(1500); // a second delivery would have arrived by now
    assert.equal(await pinCard.count(), 1, 'the PIN is shown once');
    assert.equal(await supervisor.locator('.ac-adaptiveCard').filter({ hasText: PIN }).count(), 0, 'never to the supervisor');

    // Every card of the request shows the decision, with no Approve / Deny / Show left to press.
    await assert.doesNotReject(card(supervisor, /Approved by/).getByText('Sam Super').first().waitFor());
    await assert.doesNotReject(card(s.page, /Approved by/).getByText('Decided').waitFor());
    for (const page of [s.page, supervisor]) {
      await page.waitForFunction(() => !Array.from(document.querySelectorAll('.ac-adaptiveCard')).some((c) => /⏳ Pending/.test(c.textContent ?? '')));
      assert.equal(await enabledButtons(page, /^(Approve|Deny)$/).count(), 0, 'no enabled Approve / Deny');
      assert.equal(await enabledButtons(page, /Show the PIN/).count(), 0, 'no enabled "Show the PIN"');
    }
    assert.equal(await supervisor.locator('.ac-adaptiveCard').filter({ hasText: /Approved by/ }).count(), 1, 'the pressed card itself shows the decision (no second card)');
    assert.equal(await s.page.evaluate(() => (window as unknown as { sawDecide: boolean }).sawDecide), false, 'the agent\'s page never showed Approve / Deny');
    await shot(s.page, 'console-approval-agent-after.png');
    await shot(supervisor, 'console-approval-supervisor-after.png');
    assert.doesNotMatch(s.app.output, /\[page error\]/);
    assert.doesNotMatch(s.app.output, /could not|not sent to a supervisor/);
  });
});
