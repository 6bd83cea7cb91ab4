// The local console tells the bot the browser's time zone, as Web Chat does (`localTimezone`): the cards'
// times read in it, with UTC beside (hardening II, item 15). Chromium is run in Berlin's zone here.
import { openConsole, type ConsoleSession } from '../helpers/console-session';

describe('Local console in Chromium: times in the browser\'s time zone (npm start)', function () {
  this.timeout(120_000);
  let session: ConsoleSession;

  before(async () => {
    session = await openConsole(undefined, 'Europe/Berlin');
  });

  after(async () => {
    await session?.close();
  });

  it('user demo.locked: "Locked since … CET (… UTC)" (or CEST in summer)', async () => {
    await session.command('user demo.locked');
    const details = session.card('Lena Locked');
    await details.waitFor();
    await details.getByText(/Locked since \d{4}-\d\d-\d\d \d\d:\d\d CES?T \((\d{4}-\d\d-\d\d )?\d\d:\d\d UTC\)/).first().waitFor();
  });
});
