// Escalation in the local console, as a person uses it: `npm start`'s defaults (no credentials, the demo
// directory, tickets to the dev outbox), Debian's Chromium driven by playwright-core. The details card's
// Escalate button asks for the reason in the card; the ticket appears in the console's Dev outbox panel;
// a typed escalate of the same user becomes a comment on it.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startApp, type RunningApp } from '../helpers/app-process';

describe('Local console in Chromium: escalations into the dev outbox (npm start)', function () {
  this.timeout(120_000);
  let app: RunningApp;
  let browser: Browser;
  let page: Page;

  before(async () => {
    app = await startApp();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (err) => (app.output += `\n[page error] ${err.message}`));
    await page.goto(`${app.base}/`);
    await page.getByText('You are Agent (demo.agent)').waitFor();
  });

  after(async () => {
    await browser?.close();
    if (app) assert.equal(await app.stop(), 0, `graceful shutdown on SIGTERM should exit 0:\n${app.output}`);
  });

  const card = (text: string | RegExp) => page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();
  const outbox = () => page.getByRole('complementary', { name: 'Dev outbox' });

  async function command(text: string): Promise<void> {
    const box = page.getByRole('textbox', { name: 'Command' });
    await box.fill(text);
    await box.press('Enter');
  }

  it('Escalate on the details card: the reason is asked in the card, the ticket shows in the Dev outbox', async () => {
    await command('user conor.obrien');
    const details = card("Conor O'Brien");
    await details.waitFor();
    await details.getByRole('button', { name: 'Escalate' }).click();
    const form = card('Escalate to a ticket');
    await form.waitFor();
    await form.getByRole('textbox', { name: 'Reason' }).fill('new laptop, cannot sign in to anything');
    await form.getByRole('button', { name: 'Open ticket' }).click();
    await card('Ticket Outbox ticket T-1 opened').waitFor();
    await outbox().getByText(/Helpdesk escalation: Conor O'Brien \(conor\.obrien\): new laptop, cannot sign in to anything/).waitFor({ timeout: 10_000 });
    await outbox().getByText(/Escalated by Dana Agent \(demo\.agent, agent\) via the local console/).waitFor();
  });

  it('typed escalate of the same user: a comment on the open ticket, shown in the outbox too', async () => {
    await command('escalate conor.obrien caller says the VPN token is lost as well');
    await card('Added to ticket Outbox ticket T-1').waitFor();
    await outbox().getByText(/"event": "comment"/).waitFor({ timeout: 10_000 });
    const entries = (await (await fetch(`${app.base}/api/dev/outbox`)).json()) as { event: string; ticket: string }[];
    assert.deepEqual(entries.map((e) => `${e.event} ${e.ticket}`), ['created T-1', 'comment T-1']);
  });
});
