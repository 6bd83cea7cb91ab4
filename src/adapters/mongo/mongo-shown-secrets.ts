// References to shown one-time secrets on MongoDB (never the secret). Expired documents are purged on use.
import type { Db } from 'mongodb';
import type { ShownSecret, ShownSecretRepository } from '../../ports/shown-secrets.port';
import { guard } from './mongo-errors';

interface ShownSecretDoc {
  _id: string;
  viewer: string;
  target: string;
  targetName: string;
  label: string;
  shownAt: Date;
  expiresAt: Date;
}

export const SHOWN_SECRETS = 'shown_secrets';

export function mongoShownSecrets(db: Db): ShownSecretRepository {
  const shown = db.collection<ShownSecretDoc>(SHOWN_SECRETS);
  const purge = (at: Date) => shown.deleteMany({ expiresAt: { $lte: at } });
  return {
    async save(s) {
      await guard('shown secret save', async () => {
        await purge(s.shownAt);
        await shown.insertOne({
          _id: s.ref, viewer: s.viewer, target: s.target, targetName: s.targetName, label: s.label, shownAt: s.shownAt, expiresAt: s.expiresAt,
        });
      });
    },
    async find(ref, now): Promise<ShownSecret | undefined> {
      return guard('shown secret find', async () => {
        const d = await shown.findOne({ _id: ref, expiresAt: { $gt: now } });
        await purge(now);
        if (!d) return undefined;
        return { ref: d._id, viewer: d.viewer, target: d.target, targetName: d.targetName, label: d.label, shownAt: d.shownAt, expiresAt: d.expiresAt };
      });
    },
  };
}
