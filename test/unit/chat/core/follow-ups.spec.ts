// What a surface does after the service answered (follow-ups.ts): here, which answers to an Approve or Deny
// press are shown on the request's other copies, and that a view holding a secret never is.
import assert from 'node:assert/strict';
import { followUpsOf } from '../../../../src/chat/core/follow-ups';
import { VERBS } from '../../../../src/domain/verbs';
import type { ApprovalView } from '../../../../src/service/kernel/views';

const decided: ApprovalView = {
  kind: 'approval', approvalId: 'ap-1', status: 'approved', requestedBy: 'agent.smith', requesterChatUserId: 'u-1', command: 'pin',
  secretName: 'helpdesk PIN', target: 'jdoe', createdAt: '2026-12-07T09:00:00Z', expiresAt: '2026-12-07T09:15:00Z',
  decidedBy: 'sup.jones', decidedAt: '2026-12-07T09:01:00Z', note: 'Approved by sup.jones', refresh: { label: 'Refresh', verb: VERBS.approvalShow, data: {} }, actions: [],
};

describe('follow-ups of an answer', () => {
  it('an Approve or Deny answered: the decision goes to every copy of the request', () => {
    assert.equal(followUpsOf(decided, { verb: VERBS.approvalApprove }).decision, decided);
    assert.equal(followUpsOf(decided, { verb: VERBS.approvalDeny }).decision, decided);
    assert.equal(followUpsOf(decided, { verb: VERBS.approvalShow }).decision, undefined, 'a Refresh decides nothing');
  });

  it('a view holding a secret is never copied as a decision, whatever was pressed', () => {
    const withSecret: ApprovalView = { ...decided, secret: { label: 'PIN', value: '12345678', ref: 'sec-1', hidesAt: '2026-12-07T09:02:00Z', hideAfterMs: 60_000 } };
    const next = followUpsOf(withSecret, { verb: VERBS.approvalApprove });
    assert.equal(next.decision, undefined);
    assert.deepEqual(next.hide, { ref: 'sec-1', afterMs: 60_000 }, 'it is still hidden in time');
  });
});
