// Escalation in the local console, as a person uses it: `npm start`'s defaults (no credentials, the demo
// directory, tickets to the dev outbox), Debian's Chromium driven by playwright-core. The details card's
// Escalate button asks for the reason in the card; the ticket appears in the console's Dev outbox panel;
// a typed escalate of the same user becomes a comment on it.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { RunningApp } from '../helpers/app-process';
import { openConsole, type ConsoleSession } from '../helpers/console-session';

describe('Local console in Chromium: escalations into the dev outbox (npm start)', function () {
  this.timeout(120_000);
  let session: ConsoleSession;
  let app: RunningApp;
  let page: Page;
  let card: ConsoleSession['card'];
  let command: ConsoleSession['command'];

  before(async () => {
    session = await openConsole();
    ({ app, page, card, command } = session);
  });

  after(async () => {
    await session?.close();
  });
  const outbox = () => page.getByRole('complementary', { name: 'Dev outbox' });

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
    await outbox().getByText(/^Comment on ticket T-1 · /).waitFor({ timeout: 10_000 });
    await outbox().getByText(/^New ticket T-1 · /).waitFor();
    assert.doesNotMatch(await outbox().innerText(), /"event"|\\n/, 'a readable ticket, not raw JSON');
    const entries = (await (await fetch(`${app.base}/api/dev/outbox`)).json()) as { event: string; ticket: string }[];
    assert.deepEqual(entries.map((e) => `${e.event} ${e.ticket}`), ['created T-1', 'comment T-1']);
  });
});
