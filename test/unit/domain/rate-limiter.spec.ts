// The token bucket behind the portal's rate limits and its SMS cap (3 texts per 15 minutes per login).
import assert from 'node:assert/strict';
import { RateLimiter } from '../../../src/domain/rate-limiter';

describe('RateLimiter', () => {
  it('allows `perWindow` at once, refuses the next with the wait, and refills over the window', () => {
    let now = 0;
    const texts = new RateLimiter(3, () => now, 15 * 60_000);
    for (let i = 0; i < 3; i++) assert.deepEqual(texts.take('jdoe'), { ok: true });
    assert.deepEqual(texts.take('jdoe'), { ok: false, retryAfterSeconds: 300 });
    assert.deepEqual(texts.take('asmith'), { ok: true }, 'each client has its own bucket');
    now += 5 * 60_000;
    assert.deepEqual(texts.take('jdoe'), { ok: true }, 'one text back after a third of the window');
    assert.equal(texts.take('jdoe').ok, false);
  });

  it('counts per minute unless told otherwise', () => {
    let now = 0;
    const perIp = new RateLimiter(2, () => now);
    assert.ok(perIp.take('a').ok && perIp.take('a').ok);
    assert.deepEqual(perIp.take('a'), { ok: false, retryAfterSeconds: 30 });
    now += 30_000;
    assert.ok(perIp.take('a').ok);
  });
});
