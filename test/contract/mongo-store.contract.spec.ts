// The store contract against MongoDB: FerretDB started for the run (or MONGODB_URL), a fresh database per
// test. The store under test reaches the server through a loopback proxy that the tamper can cut (an
// unwritable store); its twins, like other replicas, connect directly to the same database.
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import ConnectionString from 'mongodb-connection-string-url';
import { openMongoStore } from '../../src/adapters/mongo/mongo-store';
import type { Store } from '../../src/ports/store.port';
import { mongoTestUrl } from '../helpers/ferretdb';
import { startPausingProxy } from '../helpers/pausing-proxy';
import { mongoTamper } from './mongo-tamper';
import { describeStoreContract } from './store.contract';

/** The store under test gives up this soon when the server is gone (server selection and connect). */
const TIMEOUT_MS = 1000;

describeStoreContract('mongodb', async () => {
  const url = mongoTestUrl();
  const cs = new ConnectionString(url);
  const [host = '127.0.0.1', port = '27017'] = (cs.hosts[0] ?? '').split(':');
  const proxy = await startPausingProxy(host, Number(port));
  const proxied = new ConnectionString(url);
  proxied.hosts = [`127.0.0.1:${proxy.port}`];
  proxied.searchParams.set('directConnection', 'true');
  const auditKey = randomBytes(32);
  const store = await openMongoStore({ url: proxied.toString(), auditKey, timeoutMs: TIMEOUT_MS });
  const admin = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  const db = admin.db(cs.pathname.slice(1));
  const twins: Store[] = [];
  return {
    store,
    tamper: mongoTamper(db, proxy, 2 * TIMEOUT_MS),
    async openTwin() {
      const twin = await openMongoStore({ url, auditKey });
      twins.push(twin);
      return twin;
    },
    async cleanup() {
      for (const twin of twins) await twin.close();
      await store.close();
      await proxy.close();
      await db.dropDatabase();
      await admin.close();
    },
  };
});
