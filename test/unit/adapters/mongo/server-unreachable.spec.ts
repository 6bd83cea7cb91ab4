// The MongoDB store held unreachable (src/adapters/mongo/mongo-unreachable.ts), without a server: once a call
// has waited its full timeout for no server, the next calls wait at most QUICK_MS for one shared ping and are
// refused without being started; the server answering the ping lets them through again. (Named without
// "mongo" in the file name: it needs no FerretDB. The real server stopped is test/faults/mongo-store.spec.ts.)
import assert from 'node:assert/strict';
import { MongoServerSelectionError, MongoServerError } from 'mongodb';
import { mongoUnavailable } from '../../../../src/adapters/mongo/mongo-errors';
import { failingFastWhileUnreachable, QUICK_MS } from '../../../../src/adapters/mongo/mongo-unreachable';
import { isHelpdeskError } from '../../../../src/domain/errors';

const isStoreUnavailable = (e: unknown) => isHelpdeskError(e) && e.code === 'STORE.UNAVAILABLE';

/** A store of one repository whose calls fail as `failure()` says, counting the calls that were started. */
function fakeStore(failure: () => unknown) {
  const started: string[] = [];
  const call = (name: string) => async () => {
    started.push(name);
    const e = failure();
    if (e) throw mongoUnavailable(name, e);
    return name;
  };
  return { started, store: { confirmations: { consume: call('consume') }, audit: { append: call('append') }, ping: call('ping'), close: call('close') } };
}

async function timedRejection(p: Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await assert.rejects(p, isStoreUnavailable);
  return performance.now() - t0;
}

describe('MongoDB store: a server that did not answer', () => {
  it('after one call waited for no server, the next ones are refused within QUICK_MS, unstarted', async () => {
    const { started, store } = fakeStore(() => new MongoServerSelectionError('Server selection timed out', { servers: new Map(), type: 'Unknown' } as never));
    let pings = 0;
    const s = failingFastWhileUnreachable(store, () => {
      pings += 1;
      return new Promise(() => undefined); // the server never answers
    });
    await assert.rejects(s.confirmations.consume(), isStoreUnavailable);
    const [a, b] = await Promise.all([timedRejection(s.audit.append()), timedRejection(s.ping())]);
    assert.ok(a < QUICK_MS + 200 && b < QUICK_MS + 200, `refused after ${Math.round(a)} and ${Math.round(b)} ms`);
    assert.deepEqual(started, ['consume'], 'no call was started while the server was held unreachable');
    assert.equal(pings, 1, 'one shared ping');
  });

  it('lets calls through again as soon as the ping passes', async () => {
    let down = true;
    const { started, store } = fakeStore(() => (down ? new MongoServerSelectionError('Server selection timed out', { servers: new Map(), type: 'Unknown' } as never) : undefined));
    const s = failingFastWhileUnreachable(store, async () => {
      if (down) throw new Error('no server');
    });
    await assert.rejects(s.confirmations.consume(), isStoreUnavailable);
    await assert.rejects(s.audit.append(), isStoreUnavailable);
    down = false;
    assert.equal(await s.audit.append(), 'append');
    assert.equal(await s.confirmations.consume(), 'consume');
    assert.deepEqual(started, ['consume', 'append', 'consume']);
  });

  it('does not hold the server unreachable for a refusal that cost no wait (a server error)', async () => {
    const { started, store } = fakeStore(() => new MongoServerError({ message: 'not authorized', code: 13 }));
    const s = failingFastWhileUnreachable(store, () => Promise.reject(new Error('not asked')));
    await assert.rejects(s.confirmations.consume(), isStoreUnavailable);
    await assert.rejects(s.audit.append(), isStoreUnavailable);
    assert.deepEqual(started, ['consume', 'append']);
  });
});
