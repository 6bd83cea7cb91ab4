// /metrics of the real program (src/main.ts, demo directory, local console): a scripted session over the
// console's Direct Line endpoint (lookups, an unlock confirmed, a PIN by SMS, a refusal, a bad command),
// a portal challenge failed and a PIN checked through the portal API, then a scrape. The families are
// there with the counts the session made, and no label value carries a login, an address, a PIN or a
// token used in it. Where it is served: behind METRICS_TOKEN on the main port (401 without it), on
// METRICS_PORT alone (the main port, the portal's, does not serve it).
import assert from 'node:assert/strict';
import { startApp, freePort, type RunningApp } from '../helpers/app-process';

const METRICS_TOKEN = 'metrics-token-0123456789-abcdef';
const PORTAL_API_TOKEN = 'portal-api-token-0123456789-abcdef';

type Activity = { id?: string; type?: string; replyToId?: string; from?: { id?: string; role?: string }; attachments?: { content?: unknown }[]; text?: string };

/** One console conversation over Direct Line, as the console page talks to it (plain fetch, no browser). */
class ConsoleChat {
  private watermark = '';
  private constructor(private readonly base: string, private readonly id: string, private readonly token: string, private readonly login: string) {}

  static async open(base: string, login: string): Promise<ConsoleChat> {
    const res = await fetch(`${base}/v3/directline/conversations`, { method: 'POST' });
    assert.equal(res.status, 201);
    const { conversationId, token } = (await res.json()) as { conversationId: string; token: string };
    return new ConsoleChat(base, conversationId, token, login);
  }

