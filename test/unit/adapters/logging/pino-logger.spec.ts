import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../../../src/adapters/logging/pino-logger';

describe('createLogger', () => {
  it('redacts secret-bearing fields at any of the first three levels', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const logger = createLogger({ level: 'info', destination: sink });
    logger.info({ password: 'Hunter2!x', pin: '12345678', req: { headers: { authorization: 'Bearer abc' } }, result: { secret: { value: 'S3cret!' } }, user: 'jdoe' }, 'event');
    const out = lines.join('');
    for (const secret of ['Hunter2!x', '12345678', 'Bearer abc', 'S3cret!']) assert.ok(!out.includes(secret), `${secret} is not logged`);
    assert.ok(out.includes('"user":"jdoe"'));
  });

  it('logs an error without the request it carries (which may hold a card with a password)', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const logger = createLogger({ level: 'info', destination: sink });
    const err = Object.assign(new Error('connector said 500'), { statusCode: 500, request: { body: '{"text":"New password: Xy7#kP9q"}' } });
    logger.error({ err }, 'bot turn failed');
    const out = lines.join('');
    assert.ok(out.includes('connector said 500') && out.includes('"statusCode":500'));
    assert.ok(!out.includes('Xy7#kP9q'));
  });
});
