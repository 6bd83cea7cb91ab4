// A loopback HTTPS server that plays Entra ID's token endpoint and the Microsoft Graph endpoints the
// helpdesk uses, checking what the documentation says a request must carry: the bearer token it issued,
// $select/$filter/$search, ConsistencyLevel: eventual for advanced queries, and the documented bodies.
// Collections are paged (@odata.nextLink, absolute https URLs); one path can be made to answer 429 once
// with Retry-After. Its certificate is self-signed, made with openssl for this run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';

export const TENANT = '7e1c3f5a-0000-4000-8000-00000000aaaa';
export const CLIENT_ID = '5d2b9c1e-0000-4000-8000-00000000bbbb';
export const CLIENT_SECRET = 'test-client-secret-value-1234';

export interface FakeUser {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
  readonly mail?: string;
  readonly accountEnabled?: boolean;
  readonly onPremisesSyncEnabled?: boolean;
  readonly onPremisesSamAccountName?: string;
  readonly onPremisesDistinguishedName?: string;
  /** base64 of the AD objectGUID (Entra Connect's source anchor). */
  readonly onPremisesImmutableId?: string;
  readonly mobilePhone?: string;
  readonly department?: string;
  readonly lastSignIn?: string;
  /** Group and role object ids (transitive). */
  readonly memberOf?: readonly string[];
  /** @odata.type suffixes of registered methods, e.g. 'passwordAuthenticationMethod'. */
  readonly methods?: readonly string[];
}

export interface FakeGroup {
  readonly id: string;
  readonly displayName: string;
  readonly role?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly status: number;
}

const PAGE = 2;

export class GraphFake {
  readonly requests: RecordedRequest[] = [];
  users: FakeUser[] = [];
  groups: FakeGroup[] = [];
  /** A path (e.g. '/v1.0/users/<id>/transitiveMemberOf') that answers 429 once with Retry-After: 1. */
  throttleOnce?: string;
  /**
   * While set, every Graph call (not the token endpoint) answers 503 Service Unavailable with this
   * Retry-After, as Graph does when a service is down; `times` calls only, or until cleared.
   */
  unavailable?: { retryAfterS: number; times?: number };
  /** Paths that answer after this many ms (timeouts). */
  delayMs: Record<string, number> = {};
  tokensIssued = 0;
  readonly passwords = new Map<string, { password: string; forceChange: boolean }>();
  readonly revoked: string[] = [];
  readonly taps: { user: string; body: unknown; value: string; id: string }[] = [];
  /** DELETEd Temporary Access Pass methods, as `<user>/<method id>`. */
  readonly deletedTaps: string[] = [];
  private server?: https.Server;
  private dir = '';
  private issued = new Set<string>();
  /** The CA (self-signed certificate) PEM; a bundle with the system's CAs for NODE_EXTRA_CA_CERTS. */
  certPem = '';
  bundleFile = '';
  port = 0;

