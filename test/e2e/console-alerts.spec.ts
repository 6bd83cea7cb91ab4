// Alerts in the local console (`npm start` with no credentials: no Teams or Slack to post to), in Chromium: a
// lockout storm — five portal accounts reported locked by the self-service portal within minutes — reaches
// the supervisor's open console untyped, as a card that says it in words with Show buttons; the agent's
// console gets nothing; a supervisor's console opened afterwards still gets it, once; Show answers as the
// presser. Screenshot: test-output/console-alert.png.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, ROOT, startApp, type RunningApp } from '../helpers/app-process';
import { portalCall, PORTAL_TOKEN } from '../helpers/portal-api-client';

const OUTPUT = path.join(ROOT, 'test-output');
const STORM = /Lockout storm: \d+ accounts locked out in the last 10 minutes/;
const LOCKED_ON_PORTAL = ['john.doe', 'jane.smith', 'conor.obrien', 'zoe.muller', 'maria.finance'];

describe('Local console in Chromium: alerts reach the supervisors\' consoles', function () {
  this.timeout(120_000);
  let app: RunningApp;
  let browser: Browser;

  before(async () => {
    // The quickest poll the configuration allows (ALERT_POLL_SECONDS, 5 s); the portal API to report locks.
    app = await startApp({ ALERT_POLL_SECONDS: '5', PORTAL_API_TOKEN: PORTAL_TOKEN });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    if (app) assert.equal(await app.stop(), 0, app.output);
  });

  async function open(as: 'Agent (demo.agent)' | 'Supervisor (demo.super)'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
    page.on('pageerror', (err) => (app.output += `\n[page error] ${err.message}`));
    await page.goto(`${app.base}/`);
    await page.getByText('You are Agent (demo.agent)').waitFor();
    if (as !== 'Agent (demo.agent)') {
      await page.getByLabel('Signed in as').selectOption({ label: as });
      await page.getByText(`You are ${as}`).waitFor();
    }
    // The page's join event has reached the bot once "Sending…" is cleared: the console knows who it is.
    await page.waitForFunction(() => document.getElementById('status')?.textContent === '');
    return page;
  }

  const alerts = (page: Page) => page.locator('.ac-adaptiveCard').filter({ hasText: STORM });

  it('a lockout storm on the portal: the supervisor\'s console shows the alert card untyped, the agent\'s does not; a supervisor console opened later gets it once; Show answers', async () => {
    const supervisor = await open('Supervisor (demo.super)');
    const agent = await open('Agent (demo.agent)');

    const now = new Date().toISOString();
    for (const user of LOCKED_ON_PORTAL) {
      const put = await portalCall(app.base, 'PUT', `/api/portal/accounts/${user}`, { enrolled: true, methods: ['questions'], locked: true, lockedAt: now, failedAttempts: 5 });
      assert.equal(put.status, 200, JSON.stringify(put.body));
    }

    const card = alerts(supervisor).last();
    await card.waitFor({ timeout: 30_000 });
    const text = await card.innerText();
    assert.match(text, /Lockout storm/);
    for (const user of LOCKED_ON_PORTAL) assert.ok(text.includes(user), `${user} is listed:\n${text}`);
    await assert.doesNotReject(card.getByRole('button', { name: 'Show jane.smith' }).waitFor());
    mkdirSync(OUTPUT, { recursive: true });
    await supervisor.screenshot({ path: path.join(OUTPUT, 'console-alert.png') });
    assert.ok(existsSync(path.join(OUTPUT, 'console-alert.png')));

    // The agent's console was live all along: a poll later, still no alert there.
    await new Promise((r) => setTimeout(r, 6000));
    assert.equal(await alerts(agent).count(), 0, 'the agent is not sent alerts');
    assert.equal(await alerts(supervisor).count(), 1, 'the supervisor got it once');

    // A supervisor's console opened after the alert still gets it, once (its join turn catches up).
    const late = await open('Supervisor (demo.super)');
    await alerts(late).first().waitFor({ timeout: 10_000 });
    const box = late.getByRole('textbox', { name: 'Command' });
    await box.fill('approvals');
    await box.press('Enter');
    await late.locator('.ac-adaptiveCard').filter({ hasText: /approval/i }).filter({ hasNotText: STORM }).last().waitFor();
    assert.equal(await alerts(late).count(), 1, 'caught up once, not again at the next turn');

    // Show on the alert answers the presser with the user's details.
    await card.getByRole('button', { name: 'Show jane.smith' }).click();
    await supervisor.locator('.ac-adaptiveCard').filter({ hasText: 'Jane Smith' }).filter({ hasNotText: STORM }).last().waitFor();
    assert.doesNotMatch(app.output, /\[page error\]/);
  });
});
