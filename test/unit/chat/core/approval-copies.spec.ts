import assert from 'node:assert/strict';
import { openSqliteStore } from '../../../../src/adapters/sqlite/sqlite-store';
import { ApprovalMessages } from '../../../../src/chat/slack/approval-messages';
import { ApprovalCopies, type CopyAddress } from '../../../../src/chat/teams/approval-copies';
import { silentLogger } from '../../../../src/ports/logger.port';
import type { ApprovalView } from '../../../../src/service/kernel';

describe('Approval request copies in the store, by surface', () => {
  const teamsCard = (conversation: string, activityId: string): CopyAddress => ({ reference: { conversation: { id: conversation } as never }, activityId, mode: 'execute' });

  it('each surface takes only its own copies, once; those the release before kept under one group for all are still taken, each by its surface', async () => {
    const store = openSqliteStore({ path: ':memory:', auditKey: Buffer.alloc(32, 7) });
    const clock = { now: () => new Date() };
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + 60_000);
    const updated: string[] = [];
    const teams = new ApprovalCopies(silentLogger, undefined, {
      work: store.pendingWork, clock, update: async (address) => { updated.push(`${address.reference.conversation?.id} ${address.activityId}`); },
    });
    const slack = new ApprovalMessages(silentLogger, { work: store.pendingWork, clock });
    const add = (key: string, group: string, payload: unknown) => store.pendingWork.add({ key, group, payload: JSON.stringify(payload), expiresAt }, now);

    // The release before: one group for every surface.
    await add('approval:r1:19:old:1', 'approval:r1', teamsCard('19:old', '1'));
    await add('approval:r1:COLD:1.1', 'approval:r1', { channel: 'COLD', ts: '1.1', asked: true });
    // This release: each surface's own group.
    await add('teams:approval:r1:19:new:2', 'teams:approval:r1', teamsCard('19:new', '2'));
    await slack.add('r1', 'CNEW', '2.2', false);

    const taken = await slack.take('r1', undefined);
    assert.deepEqual(taken.copies.map((c) => `${c.channel} ${c.ts}`).sort(), ['CNEW 2.2', 'COLD 1.1'], 'Slack\'s messages only');
    assert.equal(taken.askedIn, 'COLD');
    const view = { approvalId: 'r1' } as ApprovalView;
    await teams.decided(view, undefined, () => ({}) as never);
    assert.deepEqual(updated.sort(), ['19:new 2', '19:old 1'], 'Teams\' cards only, each once');

    assert.deepEqual((await slack.take('r1', undefined)).copies, [], 'taken once');
    await teams.decided(view, undefined, () => ({}) as never);
    assert.equal(updated.length, 2, 'updated once');
    for (const group of ['approval:r1', 'teams:approval:r1', 'slack:approval:r1']) assert.deepEqual(await store.pendingWork.inGroup(group, clock.now()), [], `${group}: nothing left`);
    await store.close();
  });
});