  get base(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** fetch options for Graph calls that trust this server's certificate. */
  fetchOptions(): Record<string, unknown> {
    return { dispatcher: new Agent({ connect: { ca: this.certPem } }) };
  }

  async start(): Promise<this> {
    this.dir = mkdtempSync(path.join(tmpdir(), 'graph-fake-'));
    const key = path.join(this.dir, 'key.pem');
    const cert = path.join(this.dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    this.certPem = readFileSync(cert, 'utf8');
    this.bundleFile = path.join(this.dir, 'bundle.pem');
    let system = '';
    try {
      system = readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8');
    } catch {
      // no system bundle: the test CA alone
    }
    writeFileSync(this.bundleFile, `${system}\n${this.certPem}`);
    this.server = https.createServer({ key: readFileSync(key), cert: this.certPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  graphRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith('/v1.0/'));
  }

  private async handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const p = decodeURIComponent(url.pathname);
    const query = graphQuery(url);
    const delay = this.delayMs[p];
    if (delay) await new Promise((r) => setTimeout(r, delay));
    let status = 200;
    let answer: unknown;
    const send = (s: number, data: unknown, headers: Record<string, string> = {}) => {
      status = s;
      answer = data;
      res.writeHead(s, { 'content-type': 'application/json', ...headers });
      res.end(data === undefined ? '' : JSON.stringify(data));
    };
    try {
      if (p === `/${TENANT}/v2.0/.well-known/openid-configuration`) {
        send(200, this.openIdConfiguration());
      } else if (p === `/${TENANT}/oauth2/v2.0/token` && req.method === 'POST') {
        this.token(new URLSearchParams(body), send);
      } else if (p.startsWith('/v1.0/')) {
        const auth = req.headers.authorization ?? '';
        const token = auth.replace(/^Bearer /, '');
        if (!this.issued.has(token)) send(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or invalid.' } });
        else if (this.unavailable) {
          const { retryAfterS, times } = this.unavailable;
          if (times !== undefined) this.unavailable = times > 1 ? { retryAfterS, times: times - 1 } : undefined;
          send(503, { error: { code: 'serviceNotAvailable', message: 'The service is temporarily unavailable.' } }, { 'retry-after': String(retryAfterS) });
        } else if (this.throttleOnce === p) {
          this.throttleOnce = undefined;
          send(429, { error: { code: 'TooManyRequests', message: 'Too many requests' } }, { 'retry-after': '1' });
        } else this.graph(req.method ?? 'GET', p, url, query, req.headers, body, send);
      } else send(404, { error: { code: 'NotFound', message: p } });
    } catch (e) {
      send(400, { error: { code: 'BadRequest', message: e instanceof Error ? e.message : String(e) } });
    }
    this.requests.push({ method: req.method ?? '', path: p, query, headers: req.headers, body, status });
    void answer;
  }

  private openIdConfiguration() {
    const authority = `${this.base}/${TENANT}`;
    return {
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
      issuer: `${authority}/v2.0`,
      response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    };
  }

  private token(form: URLSearchParams, send: (s: number, d: unknown) => void): void {
    if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== CLIENT_ID) {
      send(400, { error: 'unauthorized_client', error_description: 'AADSTS700016: Application not found in the directory.', error_codes: [700016] });
      return;
    }
    if (form.get('client_secret') !== CLIENT_SECRET) {
      send(401, {
        error: 'invalid_client',
        error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${CLIENT_ID}'.`,
        error_codes: [7000215],
      });
      return;
    }
    if (form.get('scope') !== 'https://graph.microsoft.com/.default') {
      send(400, { error: 'invalid_scope', error_description: 'AADSTS70011: The provided value for scope is not valid.' });
      return;
    }
    this.tokensIssued += 1;
    const token = `graph-token-${this.tokensIssued}-${Math.random().toString(36).slice(2)}`;
    this.issued.add(token);
    send(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
  }

  private graph(method: string, p: string, url: URL, q: URLSearchParams, headers: IncomingMessage['headers'], body: string, send: (s: number, d: unknown) => void): void {
    const eventual = headers.consistencylevel === 'eventual';
    let m: RegExpExecArray | null;
    if (method === 'GET' && p === '/v1.0/users') {
      requireSelect(q);
      let users = this.users;
      const filter = q.get('$filter');
      const search = q.get('$search');
      if (search) {
        if (!eventual || q.get('$count') !== 'true') throw new Error('$search needs ConsistencyLevel: eventual and $count=true');
        users = users.filter((u) => matchesSearch(u, search));
      }
      if (filter) {
        if (/onPremisesSamAccountName/.test(filter) && !eventual) throw new Error('filtering on onPremisesSamAccountName needs ConsistencyLevel: eventual');
        users = users.filter((u) => matchesFilter(u, filter));
      }
      this.page(url, users.map((u) => this.userJson(u, q)), send);
    } else if (method === 'GET' && (m = /^\/v1\.0\/users\/([^/]+)$/.exec(p))) {
      const u = this.user(m[1] ?? '');
      if (!u) send(404, { error: { code: 'Request_ResourceNotFound', message: `Resource '${m[1] ?? ''}' does not exist.` } });
      else send(200, this.userJson(u, q));
    } else if (method === 'GET' && (m = /^\/v1\.0\/users\/([^/]+)\/transitiveMemberOf$/.exec(p))) {
      requireSelect(q);
      const u = this.user(m[1] ?? '');
      if (!u) return send(404, { error: { code: 'Request_ResourceNotFound', message: 'no such user' } });
      const objects = (u.memberOf ?? []).flatMap((id) => this.groups.filter((g) => g.id === id)).map((g) => ({
        '@odata.type': g.role ? '#microsoft.graph.directoryRole' : '#microsoft.graph.group', id: g.id, displayName: g.displayName,
      }));
      this.page(url, objects, send);
    } else if (method === 'GET' && (m = /^\/v1\.0\/users\/([^/]+)\/authentication\/methods$/.exec(p))) {
      const u = this.user(m[1] ?? '');
      if (!u) return send(404, { error: { code: 'Request_ResourceNotFound', message: 'no such user' } });
      this.page(url, (u.methods ?? []).map((t, i) => ({ '@odata.type': `#microsoft.graph.${t}`, id: `m-${i}` })), send);
    } else if (method === 'GET' && p === '/v1.0/groups') {
      const f = /^displayName eq '((?:[^']|'')*)'$/.exec(q.get('$filter') ?? '');
      if (!f) throw new Error('groups: $filter=displayName eq \'…\' expected');
      const name = (f[1] ?? '').replace(/''/g, "'");
      this.page(url, this.groups.filter((g) => !g.role && g.displayName === name).map((g) => ({ id: g.id, displayName: g.displayName })), send);
    } else if (method === 'GET' && (m = /^\/v1\.0\/groups\/([^/]+)$/.exec(p))) {
      const g = this.groups.find((x) => x.id === m?.[1] && !x.role);
      if (!g) send(404, { error: { code: 'Request_ResourceNotFound', message: 'no such group' } });
      else send(200, { id: g.id, displayName: g.displayName });
    } else if (method === 'PATCH' && (m = /^\/v1\.0\/users\/([^/]+)$/.exec(p))) {
      const parsed = JSON.parse(body) as { passwordProfile?: { password?: unknown; forceChangePasswordNextSignIn?: unknown } };
      const pp = parsed.passwordProfile;
      if (!pp || typeof pp.password !== 'string' || typeof pp.forceChangePasswordNextSignIn !== 'boolean' || Object.keys(parsed).length !== 1) {
        throw new Error('PATCH user: {passwordProfile:{password, forceChangePasswordNextSignIn}} expected');
      }
      if (!this.user(m[1] ?? '')) return send(404, { error: { code: 'Request_ResourceNotFound', message: 'no such user' } });
      this.passwords.set(m[1] ?? '', { password: pp.password, forceChange: pp.forceChangePasswordNextSignIn });
      send(204, undefined);
    } else if (method === 'POST' && (m = /^\/v1\.0\/users\/([^/]+)\/revokeSignInSessions$/.exec(p))) {
      this.revoked.push(m[1] ?? '');
      send(200, { '@odata.context': `${this.base}/v1.0/$metadata#Edm.Boolean`, value: true });
    } else if (method === 'POST' && (m = /^\/v1\.0\/users\/([^/]+)\/authentication\/temporaryAccessPassMethods$/.exec(p))) {
      const parsed = JSON.parse(body) as { lifetimeInMinutes?: unknown; isUsableOnce?: unknown; startDateTime?: unknown };
      if (typeof parsed.lifetimeInMinutes !== 'number' || typeof parsed.isUsableOnce !== 'boolean') throw new Error('TAP: {lifetimeInMinutes, isUsableOnce} expected');
      const value = `TAP${Math.random().toString(36).slice(2, 10)}Zq`;
      const id = `tap-${this.taps.length + 1}`;
      this.taps.push({ user: m[1] ?? '', body: parsed, value, id });
      send(201, {
        id, temporaryAccessPass: value, createdDateTime: new Date().toISOString(), startDateTime: new Date().toISOString(),
        lifetimeInMinutes: parsed.lifetimeInMinutes, isUsableOnce: parsed.isUsableOnce, isUsable: true, methodUsabilityReason: 'EnabledByPolicy',
      });
    } else if (method === 'DELETE' && (m = /^\/v1\.0\/users\/([^/]+)\/authentication\/temporaryAccessPassMethods\/([^/]+)$/.exec(p))) {
      const [, user, id] = m;
      if (!this.taps.some((t) => t.user === user && t.id === id)) return send(404, { error: { code: 'Request_ResourceNotFound', message: 'no such method' } });
      this.deletedTaps.push(`${user ?? ''}/${id ?? ''}`);
      send(204, undefined);
    } else send(404, { error: { code: 'Request_ResourceNotFound', message: `${method} ${p}` } });
  }

