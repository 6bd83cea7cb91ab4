// Microsoft Graph, app-only: @microsoft/microsoft-graph-client with client-credentials tokens from
// @azure/identity's ClientSecretCredential.
//
// - Tokens are cached until two minutes before they expire; concurrent callers share one acquisition.
// - 429/503/504 are retried by the client's RetryHandler, honouring Retry-After, but only while the wait
//   fits in the call's time budget: every call (its retries and pages included) ends within timeoutMs.
// - Lists follow @odata.nextLink (absolute https URLs: the client keeps the bearer token on them).
// - Every failure becomes a HelpdeskError with a DIR.* code; no message carries a token or a secret.
import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { Client, GraphError, RetryHandlerOptions, type GraphRequest, type ShouldRetry } from '@microsoft/microsoft-graph-client';
import { HelpdeskError, isHelpdeskError, type ErrorCode } from '../../domain/errors';
import { type Logger, silentLogger } from '../../ports/logger.port';

export interface GraphApiOptions {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Graph's origin; default https://graph.microsoft.com (tests: a loopback https server). */
  readonly baseUrl?: string;
  /** The Entra authority host; default https://login.microsoftonline.com. */
  readonly authorityUrl?: string;
  /** Bound of every call, retries and pages included. Default 10000. */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
  /** Extra fetch options for Graph calls (tests: an undici dispatcher trusting their CA). */
  readonly fetchOptions?: Readonly<Record<string, unknown>>;
  /** PEM CA certificates the token requests trust besides Node's (tests). */
  readonly tokenCa?: string;
}

export interface ListOptions {
  readonly select?: readonly string[];
  readonly filter?: string;
  /** A $search expression, e.g. "displayName:jo" (needs ConsistencyLevel: eventual). */
  readonly search?: string;
  readonly top?: number;
  /** Advanced queries ($search, $count, some $filter): ConsistencyLevel: eventual and $count=true. */
  readonly eventual?: boolean;
  /** Stop after this many items (pages are still followed until then). */
  readonly max?: number;
}

const SCOPE = 'https://graph.microsoft.com/.default';
const TOKEN_MARGIN_MS = 2 * 60_000;
const MAX_PAGES = 50;

/** OData string literal: single quotes doubled (the only escape OData needs inside '…'). */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A $search term: quotes and backslashes removed, so the value cannot close its "…" (Graph has no escape for them). */
export function searchTerm(property: string, value: string): string {
  return `"${property}:${value.replace(/["\\]/g, ' ').trim()}"`;
}

/**
 * A $filter or $search value as it goes into the query string. The SDK pastes values in as they are, and a
 * query string reads a raw `+` as a space (an immutable id `ab+cd…` would match nobody) and a raw `&` or `#`
 * as the end of the value: the value is percent-encoded as a URI component (`+` → %2B; OData's doubled quotes stay).
 */
function queryValue(value: string): string {
  return encodeURIComponent(value);
}

export class GraphApi {
  private readonly client: Client;
  private readonly credential: TokenCredential;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private token?: { readonly value: string; readonly refreshAt: number };
  private pending?: Promise<string>;

  constructor(private readonly options: GraphApiOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.logger = options.logger ?? silentLogger;
    const baseUrl = (options.baseUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
    this.credential = new ClientSecretCredential(options.tenantId, options.clientId, options.clientSecret, {
      authorityHost: options.authorityUrl ?? 'https://login.microsoftonline.com',
      // The authority is the configured one, never a host learnt from Microsoft's discovery endpoint.
      disableInstanceDiscovery: true,
      retryOptions: { maxRetries: 1 },
      ...(options.tokenCa ? { tlsOptions: { ca: options.tokenCa } } : {}),
    });
    const host = new URL(baseUrl).hostname;
    this.client = Client.initWithMiddleware({
      baseUrl: `${baseUrl}/`,
      defaultVersion: 'v1.0',
      // The token is only attached on https, to graph.microsoft.com or these hosts.
      customHosts: new Set([host]),
      authProvider: { getAccessToken: () => this.accessToken() },
      ...(options.fetchOptions ? { fetchOptions: options.fetchOptions as Record<string, never> } : {}),
    });
  }

  /** A cached app-only token; a refused secret is DIR.BIND_FAILED with one clear sentence. */
  accessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.refreshAt) return Promise.resolve(this.token.value);
    this.pending ??= this.acquire().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async acquire(): Promise<string> {
    let got;
    try {
      got = await withTimeout(this.credential.getToken(SCOPE), this.timeoutMs, 'token');
    } catch (e) {
      throw tokenError(e, this.options.clientId);
    }
    if (!got) throw new HelpdeskError('DIR.BIND_FAILED', 'Entra ID issued no token for the Graph credentials');
    this.token = { value: got.token, refreshAt: Math.max(Date.now(), got.expiresOnTimestamp - TOKEN_MARGIN_MS) };
    return got.token;
  }

  async get<T>(path: string, select?: readonly string[]): Promise<T> {
    return this.call(`GET ${path}`, (budget) => {
      const req = this.request(path, budget);
      return (select?.length ? req.select([...select]) : req).get() as Promise<T>;
    });
  }

  /** A collection, page after page (@odata.nextLink), up to `max` items. */
  async list<T>(path: string, o: ListOptions = {}): Promise<T[]> {
    return this.call(`GET ${path}`, async (budget) => {
      let req = this.request(path, budget);
      if (o.select?.length) req = req.select([...o.select]);
      if (o.filter) req = req.filter(queryValue(o.filter));
      if (o.search) req = req.search(queryValue(o.search));
      if (o.top) req = req.top(o.top);
      if (o.eventual) req = req.header('ConsistencyLevel', 'eventual').count(true);
      const items: T[] = [];
      let page = (await req.get()) as Page<T>;
      for (let n = 1; ; n++) {
        items.push(...(page.value ?? []));
        const next = page['@odata.nextLink'];
        if (!next || (o.max !== undefined && items.length >= o.max) || n >= MAX_PAGES) break;
        let nextReq = this.request(next, budget);
        if (o.eventual) nextReq = nextReq.header('ConsistencyLevel', 'eventual');
        page = (await nextReq.get()) as Page<T>;
      }
      return o.max === undefined ? items : items.slice(0, o.max);
    });
  }

