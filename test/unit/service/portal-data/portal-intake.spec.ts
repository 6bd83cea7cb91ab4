// The portal API's event intake (PortalIntake.acceptEvents): events are filed under the directory's
// sAMAccountName; a login the directory does not know, or one that names two accounts, is filed as unknown
// under the login as sent, and the rest of the batch is kept.
import assert from 'node:assert/strict';
import { HelpdeskError } from '../../../../src/domain/errors';
import type { Directory } from '../../../../src/ports/directory.port';
import { PortalIntake } from '../../../../src/service/portal-data/portal-intake';
import { demoFixture } from '../../../helpers/service-fixture';

describe('PortalIntake: events from the portal API', () => {
  it('a login naming two accounts is filed as unknown; the known user’s events in the same batch are kept', async () => {
    const f = demoFixture();
    const directory = Object.assign(Object.create(f.directory) as Directory, {
      findByLogin: async (login: string) => {
        if (login === 'j.doe@demo.example') throw new HelpdeskError('DIR.AMBIGUOUS', undefined, { query: login });
        return f.directory.findByLogin(login);
      },
    });
    const intake = new PortalIntake({ directory, store: f.store, clock: f.clock, cipher: f.cipher });
    const at = f.clock.now().toISOString();
    const result = await intake.acceptEvents([
      { user: 'J.Doe@demo.example', type: 'sign-in', outcome: 'failure', at, ip: '198.51.100.9' },
      { user: 'john.doe', type: 'sign-in', outcome: 'success', at, ip: '198.51.100.9' },
    ]);
    assert.deepEqual(result, { accepted: 2, duplicates: 0, unknownUsers: 1 });
    const filed = await f.store.portalEvents.list({ user: 'j.doe@demo.example', limit: 5 });
    assert.deepEqual(filed.map((e) => [e.type, e.outcome, e.unknownUser]), [['sign-in', 'failure', true]]);
    assert.deepEqual((await f.store.portalEvents.list({ user: 'john.doe', limit: 5 })).map((e) => [e.outcome, e.unknownUser]), [['success', false]]);
  });
});
