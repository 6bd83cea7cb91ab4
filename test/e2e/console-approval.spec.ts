// An agent's `pin <user> view` in the local console (npm start, demo data), in Chromium: the request card
// and the role re-check on its Approve button. (Each identity picked in the console has its own
// conversation, so a supervisor there never sees the agent's card: the console has no supervisors'
// conversation.) Screenshots: test-output/console-approval-*.png.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/app-process';
import { openConsole, type ConsoleSession } from '../helpers/console-session';

const OUTPUT = path.join(ROOT, 'test-output');

describe('Local console in Chromium: approval of an agent\'s pin view', function () {
  this.timeout(120_000);
  let s: ConsoleSession;

  before(async () => {
    s = await openConsole({ width: 1280, height: 900 }); // open as the demo agent
  });
  after(async () => {
    await s?.close();
  });

  async function shot(name: string): Promise<void> {
    mkdirSync(OUTPUT, { recursive: true });
    await s.page.screenshot({ path: path.join(OUTPUT, name) });
    assert.ok(existsSync(path.join(OUTPUT, name)));
  }

  it('agent asks → a pending request card (what was typed, who asked, the state); the agent\'s own Approve is refused', async () => {
    await s.command('pin john.doe view');
    const pending = s.card('Pending');
    await pending.waitFor();
    await assert.doesNotReject(pending.getByText('pin john.doe view').waitFor());
    await assert.doesNotReject(pending.getByText(/Waiting for a supervisor other than/).waitFor());
    assert.equal(await pending.getByText('John Doe').count(), 0, 'nothing about the user beyond what was typed');
    await shot('console-approval-pending.png');
    await pending.getByRole('button', { name: 'Approve' }).click();
    await s.card(/needs the supervisor role/).waitFor();
    await shot('console-approval-refused.png');
    assert.doesNotMatch(s.app.output, /\[page error\]/);
  });
});
