// The README's portal walk-through on `npm start`'s defaults (demo directory, dev outbox), in Chromium: the
// console's agent sends a PIN by SMS, the user signs in on the portal (phone-sized) and unlocks; the
// console then shows the account unlocked; the user registers a mobile and signs in again by SMS code.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ROOT } from '../helpers/app-process';
import { openConsole, type ConsoleSession } from '../helpers/console-session';

const OUT = path.join(ROOT, 'test-output');

describe('The portal on the demo directory, with the console as the agent (npm start)', function () {
  this.timeout(120_000);
  let s: ConsoleSession;
  let phone: BrowserContext;
  let portal: Page;
  before(async () => {
    s = await openConsole();
    const browser = s.page.context().browser();
    assert.ok(browser);
    phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    portal = await phone.newPage();
  });
  after(async () => {
    await phone?.close();
    await s?.close();
  });

  /** The newest text the dev outbox holds for `to`, and the code in it. */
  async function lastText(to: string, digits: number): Promise<string> {
    for (let i = 0; i < 50; i++) {
      const items = (await (await fetch(`${s.app.base}/api/dev/outbox`)).json()) as { channel: string; to: string; body: string }[];
      const body = items.filter((m) => m.channel === 'sms' && m.to.replace(/\s/g, '') === to.replace(/\s/g, '')).at(-1)?.body;
      const code = body ? new RegExp(`\\b(\\d{${digits}})\\b`).exec(body)?.[1] : undefined;
      if (code) return code;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`no text with a ${digits}-digit code to ${to} in the dev outbox`);
  }
  async function signIn(method: string): Promise<void> {
    await portal.goto(`${s.app.base}/portal/`);
    await portal.getByLabel('Your login or e-mail address').fill('demo.locked');
    await portal.getByLabel(method).check();
    await portal.getByRole('button', { name: 'Continue' }).click();
  }

  it('PIN from the console → portal sign-in → unlock; then a registered mobile and an SMS sign-in', async () => {
    await s.command('pin demo.locked sms');
    const confirm = s.card('Expires');
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Confirm', exact: true }).click();
    await s.card(/A new helpdesk PIN was sent by SMS/).waitFor();
    const pin = await lastText('+1 555 0199', 8);

    await signIn('With a PIN from the helpdesk');
    await portal.getByLabel('The PIN the helpdesk sent you').fill(pin);
    await portal.getByRole('button', { name: 'Sign in' }).click();
    await portal.getByRole('button', { name: 'Unlock my account' }).click();
    await portal.getByText('Your account is unlocked').waitFor();
    await portal.screenshot({ path: path.join(OUT, 'portal-demo-unlocked.png'), fullPage: true });

    await s.command('user demo.locked');
    const details = s.card(/Lena Locked/);
    await details.waitFor();
    await details.getByText(/account unlocked on the portal|Unlocked|not locked/i).first().waitFor();
    assert.equal(await details.getByText('LOCKED', { exact: true }).count(), 0, 'the console no longer shows the account locked');

    await portal.getByRole('link', { name: 'Register my mobile' }).click();
    await portal.getByLabel('Your mobile number').fill('+44 7700 900123');
    await portal.getByRole('button', { name: 'Send me a code' }).click();
    await portal.getByLabel('The code from the text message').fill(await lastText('+447700900123', 6));
    await portal.getByRole('button', { name: 'Register this mobile' }).click();
    await portal.getByText('Your mobile is registered').waitFor();
    await portal.getByRole('button', { name: 'Sign out' }).click();

    await signIn('With a code sent to my mobile');
    const code = await lastText('+447700900123', 6);
    await portal.getByLabel('The code from the text message').fill(code);
    await portal.screenshot({ path: path.join(OUT, 'portal-demo-sms.png'), fullPage: true });
    await portal.getByRole('button', { name: 'Sign in' }).click();
    await portal.getByRole('link', { name: 'Reset my password' }).waitFor();
    await s.page.screenshot({ path: path.join(OUT, 'console-after-portal.png') });
  });
});