  private user(id: string): FakeUser | undefined {
    return this.users.find((u) => u.id === id || u.userPrincipalName.toLowerCase() === id.toLowerCase());
  }

  private userJson(u: FakeUser, q: URLSearchParams): Record<string, unknown> {
    const select = (q.get('$select') ?? '').split(',').filter(Boolean);
    const full: Record<string, unknown> = {
      id: u.id, userPrincipalName: u.userPrincipalName, displayName: u.displayName, mail: u.mail ?? null, accountEnabled: u.accountEnabled ?? true,
      onPremisesSyncEnabled: u.onPremisesSyncEnabled ?? null, onPremisesSamAccountName: u.onPremisesSamAccountName ?? null,
      onPremisesDistinguishedName: u.onPremisesDistinguishedName ?? null, onPremisesImmutableId: u.onPremisesImmutableId ?? null,
      mobilePhone: u.mobilePhone ?? null, department: u.department ?? null, businessPhones: [],
      createdDateTime: '2024-01-10T08:00:00Z',
      ...(select.includes('signInActivity') ? { signInActivity: { lastSignInDateTime: u.lastSignIn ?? null } } : {}),
    };
    // Graph returns only the selected properties (plus id).
    return select.length ? Object.fromEntries(Object.entries(full).filter(([k]) => k === 'id' || select.includes(k))) : full;
  }

