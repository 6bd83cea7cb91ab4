// `lockout <user>` against two Samba DCs of one domain (scripts/samba-dc-pair.sh): a user locked by wrong
// passwords on the second DC alone; the card names the second DC, and each DC's own count is read on its own
// connection (DC1 saw none).
import assert from 'node:assert/strict';
import { LdapDirectory } from '../../src/adapters/ldap/ldap-directory';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store';
import { silentLogger } from '../../src/ports/logger.port';
import { renderCard } from '../../src/chat/cards/render-card';
import { renderView } from '../../src/chat/slack/slack-renderer';
import { lockoutAnalysis } from '../../src/service/desk/lockout';
import type { UseCaseCall, UseCaseEnv } from '../../src/service/kernel/use-case';
import type { LockoutView } from '../../src/service/kernel/views';
import { DEMO_SETTINGS } from '../helpers/service-fixture';
import { replicate, startPair, stopPair, wrongBinds, type SambaPair } from '../helpers/samba-pair';

describe('lockout <user> on two Samba DCs of one domain', function () {
  this.timeout(300_000);
  let pair: SambaPair | undefined;
  let directory: LdapDirectory;

  before(async () => {
    pair = await startPair();
    directory = new LdapDirectory({ url: pair.dc1.url, bindDN: pair.adminDN, bindPassword: pair.adminPassword, baseDN: pair.baseDN, caFile: pair.caFile, timeoutMs: 5000 });
  });
  after(async () => {
    await directory?.close();
    await stopPair(pair);
  });

  // Only what lockoutAnalysis uses: the directory, the store's portal events, the clock and the settings.
  function call(): UseCaseCall {
    const store = openSqliteStore({ path: ':memory:', auditKey: Buffer.alloc(32, 7), clock: { now: () => new Date() } });
    const env = { directory, store, clock: { now: () => new Date() }, logger: silentLogger, settings: DEMO_SETTINGS } as unknown as UseCaseEnv;
    const actor = { user: { dn: 'CN=Someone Else,CN=Users,' + (pair?.baseDN ?? ''), sAMAccountName: 'someone' }, role: 'agent' };
    return { env, ctx: { correlationId: 't', surface: 'console' }, actor, subject: { action: 'lockout.view' } } as unknown as UseCaseCall;
  }

  it('a lockout from wrong passwords on DC2: the card names DC2, DC2 counted them and DC1 saw none', async () => {
    const p = pair as SambaPair;
    assert.deepEqual(await wrongBinds(p, p.dc2.url, 4), ['52e', '52e', '52e', '775']);
    const view = (await lockoutAnalysis(call(), p.user)) as LockoutView;
    const dc1 = p.dc1.name.split('.')[0] ?? '';
    const dc2 = p.dc2.name.split('.')[0] ?? '';
    assert.equal(view.locked, true);
    assert.equal(view.origin?.dc, dc2);
    assert.equal(view.origin?.from, 'replPropertyMetaData'); // Samba offers no msDS-ReplAttributeMetaData
    assert.deepEqual(view.dcs.map((d) => [d.dc, d.reachable, d.badPwdCount]).sort(), [[dc1, true, 0], [dc2, true, 3]].sort());
    assert.match(view.summary, new RegExp(`^Locked at \\d\\d:\\d\\d UTC on ${dc2} after 3 bad passwords within 30 minutes; ${dc1} saw none — look at what authenticates against ${dc2}\\.$`));
    assert.deepEqual(view.actions.map((a) => a.verb), ['user.show', 'account.unlock']);

    const card = JSON.stringify(renderCard(view, { actions: 'execute' }));
    assert.ok(card.includes(`on ${dc2} after 3 bad passwords`), card);
    const slack = JSON.stringify(renderView(view, { ephemeral: false }));
    assert.ok(slack.includes(`on ${dc2} after 3 bad passwords`), slack);
  });

  it('after an unlock written on DC1, DC2 still holds its count: the card says the next wrong password there locks again', async () => {
    const p = pair as SambaPair;
    const entry = await directory.findByLogin(p.user);
    assert.ok(entry);
    // DC1 first learns of the lockout, as AD's PDC does at once (urgent replication); Samba waits for its
    // schedule. Unlocking a DC that has not seen the lockout writes no change (0 over 0), so the lockout
    // would reach DC1 later and lock it too.
    await replicate(p, 'dc1', 'dc2');
    await directory.unlock(entry.dn); // on DC1, the configured DC
    // The unlock reaches DC2 by replication (forced now and then: it sometimes waits minutes on its own).
    let view = (await lockoutAnalysis(call(), p.user)) as LockoutView;
    for (let i = 0; view.locked && i < 12; i++) {
      await new Promise((r) => setTimeout(r, 2500));
      if (i % 2 === 1) await replicate(p, 'dc2', 'dc1');
      view = (await lockoutAnalysis(call(), p.user)) as LockoutView;
    }
    const dc2 = p.dc2.name.split('.')[0] ?? '';
    assert.equal(view.locked, false);
    assert.match(view.summary, new RegExp(`the next wrong password on ${dc2} locks the account again at once`));
  });
});
