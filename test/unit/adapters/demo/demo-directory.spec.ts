import assert from 'node:assert/strict';
import { DemoDirectory } from '../../../../src/adapters/demo/demo-directory';
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
