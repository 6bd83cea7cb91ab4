// Microsoft's Web Chat reaches a bot through botframework-directlinejs (Web Chat 4.18 bundles 0.15.x). Here is
// that library's real browser bundle, in Chromium, on the app's own console page (so the CSP and origin are the
// app's real ones), polling the app's /v3/directline as Web Chat does with `webSocket: false`. The app runs as
// `npm start` does with no credentials (demo directory, local console). The local console's identity is the
// Direct Line `from.id` itself: a directory login, here `demo.agent`, just as the console page sends it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Activity } from 'botbuilder';
import type { DirectLine as DirectLineClient } from 'botframework-directlinejs';
import type { Browser, Page } from 'playwright-core';
import { cardActions, cardText } from '../helpers/adaptive-card-sdk';
import { launchChromium, startApp, type RunningApp } from '../helpers/app-process';

/** The UMD bundle Web Chat's own build embeds (global `DirectLine`). No `exports` map, so it resolves directly. */
const BUNDLE = readFileSync(require.resolve('botframework-directlinejs/dist/directline.js'));
/** Answered by the test (page.route), never by the app: the app gains no test-only route. */
const BUNDLE_PATH = '/__test__/directline.js';
const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const USER = { id: 'demo.agent', name: 'Dana', role: 'user' };

declare global {
  /** What the page holds: the bundle's global, the client, and every activity activity$ gave. */
  interface Window {
    DirectLine: typeof import('botframework-directlinejs');
    directLine: DirectLineClient;
    directLineActivities: Partial<Activity>[];
  }
}

describe('Web Chat’s Direct Line client (botframework-directlinejs) against the local console endpoint', function () {
  this.timeout(120_000);
  let app: RunningApp;
  let browser: Browser;
  let page: Page;

  before(async () => {
    app = await startApp();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (err) => (app.output += `\n[page error] ${err.message}`));
    await page.route(`${app.base}${BUNDLE_PATH}`, (route) => route.fulfill({ contentType: 'text/javascript', body: BUNDLE }));
  });

  after(async () => {
    await page?.evaluate(() => window.directLine?.end()).catch(() => undefined);
    await browser?.close();
    if (app) assert.equal(await app.stop(), 0, app.output);
  });

  /** directLine.postActivity, as Web Chat calls it; resolves with the id the endpoint gave the activity. */
  const post = (activity: object) =>
    page.evaluate(
      (a) => new Promise<string>((resolve, reject) => window.directLine.postActivity(a as never).subscribe(resolve, reject)),
      activity,
    );

  /** The first activity from the bot that arrived through activity$ in reply to `id`. */
  async function replyTo(id: string): Promise<Partial<Activity>> {
    const handle = await page.waitForFunction(
      (replyToId) => window.directLineActivities.find((a) => a.from?.role === 'bot' && a.replyToId === replyToId),
      id,
    );
    return (await handle.jsonValue()) as Partial<Activity>;
  }

  const cardOf = (activity: Partial<Activity>) => {
    const attachment = activity.attachments?.find((a) => a.contentType === ADAPTIVE);
    assert.ok(attachment, `an Adaptive Card attachment in ${JSON.stringify(activity).slice(0, 1000)}`);
    return attachment.content as unknown;
  };

  it('connects by polling, gets the user card with Action.Submit buttons, and a Submit brings the confirm card', async () => {
    await page.goto(`${app.base}/`);
    await page.addScriptTag({ url: BUNDLE_PATH }); // same origin: allowed by the console's `script-src 'self'`
    await page.evaluate((origin) => {
      window.directLineActivities = [];
      window.directLine = new window.DirectLine.DirectLine({ domain: `${origin}/v3/directline`, token: 'any', webSocket: false, pollingInterval: 300 });
      window.directLine.activity$.subscribe((a) => window.directLineActivities.push(a as Partial<Activity>));
    }, app.base);

    // A typed message, as Web Chat sends it.
    const asked = await post({ type: 'message', from: USER, text: 'user demo.locked', textFormat: 'plain', locale: 'en-US', channelData: { clientActivityID: 'c1' } });
    assert.match(asked, /\|\d+$/);
    await page.waitForFunction((id) => window.directLineActivities.some((a) => a.id === id && a.from?.id === 'demo.agent'), asked); // the echo Web Chat waits for
    const details = cardOf(await replyTo(asked)); // replyToId is the posted id, so Web Chat shows it at once
    assert.match(cardText(details), /Lena Locked/);
    assert.match(cardText(details), /^LOCKED$/m);
    const actions = cardActions(details);
    assert.ok(actions.length > 0);
    assert.deepEqual(actions.filter((a) => a.type !== 'Action.Submit'), [], 'Web Chat 4.18 ignores Action.Execute');
    const unlock = actions.find((a) => (a.data as { verb?: string } | undefined)?.verb === 'account.unlock');
    assert.ok(unlock, 'an Unlock button');
    // Ids only: the login, and the card the button is on (a refused press keeps that card).
    assert.deepEqual(unlock.data, { verb: 'account.unlock', user: 'demo.locked', card: 'user-details' });

    // The button press, as Web Chat sends an Action.Submit: the data as `value`, postBack, no text.
    const pressed = await post({ type: 'message', from: USER, value: { ...(unlock.data as object) }, channelData: { postBack: true, clientActivityID: 'c2' } });
    const confirm = cardOf(await replyTo(pressed));
    assert.match(cardText(confirm), /Expires/);
    assert.match(cardText(confirm), /Lena Locked/);
    const confirmButton = cardActions(confirm).find((a) => a.title === 'Confirm');
    assert.equal(confirmButton?.type, 'Action.Submit');

    assert.equal(await page.evaluate(() => window.directLine.connectionStatus$.getValue()), 2, 'ConnectionStatus.Online');
    assert.doesNotMatch(app.output, /\[page error\]/);
  });
});
