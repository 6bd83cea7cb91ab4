// A tiny client for the portal API as the self-service portal calls it (fetch, bearer token).
export const PORTAL_TOKEN = 'portal-api-test-token-0123456789abcdef';

export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

export async function portalCall(
  base: string,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
  options: { token?: string | null; contentType?: string; raw?: string } = {},
): Promise<ApiAnswer> {
  const token = options.token === undefined ? PORTAL_TOKEN : options.token;
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token !== null ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined || options.raw !== undefined ? { 'Content-Type': options.contentType ?? 'application/json' } : {}),
    },
    ...(options.raw !== undefined ? { body: options.raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A self-service event as the portal posts it. */
export function portalEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { user: 'john.doe', type: 'sign-in', outcome: 'success', at: new Date().toISOString(), ip: '198.51.100.20', userAgent: 'Firefox/128', ...overrides };
}
