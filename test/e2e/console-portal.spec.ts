// The portal's data in the local console, as a person uses it: `npm start`'s defaults (no credentials,
// the demo directory with its seeded portal data), Debian's Chromium driven by playwright-core.
// audit (paged with More), sync, unlock-portal (button and typed), enrollment as supervisor.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, type RunningApp } from '../helpers/app-process';
import { openConsole, type ConsoleSession } from '../helpers/console-session';

describe('Local console in Chromium: the portal data (npm start, demo data)', function () {
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

  it('audit maria.finance: newest first with the vishing indicators; More shows older events', async () => {
    await command('audit maria.finance');
    const audit = card('Self-service events — Maria');
    await audit.waitFor();
    await audit.getByText('Possible vishing', { exact: false }).waitFor();
    await audit.getByText(/4 failed answers between \d\d:\d\d and \d\d:\d\d UTC from 203\.0\.113\.7/).waitFor();
    await audit.getByText('Password reset').first().waitFor();
    await audit.getByRole('button', { name: 'More' }).click();
    await card('continued').waitFor();
    mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-output', 'console-audit.png') });
  });

  it('user maria.finance: the vishing box is the card\'s second line, in view above the ACTIVE banner', async () => {
    await command('user maria.finance');
    const details = card('Maria');
    await details.waitFor();
    const warning = details.getByText('Possible vishing', { exact: false });
    await warning.waitFor();
    const active = details.getByText('ACTIVE', { exact: true }).first();
    const [w, a] = [await warning.boundingBox(), await active.boundingBox()];
    assert.ok(w && a && w.y < a.y, 'above the status banner');
    await details.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    assert.ok(await warning.isVisible());
    const box = await warning.boundingBox();
    assert.ok(box && box.y + box.height <= (page.viewportSize()?.height ?? 0), 'in view without scrolling the card');
    mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-output', 'console-vishing-details.png') });
  });

  it('sync maria.finance failed: only the failure, highlighted', async () => {
    await command('sync maria.finance failed');
    const sync = card('Sync transactions — Maria');
    await sync.waitFor();
    await sync.getByText('✖ FAILED').first().waitFor();
    await sync.getByText(/suspended for suspicious activity/).waitFor();
    assert.equal(await sync.getByText('✔ succeeded').count(), 0);
  });

  it('the locked portal account: details section, Unlock portal account → confirm → done; typed unlock-portal of an unlocked one says so', async () => {
    await command('user james.smithers');
    const details = card('James Smithers');
    await details.waitFor();
    await details.getByText(/Locked since .* after 5 failed attempts/).waitFor();
    await details.getByRole('button', { name: 'Unlock portal account' }).click();
    const confirm = card('Unlock the self-service portal account of James Smithers?');
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Confirm', exact: true }).click();
    await card('Portal account unlocked').waitFor();
    await command('user james.smithers');
    await card(/Portal lock\s*Not locked/).waitFor();

    // Not locked on the portal: said at once, no confirm card, nothing changed.
    await command('unlock-portal zoe.muller');
    await card('Zoë Müller (zoe.muller) is not locked on the portal — nothing to unlock.').waitFor();
    assert.equal(await card('Unlock the self-service portal account of Zoë Müller?').count(), 0);
  });

  it('enrollment as supervisor: masked answers; the agent is refused', async () => {
    await command('enrollment john.doe');
    await card('needs the supervisor role').waitFor();
    await page.selectOption('#who', { label: 'Supervisor (demo.super)' });
    await page.getByText('You are Supervisor (demo.super)').waitFor();
    await command('enrollment john.doe');
    const enrollment = card('Enrollment — John Doe');
    await enrollment.waitFor();
    await enrollment.getByText('Security questions (3)').waitFor();
    assert.ok((await enrollment.getByText(/^\S•+\S$/).count()) >= 3, 'masked answers');
    const text = await enrollment.innerText();
    for (const plain of ['Biscuit', 'Lyon', 'Middlemarch', 'Sparky']) assert.ok(!text.includes(plain), `plaintext ${plain} shown`);
    assert.doesNotMatch(app.output, /\[page error\]/);
  });
});
