// A details card's state on MongoDB. No aggregation stage can join these collections on every server this
// store runs on (FerretDB has no $lookup, $facet or $unionWith), so the card's reads are the repositories'
// own, all sent at once over the driver's pool: one round trip's wait instead of eight in a row. Unlike
// SQLite's one transaction, they are not one snapshot; each fact is as its own read gives it.
import type { OneTimeCodeRepository } from '../../ports/one-time-codes.port';
import type { PortalAccountRepository, PortalCardRepository, PortalEventRepository } from '../../ports/portal.port';

export function mongoPortalCards(repos: {
  readonly accounts: PortalAccountRepository;
  readonly events: PortalEventRepository;
  readonly verificationCodes: OneTimeCodeRepository;
}): PortalCardRepository {
  const { accounts, events, verificationCodes } = repos;
  return {
    async read(q) {
      const [account, last, recent, arrived, callerVerifiedAt] = await Promise.all([
        accounts.get(q.user),
        events.list({ user: q.user, category: 'self-service', limit: 1 }),
        Promise.all(q.recent.map((r) => events.list({ user: q.user, type: r.type, outcome: r.outcome, since: q.since, limit: r.limit }))),
        events.countArrived(q.user, q.arrivedSince),
        verificationCodes.usedSince(q.callerVerified.user, q.callerVerified.since),
      ]);
      return { account, lastSelfService: last[0], recent, arrived, callerVerifiedAt };
    },
  };
}
