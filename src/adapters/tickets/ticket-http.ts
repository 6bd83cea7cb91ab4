// The HTTP calls every ticket adapter makes: JSON in and out, bounded by a timeout, and the vendor's
// failures mapped onto our codes. Down, timing out, 429 or 5xx → TICKETS.UNAVAILABLE (worth a retry);
// any other 4xx → TICKETS.REJECTED (credentials, rights, shape: a retry would get the same). A 404 is
// handed back to the caller, which knows whether "not there" is an answer. Nothing of a request or
// answer body goes into an error message (they may hold personal data).
import { HelpdeskError } from '../../domain/errors';

export interface TicketHttpOptions {
  readonly timeoutMs: number;
  /** Authorization and vendor headers. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface TicketHttpAnswer {
  readonly status: number;
  readonly json: unknown;
}

export async function ticketRequest(
  options: TicketHttpOptions,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  url: string,
  body?: unknown,
  extraHeaders: Readonly<Record<string, string>> = {},
): Promise<TicketHttpAnswer> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...options.headers, ...extraHeaders },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'manual',
    });
  } catch (err) {
    throw new HelpdeskError('TICKETS.UNAVAILABLE', `ticket system ${method} ${new URL(url).pathname}: ${err instanceof Error ? err.name : 'failed'}`, {}, { cause: err });
  }
  const text = await res.text().catch(() => '');
  if (res.status === 429 || res.status >= 500) {
    throw new HelpdeskError('TICKETS.UNAVAILABLE', `ticket system ${method} ${new URL(url).pathname}: HTTP ${res.status}`);
  }
  if (res.status >= 300 && res.status !== 404) {
    throw new HelpdeskError('TICKETS.REJECTED', `ticket system ${method} ${new URL(url).pathname}: HTTP ${res.status}`);
  }
  let json: unknown = undefined;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, json };
}

/** Basic auth with a user (ServiceNow user, Jira e-mail) and the token as its password; a token alone is a bearer token. */
export function authHeader(token: string, user?: string): Record<string, string> {
  return user ? { Authorization: `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}` } : { Authorization: `Bearer ${token}` };
}

/** A field of a JSON answer, or a REJECTED error naming what was missing (a system answering another shape). */
export function field(json: unknown, ...path: string[]): unknown {
  let node: unknown = json;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

export function requiredString(json: unknown, what: string, ...path: string[]): string {
  const v = field(json, ...path);
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  throw new HelpdeskError('TICKETS.REJECTED', `ticket system answered without ${what}`);
}

/** Our references are `mypass-` and hex: safe inside TicketSQL, encoded queries and JQL strings. */
export function assertRef(ref: string): string {
  if (!/^mypass-[0-9a-f]{8,64}$/.test(ref)) throw new Error(`not a ticket reference: ${ref.slice(0, 40)}`);
  return ref;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
