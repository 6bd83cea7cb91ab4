import assert from 'node:assert/strict';
import { lockoutSentence } from '../../../../src/service/desk/lockout-words';

const policy = { threshold: 3, observationWindowMs: 30 * 60_000, durationMs: 30 * 60_000, source: 'domain' as const };
const at = new Date('2026-12-06T09:14:00Z');

describe('lockout <user> in words', () => {
  it('names the DC the lockout came from, the bad passwords there, and the DCs that saw none', () => {
    const text = lockoutSentence({
      locked: true, policy, portalFailures: 0, portalAddresses: [],
      origin: { dc: 'dc2.corp.example.com', invocationId: 'x', at, from: 'replPropertyMetaData' },
      dcs: [
        { dc: 'dc1.corp.example.com', reachable: true, badPwdCount: 0, lockoutTime: at },
        { dc: 'dc2.corp.example.com', reachable: true, badPwdCount: 3, badPasswordTime: at, lockoutTime: at },
      ],
    });
    assert.equal(text, 'Locked at 09:14 UTC on dc2 after 3 bad passwords within 30 minutes; dc1 saw none — look at what authenticates against dc2.');
  });

  it('after an unlock, warns of the DCs still counting: the next wrong password there locks again', () => {
    const text = lockoutSentence({
      locked: false, policy, portalFailures: 2, portalAddresses: ['203.0.113.7'],
      dcs: [
        { dc: 'dc1.corp.example.com', reachable: true, badPwdCount: 0 },
        { dc: 'dc2.corp.example.com', reachable: true, badPwdCount: 3 },
        { dc: 'dc3.corp.example.com', reachable: false },
      ],
    });
    assert.equal(text, 'Not locked now. dc2 still holds a bad-password count (dc2: 3): the next wrong password on dc2 locks the account again at once. dc3 could not be read. 2 failed portal challenges in the last 24 hours, from 203.0.113.7.');
  });
});
