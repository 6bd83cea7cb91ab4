// `enrollment <user>` on the demo directory and a SQLite file: answers stored only sealed (the file holds
// no plaintext), shown only masked under each ENROLLMENT_MASK policy, to supervisors only, every view and
// refusal in the helpdesk audit trail.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../../src/adapters/sqlite/sqlite-store';
import { maskAnswer, MASK_POLICIES, type MaskPolicy } from '../../../../src/domain/masking';
import { PortalIntake } from '../../../../src/service/portal-data/portal-intake';
import { ctxFor, demoFixture, expectKind, TestClock } from '../../../helpers/service-fixture';

const ANSWERS = ['Correct Horse Battery', 'Zanzibar'];
const EXPECTED: Record<MaskPolicy, string[]> = {
  first: ['C••••••••••••••••••••', 'Z•••••••'],
  last: ['••••••••••••••••••••y', '•••••••r'],
  'first-last': ['C•••••••••••••••••••y', 'Z••••••r'],
  length: ['•••••••••••••••••••••', '••••••••'],
  none: ['••••••', '••••••'],
};

describe('enrollment data', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'enrollment-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const policy of MASK_POLICIES) {
    it(`ENROLLMENT_MASK=${policy}: the card shows only the masked form; the SQLite file holds no plaintext answer`, async () => {
      const file = path.join(dir, `${policy}.db`);
      const store = openSqliteStore({ path: file, auditKey: Buffer.alloc(32, 1), clock: new TestClock() });
      const f = demoFixture({ store, settings: { enrollmentMask: policy } });
      const intake = new PortalIntake({ directory: f.directory, store, clock: f.clock, cipher: f.cipher });
      await intake.putEnrollment('john.doe', ANSWERS.map((answer, i) => ({ question: `Question ${i + 1}?`, answer })));
      const view = expectKind(await f.service.command(ctxFor('demo.super'), { name: 'enrollment', user: 'john.doe' }), 'enrollment');
      assert.deepEqual(view.questions.map((q) => q.maskedAnswer), EXPECTED[policy]);
      assert.deepEqual(view.methods, ['questions']);
      assert.ok(!JSON.stringify(view).includes('Horse') && !JSON.stringify(view).includes('Zanzibar'));
      await store.close();
      // Every file SQLite wrote (the database, and its WAL had it not been checkpointed on close).
      const bytes = readdirSync(dir).filter((n) => n.startsWith(`${policy}.db`)).map((n) => readFileSync(path.join(dir, n)));
      assert.ok(bytes.length >= 1);
      for (const b of bytes) {
        for (const answer of ANSWERS) {
          for (const form of [answer, answer.toLowerCase()]) {
            assert.equal(b.includes(Buffer.from(form, 'utf8')), false, `plaintext "${form}" in the file`);
            assert.equal(b.includes(Buffer.from(form, 'utf16le')), false);
          }
        }
        assert.ok(b.includes(Buffer.from('Question 1?')), 'the questions themselves are stored (they are not secret)');
      }
    });
  }

  it('an agent is refused, and the refusal and every supervisor view are audited', async () => {
    const f = demoFixture();
    const intake = new PortalIntake({ directory: f.directory, store: f.store, clock: f.clock, cipher: f.cipher });
    await intake.putEnrollment('john.doe', [{ question: 'Pet?', answer: 'Biscuit' }]);
    const refused = expectKind(await f.service.command(ctxFor('demo.agent'), { name: 'enrollment', user: 'john.doe' }), 'error');
    assert.equal(refused.code, 'AUTH.FORBIDDEN');
    await f.service.command(ctxFor('demo.super'), { name: 'enrollment', user: 'john.doe' });
    await f.service.command(ctxFor('demo.super'), { name: 'enrollment', user: 'john.doe' });
    const trail = (await f.store.audit.list({ limit: 10 })).filter((e) => e.action === 'enrollment.view');
    assert.deepEqual(trail.map((e) => `${e.actor} ${e.outcome} ${e.target ?? ''}`), [
      'demo.super success john.doe', 'demo.super success john.doe', 'demo.agent refused john.doe',
    ]);
    assert.ok(!JSON.stringify(trail).includes('Biscuit'));
  });

  it('an answer sealed for another user does not open: shown as unreadable, never guessed', async () => {
    const f = demoFixture();
    const sealed = f.cipher.seal('jane.smith', 'Biscuit');
    await f.store.enrollments.replace('john.doe', [{ question: 'Pet?', answer: sealed }], f.clock.now());
    const view = expectKind(await f.service.command(ctxFor('demo.super'), { name: 'enrollment', user: 'john.doe' }), 'enrollment');
    assert.deepEqual(view.questions.map((q) => q.maskedAnswer), ['(unreadable)']);
  });

  it('masking works by code point and never shows a character of a one- or two-character answer', () => {
    assert.equal(maskAnswer('passwords', 'first-last'), 'p•••••••s');
    assert.equal(maskAnswer('Zoë🙂', 'last'), '•••🙂');
    assert.equal(maskAnswer('ab', 'first-last'), '••');
    assert.equal(maskAnswer('a', 'first'), '•');
    assert.equal(maskAnswer('abc', 'first-last'), 'a••');
  });
});
