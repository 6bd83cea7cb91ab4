// Portal sessions as the pages keep them in the store: a session idle past its lifetime is refused (a new
// one is made) and purged from the store as later visitors arrive, so the table does not grow forever.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DEFAULT_PORTAL_QUESTIONS } from '../../../src/config/load-config';
import { CALLER_CODE_POLICY } from '../../../src/domain/one-time-code';
import { createHttpServer, type HttpServer } from '../../../src/http/server';
import { portalMount } from '../../../src/portal/portal-routes';
import { silentLogger } from '../../../src/ports/logger.port';
import { OneTimeCodes } from '../../../src/service/one-time-codes';
import { SelfService } from '../../../src/service/self-service';
import { DEMO_SETTINGS, demoFixture, type Fixture } from '../../helpers/service-fixture';

describe('Portal sessions in the store', () => {
  let f: Fixture;
  let http: HttpServer;
  let base: string;
  before(async () => {
    f = demoFixture();
    const selfService = new SelfService({
      directory: f.directory, store: f.store, clock: f.clock, logger: silentLogger, cipher: f.cipher, pins: f.service.pins,
      codes: new OneTimeCodes(f.store.portalCodes, f.clock, Buffer.alloc(32, 3), CALLER_CODE_POLICY, 'codes'), orgName: 'Demo Corp',
      protection: DEMO_SETTINGS.protection, decoyKey: Buffer.alloc(32, 4),
      settings: { lockAfter: 5, questionsAsked: 3, questions: DEFAULT_PORTAL_QUESTIONS, minQuestions: 3, minAnswerLength: 3 },
    });
    http = createHttpServer({
      logger: silentLogger, health: async () => ({ ready: true, checks: {} }) as never,
      mounts: [portalMount({ selfService, store: f.store, clock: f.clock, logger: silentLogger, orgName: 'Demo Corp', production: false, sessionIdleMs: 10 * 60_000, sessionMaxMs: 30 * 60_000, ratePerMinute: 100, pageRatePerMinute: 1000, csrfKey: Buffer.alloc(32, 5) })],
    });
    const port = await http.listen(0, '127.0.0.1');
    base = `http://localhost:${port}`;
  });
  after(() => http?.close());

  const visit = async (cookie?: string) => {
    const res = await fetch(`${base}/portal/`, { headers: cookie ? { cookie } : {} });
    assert.equal(res.status, 200);
    return res.headers.get('set-cookie')?.split(';')[0];
  };
  const stored = (cookie: string) => f.store.portalSessions.get(createHash('sha256').update(cookie.split('=')[1] as string).digest('hex'));

  it('keeps a live session, replaces an idle one, and purges idle sessions from the store', async () => {
    const first = (await visit()) as string;
    assert.ok(await stored(first));
    f.clock.advance(9 * 60_000);
    assert.equal(await visit(first), undefined, 'still live: no new cookie');
    f.clock.advance(9 * 60_000);
    assert.equal(await visit(first), undefined, 'a visit restarted the idle clock: 18 minutes old, 9 idle');
    f.clock.advance(11 * 60_000);
    const second = await visit(first);
    assert.ok(second && second !== first, 'idle past 10 minutes: a new session');
    assert.equal(await stored(first), null, 'the idle one is gone');

    const third = (await visit()) as string;
    f.clock.advance(11 * 60_000);
    await visit(); // a stranger arrives; the purge runs (at most every 5 minutes)
    assert.equal(await stored(third), null, 'purged without its owner coming back');
  });
});