  /** Posts a message (text, or a card's submit data) and resolves with the bot's first reply to it. */
  async send(activity: { text?: string; value?: Record<string, unknown> }): Promise<Activity> {
    const res = await fetch(`${this.base}/v3/directline/conversations/${this.id}/activities`, {
      method: 'POST', headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', from: { id: this.login, name: this.login }, localTimezone: 'UTC', ...activity }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    const { id } = (await res.json()) as { id: string };
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const page = (await (await fetch(`${this.base}/v3/directline/conversations/${this.id}/activities?watermark=${this.watermark}`, {
        headers: { authorization: `Bearer ${this.token}` },
      })).json()) as { activities: Activity[] };
      const reply = page.activities.find((a) => a.replyToId === id && a.from?.id !== this.login);
      if (reply) return reply;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no reply to ${JSON.stringify(activity)}`);
  }

  async say(text: string): Promise<Activity> {
    return this.send({ text });
  }
}

/** The card's Action.Submit data with this verb. */
function submitData(reply: Activity, verb: string): Record<string, unknown> {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const data = (node as { data?: { verb?: unknown } }).data;
      if (data && data.verb === verb) found.push(data as Record<string, unknown>);
      Object.values(node).forEach(walk);
    }
  };
  walk(reply.attachments?.map((a) => a.content));
  assert.ok(found[0], `a ${verb} button in ${JSON.stringify(reply).slice(0, 400)}`);
  return found[0];
}

interface Sample { readonly name: string; readonly labels: Record<string, string>; readonly value: number }

function parse(exposition: string): Sample[] {
  return exposition.split('\n').filter((l) => l && !l.startsWith('#')).map((line) => {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k as string] = v as string;
    return { name: m[1] as string, labels, value: Number(m[3]) };
  });
}

function total(samples: readonly Sample[], name: string, where: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);
}

async function scrape(base: string, token?: string): Promise<Response> {
  return fetch(`${base}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
}

describe('/metrics of the real program', function () {
  this.timeout(120_000);

  describe('behind METRICS_TOKEN on the main port, after a scripted session', () => {
    let app: RunningApp;
    before(async () => {
      app = await startApp({ METRICS_TOKEN, PORTAL_API_TOKEN, LOG_LEVEL: 'info' });
    });
    after(async () => {
      assert.equal(await app.stop(), 0, app.output);
    });

    it('without the token, or with another one: 401 and no metric', async () => {
      for (const token of [undefined, 'not-the-token-0123456789-abcdef', `${METRICS_TOKEN}x`]) {
        const res = await scrape(app.base, token);
        assert.equal(res.status, 401);
        assert.doesNotMatch(await res.text(), /mypass_/);
      }
    });

    it('counts what the session did, by command, verb, surface and code, and no label names anyone or anything secret', async () => {
      const before = parse(await (await scrape(app.base, METRICS_TOKEN)).text());
      const agent = await ConsoleChat.open(app.base, 'demo.agent');
      await agent.say('user demo.locked');
      const prompt = await agent.send({ value: submitData(await agent.say('user demo.locked'), 'account.unlock') });
      const unlocked = await agent.send({ value: submitData(prompt, 'confirm.accept') });
      assert.match(JSON.stringify(unlocked), /unlocked/i);
      const pinPrompt = await agent.say('pin demo.locked sms');
      await agent.send({ value: submitData(pinPrompt, 'confirm.accept') });
      await agent.say('reset demo.locked view'); // an agent: refused (AUTH.FORBIDDEN)
      await agent.say('frobnicate'); // not a command: answered before the service, nothing counted
      await agent.say('user nobody-by-that-name');
      // The PIN reached the dev outbox; the portal API checks a wrong one, then the right one.
      const outbox = (await (await fetch(`${app.base}/api/dev/outbox`)).json()) as { body?: string; to?: string }[];
      const text = outbox.find((m) => /\b\d{8}\b/.test(m.body ?? ''));
      const pin = /\b(\d{8})\b/.exec(text?.body ?? '')?.[1];
      assert.ok(pin && text?.to, `the PIN text in the outbox: ${JSON.stringify(outbox)}`);
      for (const tried of ['00000000', pin]) {
        const res = await fetch(`${app.base}/api/portal/pins/verify`, {
          method: 'POST', headers: { authorization: `Bearer ${PORTAL_API_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ user: 'demo.locked', pin: tried }),
        });
        assert.equal(res.status, 200, await res.clone().text());
      }
      // A portal sign-in whose answers are wrong: a failed challenge.
      const portal = await fetch(`${app.base}/portal/`);
      const csrf = /name="csrf" value="([^"]+)"/.exec(await portal.text())?.[1] ?? '';
      const cookie = (portal.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const form = (f: Record<string, string>) => ({ method: 'POST', redirect: 'manual' as const, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, ...f }).toString() });
      const signIn = await fetch(`${app.base}/portal/sign-in`, form({ login: 'maria.finance', method: 'pin' }));
      const session = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const challenge = await fetch(`${app.base}/portal/challenge`, { headers: { cookie: `${cookie}; ${session}` } });
      const csrf2 = /name="csrf" value="([^"]+)"/.exec(await challenge.text())?.[1] ?? csrf;
      await fetch(`${app.base}/portal/challenge`, {
        method: 'POST', redirect: 'manual', headers: { cookie: `${cookie}; ${session}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf: csrf2, pin: '12345678' }).toString(),
      });

      const res = await scrape(app.base, METRICS_TOKEN);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const exposition = await res.text();
      const after = parse(exposition);
      const grew = (name: string, where: Record<string, string> = {}) => total(after, name, where) - total(before, name, where);

      for (const family of [
        'mypass_command_seconds', 'mypass_button_seconds', 'mypass_outcomes_total', 'mypass_peer_call_seconds', 'mypass_peer_errors_total',
        'mypass_approvals_pending', 'mypass_portal_events_total', 'mypass_portal_challenges_total', 'mypass_portal_locks_total',
        'mypass_sms_sent_total', 'mypass_sms_refused_total', 'mypass_audit_chain_state', 'mypass_audit_chain_head_seq', 'mypass_build_info',
        'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'process_resident_memory_bytes',
      ]) assert.match(exposition, new RegExp(`^# TYPE ${family} `, 'm'), `the ${family} family`);

      assert.equal(grew('mypass_command_seconds_count', { command: 'user', surface: 'local' }), 3, 'three lookups');
      assert.equal(grew('mypass_command_seconds_count', { command: 'pin', surface: 'local' }), 1);
      assert.equal(grew('mypass_button_seconds_count', { verb: 'confirm.accept', surface: 'local' }), 2, 'the unlock and the PIN confirmed');
      assert.equal(grew('mypass_outcomes_total', { kind: 'button', name: 'confirm.accept', outcome: 'success' }), 2);
      assert.equal(grew('mypass_outcomes_total', { kind: 'command', name: 'reset', outcome: 'refused', code: 'AUTH.FORBIDDEN' }), 1);
      assert.equal(grew('mypass_outcomes_total', { kind: 'command', name: 'user', outcome: 'refused', code: 'DIR.USER_NOT_FOUND' }), 1);
      assert.equal(grew('mypass_outcomes_total', { name: 'frobnicate' }), 0, 'an unknown word never becomes a label');
      assert.equal(grew('mypass_sms_sent_total', { sender: 'outbox' }), 1, 'the PIN text');
      assert.ok(grew('mypass_peer_call_seconds_count', { peer: 'directory', operation: 'unlock' }) >= 1, 'the unlock reached the directory');
      assert.ok(grew('mypass_peer_call_seconds_count', { peer: 'store', operation: 'audit.append' }) >= 6, 'every answer audited');
      assert.equal(grew('mypass_portal_events_total', { type: 'pin-verify' }), 2, 'both PIN checks');
      assert.equal(grew('mypass_portal_challenges_total', { method: 'pin', result: 'failure' }), 1, 'the wrong portal PIN');
      assert.equal(total(after, 'mypass_audit_chain_state', { state: 'ok' }), 1, 'the chain verified');
      assert.ok(total(after, 'mypass_audit_chain_head_seq') >= 6);
      assert.equal(total(after, 'mypass_approvals_pending'), 0);
      assert.equal(after.filter((s) => s.name === 'mypass_build_info').length, 1);

      // Nobody and nothing secret in any label value: the logins, the mobile, the address, the PIN, the tokens.
      const values = after.flatMap((s) => Object.values(s.labels));
      for (const secret of ['demo.agent', 'demo.locked', 'maria.finance', 'nobody-by-that-name', 'Lena', '127.0.0.1', 'localhost', text.to, pin, '00000000', '12345678', METRICS_TOKEN, PORTAL_API_TOKEN]) {
        assert.ok(!values.some((v) => v.includes(secret)), `no label value carries ${secret}`);
        // Digits alone may well occur in a sample's value (a timestamp): those are looked for in labels only.
        if (!/^\d+$/.test(secret)) assert.ok(!exposition.includes(secret), `the exposition does not carry ${secret}`);
      }
    });
  });

  describe('on METRICS_PORT', () => {
    let app: RunningApp;
    let metricsPort: number;
    before(async () => {
      metricsPort = await freePort();
      app = await startApp({ METRICS_PORT: String(metricsPort) });
    });
    after(async () => {
      assert.equal(await app.stop(), 0, app.output);
    });

    it('serves /metrics there, without a token, and the main (portal) port does not serve it', async () => {
      const there = await scrape(`http://127.0.0.1:${metricsPort}`);
      assert.equal(there.status, 200);
      assert.match(await there.text(), /^mypass_build_info\{version="[^"]+",node="[^"]+"\} 1$/m);
      const main = await scrape(app.base);
      assert.equal(main.status, 404);
      assert.doesNotMatch(await main.text(), /mypass_/);
      assert.equal((await fetch(`${app.base}/portal/`)).status, 200, 'the portal is on the main port');
    });
  });

  it('without METRICS_PORT or METRICS_TOKEN nothing serves /metrics', async () => {
    const app = await startApp();
    try {
      assert.equal((await scrape(app.base)).status, 404);
    } finally {
      assert.equal(await app.stop(), 0, app.output);
    }
  });
});
