// The local console in Chromium as the e2e specs drive it: `npm start`'s defaults (the app's entry point
// with no credentials, a temporary data folder, a free port), Debian's Chromium, the page open as the
// demo agent. `card(text)` is the newest card holding the text; `command(text)` types into the box.
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, startApp, type RunningApp } from './app-process';

export interface ConsoleSession {
  readonly app: RunningApp;
  readonly page: Page;
  card(text: string | RegExp): Locator;
  command(text: string): Promise<void>;
  /** Closes the browser and stops the app, which must exit 0 on SIGTERM. */
  close(): Promise<void>;
}

/**
 * `timezoneId`: the browser's zone, which the console sends with every message (default UTC, so the
 * cards' times read the same on every machine).
 */
export async function openConsole(viewport = { width: 1280, height: 1000 }, timezoneId = 'UTC'): Promise<ConsoleSession> {
  const app = await startApp();
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport, timezoneId });
    page.on('pageerror', (err) => (app.output += `\n[page error] ${err.message}`));
    await page.goto(`${app.base}/`);
    await page.getByText('You are Agent (demo.agent)').waitFor();
    const opened = browser;
    return {
      app,
      page,
      card: (text) => page.locator('.ac-adaptiveCard').filter({ hasText: text }).last(),
      async command(text) {
        const box = page.getByRole('textbox', { name: 'Command' });
        await box.fill(text);
        await box.press('Enter');
      },
      async close() {
        await opened.close();
        assert.equal(await app.stop(), 0, `graceful shutdown on SIGTERM should exit 0:\n${app.output}`);
      },
    };
  } catch (e) {
    await browser?.close();
    await app.stop();
    throw e;
  }
}
