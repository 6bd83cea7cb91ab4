// A request's log lines (issue 19, item 2): every line logged while the service answers, by whoever logs
// it, carries the correlation id and the surface; the unexpected is answered with that same id, which
// finds its lines in the log.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../../../src/adapters/logging/pino-logger';
import { dispatchText } from '../../../../src/chat/core/dispatch';
import { errorText } from '../../../../src/chat/core/error-text';
import type { HelpdeskService } from '../../../../src/service/helpdesk-service';
import type { RequestContext } from '../../../../src/service/kernel';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk)) as Record<string, unknown>); done(); } });
  return { lines, logger: createLogger({ level: 'debug', destination: sink }) };
}

const ctx: RequestContext = {
  surface: 'slack', identity: { chatUserId: 'U1AGENT', login: 'agent' }, correlationId: '5d0c1f0e-7a3b-4c55-9f0e-2b1d3c4e5f60', conversation: 'personal',
};

describe('dispatch: the log lines of a request', () => {
  it('an adapter\'s line logged during the request (after awaits) carries the id and surface; the unexpected answer shows the id whole', async () => {
    const { lines, logger } = capture();
    // An "adapter" with the same logger, logging deep inside the service's work, unaware of the request.
    const service = {
      async command() {
        await new Promise((r) => setTimeout(r, 5));
        logger.warn({ operation: 'search' }, 'directory answered slowly');
        throw new Error('boom');
      },
    } as unknown as HelpdeskService;
    const view = await dispatchText(service, logger, ctx, 'user jdoe');
    assert.equal(view.kind, 'error');
    assert.ok(view.kind === 'error' && view.code === 'INTERNAL');
    const answer = errorText('INTERNAL', view.params);
    assert.ok(answer.includes(`Reference: ${ctx.correlationId}.`), answer);
    assert.equal(lines.length, 2);
    for (const line of lines) {
      assert.equal(line.correlationId, ctx.correlationId, JSON.stringify(line));
      assert.equal(line.surface, 'slack');
    }
    // The reference the user reads back finds the lines.
    const ref = /Reference: ([0-9a-f-]+)\./.exec(answer)?.[1];
    assert.equal(lines.filter((l) => l.correlationId === ref).length, 2);
  });

  it('two requests at once keep their own ids; a line outside any request has none', async () => {
    const { lines, logger } = capture();
    const service = {
      async command(c: RequestContext) {
        await new Promise((r) => setTimeout(r, c.surface === 'teams' ? 10 : 1));
        logger.info({}, `answered ${c.surface}`);
        return { kind: 'help', role: 'agent', commands: [] };
      },
    } as unknown as HelpdeskService;
    const other: RequestContext = { ...ctx, surface: 'teams', correlationId: 'aaaaaaaa-0000-4000-8000-000000000000' };
    await Promise.all([dispatchText(service, logger, ctx, 'help'), dispatchText(service, logger, other, 'help')]);
    logger.info({}, 'background');
    const by = (msg: string) => lines.find((l) => l.msg === msg);
    assert.equal(by('answered slack')?.correlationId, ctx.correlationId);
    assert.equal(by('answered teams')?.correlationId, other.correlationId);
    assert.equal(by('answered teams')?.surface, 'teams');
    assert.equal(by('background')?.correlationId, undefined);
  });
});