  /** A page of PAGE items; the next page is an absolute https link carrying a skip token. */
  private page(url: URL, items: unknown[], send: (s: number, d: unknown) => void): void {
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
    const slice = items.slice(skip, skip + PAGE);
    const next = new URL(url.href);
    next.searchParams.set('$skiptoken', String(skip + PAGE));
    send(200, { value: slice, ...(skip + PAGE < items.length ? { '@odata.nextLink': next.href } : {}) });
  }
}

/**
 * The query string as Graph reads it: form-style, so a raw `+` is a space and only `%2B` is a plus (an
 * immutable id sent as `ab+cd` arrives as `ab cd` and matches nobody, as in a real tenant).
 */
function graphQuery(url: URL): URLSearchParams {
  return new URLSearchParams(url.search.replace(/^\?/, ''));
}

function requireSelect(q: URLSearchParams): void {
  if (!q.get('$select')) throw new Error('$select expected');
}

/** `userPrincipalName eq 'x' or mail eq 'x'` / `onPremisesSamAccountName eq 'x'`. */
function matchesFilter(u: FakeUser, filter: string): boolean {
  const clauses = filter.split(/ or /);
  return clauses.some((c) => {
    const m = /^(\w+) eq '((?:[^']|'')*)'$/.exec(c.trim());
    if (!m) throw new Error(`unsupported $filter clause: ${c}`);
    const value = (m[2] ?? '').replace(/''/g, "'").toLowerCase();
    const field = (u as unknown as Record<string, unknown>)[m[1] ?? ''];
    return typeof field === 'string' && field.toLowerCase() === value;
  });
}

/** `"displayName:jo" OR "mail:jo"`: prefix match on words, as Graph tokenises. */
function matchesSearch(u: FakeUser, search: string): boolean {
  const terms = [...search.matchAll(/"(\w+):([^"]*)"/g)];
  if (terms.length === 0) throw new Error(`unsupported $search: ${search}`);
  return terms.some(([, field, value]) => {
    const v = (u as unknown as Record<string, unknown>)[field ?? ''];
    return typeof v === 'string' && v.toLowerCase().split(/[\s.@_-]+/).some((w) => w.startsWith((value ?? '').toLowerCase().trim()));
  });
}
