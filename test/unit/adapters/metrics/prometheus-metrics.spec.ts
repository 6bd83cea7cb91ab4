// The metrics adapter: ports measured by a decorator (calls timed, failures counted by operation and code),
// texts and portal events counted, answers by command word / verb / surface / code. Label values come from
// closed sets: nothing passed to a port (a login, a number, a PIN) becomes one.
import assert from 'node:assert/strict';
import { PrometheusMetrics } from '../../../../src/adapters/metrics/prometheus-metrics';
import { HelpdeskError } from '../../../../src/domain/errors';
import type { PortalEventInput } from '../../../../src/domain/portal';

async function text(m: PrometheusMetrics): Promise<string> {
  return (await m.exposition()).body;
}

function sample(exposition: string, line: string): number | undefined {
  const found = exposition.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

const event = (over: Partial<PortalEventInput>): PortalEventInput => ({
  user: 'jdoe', type: 'challenge', outcome: 'failure', at: new Date(), ip: '203.0.113.9', unknownUser: false, category: 'self-service', detail: 'questions (wrong answers)', ...over,
});

describe('PrometheusMetrics', () => {
  it('a measured port: nested repositories timed by path, failures by code, `this` kept for classes with private fields', async () => {
    class Repo {
      readonly #rows: string[] = [];
      async add(row: string): Promise<number> {
        this.#rows.push(row);
        return this.#rows.length;
      }
      async fail(_login: string): Promise<void> {
        throw new HelpdeskError('DIR.UNAVAILABLE');
      }
    }
    const m = new PrometheusMetrics({ version: '1.2.3' });
    const store = m.measure('store', { approvals: new Repo(), ping: () => Promise.resolve() });
    assert.equal(await store.approvals.add('jdoe'), 1);
    assert.equal(await store.approvals.add('jdoe'), 2);
    await store.ping();
    await assert.rejects(store.approvals.fail('jdoe'), /DIR\.UNAVAILABLE/);
    const out = await text(m);
    assert.equal(sample(out, 'mypass_peer_call_seconds_count{peer="store",operation="approvals.add"}'), 2);
    assert.equal(sample(out, 'mypass_peer_call_seconds_count{peer="store",operation="ping"}'), 1);
    assert.equal(sample(out, 'mypass_peer_errors_total{peer="store",operation="approvals.fail",code="DIR.UNAVAILABLE"}'), 1);
    assert.ok(!out.includes('jdoe'), 'arguments never become labels');
    assert.match(out, /^mypass_build_info\{version="1\.2\.3",node="[\d.]+"\} 1$/m);
  });

  it('an error without a code of ours is counted as `error`, never by its message', async () => {
    const m = new PrometheusMetrics({ version: 'x' });
    const dir = m.measure('directory', { search: async (q: string) => { throw Object.assign(new Error(`no such user ${q}`), { code: `bad ${q}` }); } });
    await assert.rejects(dir.search('maria@corp.example'));
    const out = await text(m);
    assert.equal(sample(out, 'mypass_peer_errors_total{peer="directory",operation="search",code="error"}'), 1);
    assert.ok(!out.includes('maria'));
  });

  it('texts sent by sender kind and refused by code; portal events by type, challenges by method, locks', async () => {
    const m = new PrometheusMetrics({ version: 'x' });
    let fail = false;
    const sms = m.measure('sms', {
      kind: 'twilio' as const,
      async send(_msg: { to: string; body: string }) {
        if (fail) throw new HelpdeskError('SMS.UNAVAILABLE');
        return { id: 'SM1' };
      },
    });
    await sms.send({ to: '+15550199', body: 'Your PIN is 12345678' });
    fail = true;
    await assert.rejects(sms.send({ to: '+15550199', body: 'Your PIN is 87654321' }));
    const store = m.measure('store', { portalEvents: { append: async (events: readonly PortalEventInput[]) => events.length } });
    await store.portalEvents.append([
      event({}), event({ detail: 'pin' , outcome: 'success' }), event({ type: 'portal-lock', outcome: 'success', detail: 'locked after 5 failed challenges' }),
      event({ type: 'made-up-by-a-portal' }), event({ type: 'x', category: 'sync' }),
    ]);
    const out = await text(m);
    assert.equal(sample(out, 'mypass_sms_sent_total{sender="twilio"}'), 1);
    assert.equal(sample(out, 'mypass_sms_refused_total{code="SMS.UNAVAILABLE"}'), 1);
    assert.equal(sample(out, 'mypass_portal_challenges_total{method="questions",result="failure"}'), 1);
    assert.equal(sample(out, 'mypass_portal_challenges_total{method="pin",result="success"}'), 1);
    assert.equal(sample(out, 'mypass_portal_locks_total'), 1);
    assert.equal(sample(out, 'mypass_portal_events_total{type="other",outcome="failure"}'), 1, 'a type of the portal\'s own is "other"');
    for (const secret of ['+15550199', '12345678', '87654321', 'jdoe', '203.0.113.9', 'made-up']) assert.ok(!out.includes(secret), secret);
  });

  it('answers: latency by command / verb and surface, outcomes by code; gauges read at the scrape', async () => {
    const m = new PrometheusMetrics({ version: 'x' });
    m.answered({ kind: 'command', name: 'user', surface: 'teams', outcome: 'success', seconds: 0.12 });
    m.answered({ kind: 'button', name: 'confirm.accept', surface: 'slack', outcome: 'refused', code: 'CONFIRM.USED', seconds: 0.03 });
    let pending = 2;
    m.watch({ approvalsPending: async () => pending, auditChain: async () => ({ state: 'broken', headSeq: 41 }) });
    let out = await text(m);
    assert.equal(sample(out, 'mypass_command_seconds_count{command="user",surface="teams"}'), 1);
    assert.equal(sample(out, 'mypass_button_seconds_bucket{le="0.05",verb="confirm.accept",surface="slack"}'), 1);
    assert.equal(sample(out, 'mypass_outcomes_total{kind="button",name="confirm.accept",outcome="refused",code="CONFIRM.USED"}'), 1);
    assert.equal(sample(out, 'mypass_approvals_pending'), 2);
    assert.equal(sample(out, 'mypass_audit_chain_state{state="broken"}'), 1);
    assert.equal(sample(out, 'mypass_audit_chain_state{state="ok"}'), 0);
    assert.equal(sample(out, 'mypass_audit_chain_head_seq'), 41);
    pending = 0;
    out = await text(m);
    assert.equal(sample(out, 'mypass_approvals_pending'), 0);
    for (const family of ['nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) assert.match(out, new RegExp(`^# TYPE ${family} gauge`, 'm'));
  });
});
