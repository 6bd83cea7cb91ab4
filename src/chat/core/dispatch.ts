// What every chat surface does with a message or a button: parse, call the service, and turn anything
// unexpected into one polite error view (with a reference to the log line), never a stack trace.
import { randomUUID } from 'node:crypto';
import { isVerb, type ButtonPress } from '../../domain/verbs';
import { inLogScope, type Logger } from '../../ports/logger.port';
import type { HelpdeskService } from '../../service/helpdesk-service';
import type { RequestContext, ErrorView, View } from '../../service/kernel';
import { parseCommand } from './command-parser';

export function newCorrelationId(): string {
  return randomUUID();
}

function errorView(ctx: RequestContext, code: ErrorView['code'], params: ErrorView['params'] = {}): ErrorView {
  return { kind: 'error', code, params, correlationId: ctx.correlationId };
}

/** The one answer to anything unexpected: a polite sentence with the request's whole correlation id, never a stack trace. */
export function internalError(correlationId: string): ErrorView {
  return { kind: 'error', code: 'INTERNAL', params: { ref: correlationId }, correlationId };
}

/**
 * Every line logged while the service answers (adapters' included) carries the request's correlation id
 * and surface; the unexpected is answered with that same id, whole, so the operator finds its lines.
 */
function guarded(ctx: RequestContext, logger: Logger, run: () => Promise<View>): Promise<View> {
  return inLogScope(logger, { correlationId: ctx.correlationId, surface: ctx.surface }, async () => {
    try {
      return await run();
    } catch (err) {
      logger.error({ err, correlationId: ctx.correlationId, surface: ctx.surface }, 'unexpected failure');
      return internalError(ctx.correlationId);
    }
  });
}

/** A typed message (mention already stripped). */
export function dispatchText(service: HelpdeskService, logger: Logger, ctx: RequestContext, text: string): Promise<View> {
  const parsed = parseCommand(text);
  if (!parsed.ok) {
    const params: Record<string, string> = {};
    if (parsed.word !== undefined) params.word = parsed.word;
    if (parsed.usage !== undefined) params.usage = parsed.usage;
    for (const key of ['option', 'value', 'user'] as const) if (parsed[key] !== undefined) params[key] = parsed[key];
    return Promise.resolve(errorView(ctx, parsed.code, params));
  }
  return guarded(ctx, logger, () => service.command(ctx, parsed.command));
}

/**
 * A button press as it arrived (card data / Slack action value): only a known verb and flat string ids
 * are passed on; anything else is answered as an invalid button.
 */
export function dispatchPress(service: HelpdeskService, logger: Logger, ctx: RequestContext, raw: unknown): Promise<View> {
  const press = toButtonPress(raw);
  if (!press) return Promise.resolve(errorView(ctx, 'CONFIRM.INVALID'));
  return guarded(ctx, logger, () => service.press(ctx, press));
}

export function toButtonPress(raw: unknown): ButtonPress | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { verb, ...rest } = raw as Record<string, unknown>;
  if (!isVerb(verb)) return undefined;
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (typeof value === 'string' && value.length <= 512) data[key] = value;
  }
  return { verb, data };
}
