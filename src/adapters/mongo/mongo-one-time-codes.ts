// One-time codes on MongoDB (pins, verification_codes and portal_codes share one shape). The code document
// (one per user, replaced by a new code) never changes after it is written; what happens to it is claims
// in <name>_marks, each a unique-key insert tied to that code's random generation id:
//   (gen, 'use')      the one successful check: of any number of racing right codes, one inserts it;
//   (gen, 'fail', n)  the n-th wrong code: racers each take the next free n, so every failure counts once;
//   (gen, 'revoke')   a failed delivery: the code is expired from then on.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import type { CodeCheck, OneTimeCodeRepository } from '../../ports/one-time-codes.port';
import { claim, guard } from './mongo-errors';

interface CodeDoc {
  _id: string;
  gen: string;
  hmac: string;
  createdAt: Date;
  expiresAt: Date;
  createdBy: string;
  /** Failures carried over from the code this one replaced. */
  carried: number;
}

interface MarkDoc {
  _id: string;
  gen: string;
  kind: 'use' | 'fail' | 'revoke';
  at: Date;
}

export type CodeCollection = 'pins' | 'verification_codes' | 'portal_codes';

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  // Both are HMAC-SHA256 (32 bytes); a malformed candidate still costs one comparison of that length.
  if (x.length !== 32 || y.length !== 32) {
    timingSafeEqual(Buffer.alloc(32), Buffer.alloc(32));
    return false;
  }
  return timingSafeEqual(x, y);
}

export async function createOneTimeCodeIndexes(db: Db, name: CodeCollection): Promise<void> {
  await db.collection(`${name}_marks`).createIndex({ gen: 1 }, { name: `${name}_marks_gen` });
}

interface CodeState {
  readonly code: CodeDoc;
  readonly usedAt?: Date;
  readonly revokedAt?: Date;
  readonly failures: number;
}

export function mongoOneTimeCodes(db: Db, name: CodeCollection): OneTimeCodeRepository {
  const codes: Collection<CodeDoc> = db.collection<CodeDoc>(name);
  const marks: Collection<MarkDoc> = db.collection<MarkDoc>(`${name}_marks`);

  async function read(user: string): Promise<CodeState | undefined> {
    const code = await codes.findOne({ _id: user });
    if (!code) return undefined;
    const all = await marks.find({ gen: code.gen }).toArray();
    const use = all.find((m) => m.kind === 'use');
    const revoke = all.find((m) => m.kind === 'revoke');
    return {
      code,
      ...(use ? { usedAt: use.at } : {}),
      ...(revoke ? { revokedAt: revoke.at } : {}),
      failures: code.carried + all.filter((m) => m.kind === 'fail').length,
    };
  }

  /** Counts one failure: the next free n of this code; resolves with n (the total failures it makes). */
  async function fail(state: CodeState, at: Date): Promise<number> {
    for (let n = state.failures + 1; ; n++) {
      if (await claim(marks, { _id: `${state.code.gen}:fail:${n}`, gen: state.code.gen, kind: 'fail', at })) return n;
    }
  }

  return {
    async issue(r, carrySince) {
      return guard(`${name} issue`, async () => {
        const old = await read(r.user);
        const carried = old && old.usedAt === undefined && old.code.createdAt.getTime() >= carrySince.getTime() ? old.failures : 0;
        const code: CodeDoc = {
          _id: r.user, gen: randomUUID(), hmac: r.hmac, createdAt: r.createdAt, expiresAt: r.expiresAt, createdBy: r.createdBy, carried,
        };
        await codes.replaceOne({ _id: r.user }, code, { upsert: true });
        if (old) await marks.deleteMany({ gen: old.code.gen });
        return { failedTries: carried };
      });
    },
    async check(user, hmac, now, maxTries): Promise<CodeCheck> {
      return guard(`${name} check`, async (): Promise<CodeCheck> => {
        const state = await read(user);
        if (!state) return 'unknown';
        // The value first: a wrong code learns nothing of the code's state (used, locked, expired), and every
        // wrong code counts a failure, whatever that state.
        if (!sameHex(state.code.hmac, hmac)) return (await fail(state, now)) >= maxTries ? 'spent' : 'invalid';
        if (state.usedAt !== undefined) return 'used';
        if (state.failures >= maxTries) return 'locked';
        const revoked = state.revokedAt !== undefined && state.revokedAt.getTime() <= now.getTime();
        if (state.code.expiresAt.getTime() <= now.getTime() || revoked) return 'expired';
        const gen = state.code.gen;
        return (await claim(marks, { _id: `${gen}:use`, gen, kind: 'use', at: now })) ? 'valid' : 'used';
      });
    },
    async revoke(user, hmac, now) {
      await guard(`${name} revoke`, async () => {
        const code = await codes.findOne({ _id: user });
        if (!code || code.hmac !== hmac) return;
        await claim(marks, { _id: `${code.gen}:revoke`, gen: code.gen, kind: 'revoke', at: now });
      });
    },
    async usedSince(user, since) {
      return guard(`${name} usedSince`, async () => {
        const state = await read(user);
        return state?.usedAt !== undefined && state.usedAt.getTime() >= since.getTime() ? state.usedAt : undefined;
      });
    },
  };
}
