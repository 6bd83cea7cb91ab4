import assert from 'node:assert/strict';
import { DemoDirectory, demoGroupDn } from '../../../../src/adapters/demo/demo-directory';
import { TestClock } from '../../../helpers/service-fixture';

describe('DemoDirectory', () => {
  const dir = () => new DemoDirectory(new TestClock());

  it('finds users by login, UPN, name prefix and phone, and says it is demo data', async () => {
    const d = dir();
    const logins = async (q: string) => (await d.search(q, 10)).map((e) => e.sAMAccountName).sort();
    assert.deepEqual(await logins('john.doe'), ['john.doe']);
    assert.deepEqual(await logins('JOHN.DOE@demo.example'), ['john.doe']);
    assert.deepEqual(await logins('smith'), ['james.smithers', 'jane.smith']);
    assert.deepEqual(await logins("o'brien"), ['conor.obrien']);
    assert.deepEqual(await logins('Zoë'), ['zoe.muller']);
    assert.deepEqual(await logins('+1 555 0120'), ['demo.locked']);
    assert.deepEqual(await logins('*'), []);
    assert.equal((await d.search('john', 10))[0]?.source, 'demo');
  });

  it('finds what an agent hears, like the LDAP adapter: ASCII names, phone digits, proxy addresses as shown', async () => {
    const d = dir();
    const logins = async (q: string) => (await d.search(q, 10)).map((e) => e.sAMAccountName).sort();
    for (const q of ['zoe', 'muller', 'Müller']) assert.deepEqual(await logins(q), ['zoe.muller'], q);
    // Names by prefix ignore accents too: María García's login holds neither name.
    for (const q of ['garcia', 'GARCIA', 'García', 'maria garcia', 'Maria G']) assert.deepEqual(await logins(q), ['maria.finance'], q);
    for (const q of ['555-0130', '5550130', '555 0130']) assert.deepEqual(await logins(q), ['jane.smith'], q);
    assert.deepEqual(await logins('555 0199'), ['demo.locked']);
    assert.deepEqual(await logins('550130'), [], 'fewer than 7 digits');
    assert.deepEqual(await logins('smtp:j.doe@demo.example'), ['john.doe']);
    assert.deepEqual(await logins('SMTP:john.doe@demo.example'), ['john.doe']);
    assert.deepEqual(await logins('5'.repeat(10_240)), []);
  });

  it('resolves group names and DNs to DN-like ids, as start-up needs', async () => {
    const d = dir();
    const [byName, byDn, missing] = await d.resolveGroups(['helpdesk supervisors', demoGroupDn('Helpdesk Agents'), 'Schema Admins']);
    assert.deepEqual(byName, { name: 'helpdesk supervisors', groups: [{ id: demoGroupDn('Helpdesk Supervisors'), name: 'Helpdesk Supervisors' }] });
    assert.deepEqual(byDn?.groups.map((g) => g.name), ['Helpdesk Agents']);
    assert.deepEqual(missing?.groups, []);
    assert.equal(await d.serviceAccount(), undefined);
    const agent = await d.findByLogin('demo.agent');
    assert.ok((await d.groupsOf(agent!.dn)).some((g) => g.id === demoGroupDn('Helpdesk Agents')));
  });

  it('resolves nested groups transitively', async () => {
    const d = dir();
    const agent = await d.findByLogin('demo.agent');
    assert.ok(agent);
    const groups = (await d.groupsOf(agent.dn)).map((g) => g.name);
    assert.ok(groups.includes('Helpdesk Tier1') && groups.includes('Helpdesk Agents') && groups.includes('All Staff'));
  });

  it('unlocks and resets in memory', async () => {
    const d = dir();
    const locked = await d.findByLogin('demo.locked');
    assert.equal(locked?.account.locked, true);
    await d.unlock(locked!.dn);
    assert.equal((await d.findByLogin('demo.locked'))?.account.locked, false);
    await d.setPassword(locked!.dn, 'A-good-Passw0rd', { mustChange: true });
    assert.equal((await d.findByLogin('demo.locked'))?.account.passwordMustChange, true);
  });
});