  async post<T>(path: string, body: unknown, options: { retry?: boolean } = {}): Promise<T> {
    return this.call(`POST ${path}`, (budget) => this.request(path, budget, options.retry ?? true).post(body) as Promise<T>);
  }

  async delete(path: string): Promise<void> {
    await this.call(`DELETE ${path}`, (budget) => this.request(path, budget).delete() as Promise<unknown>);
  }

  async patch(path: string, body: unknown): Promise<void> {
    await this.call(`PATCH ${path}`, (budget) => this.request(path, budget).patch(body) as Promise<unknown>);
  }

  private request(path: string, budget: Budget, retry = true): GraphRequest {
    const remaining = () => budget.deadline - Date.now();
    // Retry-After (seconds or a date) is what the handler waits; a wait that would outlast the budget is
    // not taken (then the 429 is the answer).
    const shouldRetry: ShouldRetry = (delay, _attempt, _req, _opts, res) => {
      const after = res.headers.get('Retry-After');
      const waitS = after === null ? delay : Number.isNaN(Number(after)) ? (Date.parse(after) - Date.now()) / 1000 : Number(after);
      return retry && waitS * 1000 < remaining() - 100;
    };
    return this.client
      .api(path)
      .option('signal', budget.signal)
      .middlewareOptions([new RetryHandlerOptions(1, 3, shouldRetry)]);
  }

  private async call<T>(what: string, run: (budget: Budget) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const budget: Budget = { deadline: Date.now() + this.timeoutMs, signal: controller.signal };
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      // The token first, outside the client (which would wrap a refused secret in its own error).
      await this.accessToken();
      return await withTimeout(run(budget), this.timeoutMs + 50, what);
    } catch (e) {
      const mapped = graphError(controller.signal.aborted && !isHelpdeskError(e) ? new Timeout(what) : e, what, this.timeoutMs);
      this.logger.warn({ call: what.replace(/\?.*$/, ''), code: mapped.code, status: statusOf(e) }, 'graph call failed');
      throw mapped;
    } finally {
      clearTimeout(timer);
    }
  }
}

interface Budget {
  readonly deadline: number;
  readonly signal: AbortSignal;
}

interface Page<T> {
  readonly value?: T[];
  readonly '@odata.nextLink'?: string;
}

function statusOf(e: unknown): number | undefined {
  return e instanceof GraphError ? e.statusCode : undefined;
}

class Timeout extends Error {}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Timeout(`${what}: no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Graph's answer → our code. 404 is "no such user"; 401/403 the app's rights; 429/5xx/network "unavailable". */
export function graphError(e: unknown, what: string, timeoutMs: number): HelpdeskError {
  if (isHelpdeskError(e)) return e;
  if (e instanceof Timeout || (e instanceof Error && e.name === 'AbortError')) {
    return new HelpdeskError('DIR.UNAVAILABLE', `Microsoft Graph did not answer within ${timeoutMs} ms (${what.split('?')[0]})`, {}, { cause: e });
  }
  if (e instanceof GraphError && e.statusCode > 0) {
    const code = e.code ?? '';
    const message = e.message ?? '';
    let ours: ErrorCode = 'DIR.ERROR';
    if (e.statusCode === 404) ours = 'DIR.USER_NOT_FOUND';
    else if (e.statusCode === 401) ours = 'DIR.BIND_FAILED';
    else if (e.statusCode === 403) ours = 'DIR.INSUFFICIENT_RIGHTS';
    else if (e.statusCode === 429 || e.statusCode >= 500) ours = 'DIR.UNAVAILABLE';
    else if (e.statusCode === 400 && /password/i.test(`${code} ${message}`)) ours = 'DIR.PASSWORD_POLICY';
    return new HelpdeskError(ours, `Microsoft Graph answered ${e.statusCode} ${code} to ${what.split('?')[0]}`, {}, { cause: e });
  }
  return new HelpdeskError('DIR.UNAVAILABLE', `Microsoft Graph could not be reached (${what.split('?')[0]}): ${e instanceof Error ? e.message : String(e)}`, {}, { cause: e });
}

/** A token request that failed: a refused secret says so (AADSTS codes are safe to show; the secret is never in them). */
function tokenError(e: unknown, clientId: string): HelpdeskError {
  if (e instanceof Timeout) return new HelpdeskError('DIR.UNAVAILABLE', `Entra ID did not issue a Graph token in time: ${e.message}`, {}, { cause: e });
  const text = e instanceof Error ? e.message : String(e);
  const aadsts = /AADSTS\d+/.exec(text)?.[0];
  if (/invalid_client|AADSTS7000215|AADSTS7000222|unauthorized_client|AADSTS700016|invalid_request/i.test(text)) {
    return new HelpdeskError(
      'DIR.BIND_FAILED',
      `GRAPH_CLIENT_SECRET (or GRAPH_CLIENT_ID ${clientId}) was refused by Entra ID${aadsts ? ` (${aadsts})` : ''}: check the app registration's client secret`,
      {},
      { cause: e },
    );
  }
  return new HelpdeskError('DIR.UNAVAILABLE', `no Graph token from Entra ID: ${text.split('\n')[0]?.slice(0, 200) ?? ''}`, {}, { cause: e });
}
