// What `lockout <user>` found, said in words: where and when the lock came from, which DCs saw the bad
// passwords, which still hold a count after an unlock, and what the agent should look at. Pure.
import type { LockoutPolicy } from '../../domain/lockout-policy';
import { clockTime } from '../../domain/time-text';
import type { DcLogonState, LockoutOrigin } from '../../ports/directory.port';

export interface LockoutFacts {
  readonly locked: boolean;
  readonly origin?: LockoutOrigin;
  readonly dcs: readonly DcLogonState[];
  readonly policy?: LockoutPolicy;
  readonly portalFailures: number;
  readonly portalAddresses: readonly string[];
}

/** A DC as people say it: the first label of its host name ("dc2" of dc2.corp.example.com). */
export function dcName(hostName: string): string {
  return hostName.split('.')[0] ?? hostName;
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m === 1 ? '1 minute' : `${m} minutes`;
}

function passwords(n: number): string {
  return n === 1 ? '1 bad password' : `${n} bad passwords`;
}

function names(dcs: readonly DcLogonState[]): string {
  const list = dcs.map((d) => dcName(d.dc));
  return list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1] ?? ''}`;
}

export function lockoutSentence(facts: LockoutFacts, zone?: string): string {
  const reachable = facts.dcs.filter((d) => d.reachable);
  const counting = reachable.filter((d) => (d.badPwdCount ?? 0) > 0);
  const quiet = reachable.filter((d) => (d.badPwdCount ?? 0) === 0);
  const parts: string[] = [];
  if (facts.locked) {
    const origin = facts.origin;
    const at = origin ? clockTime(origin.at, zone) : undefined;
    const where = origin?.dc ? reachable.find((d) => d.dc === origin.dc) : undefined;
    const whereName = origin?.dc ? dcName(origin.dc) : undefined;
    let first = `Locked${at ? ` at ${at}` : ''}${whereName ? ` on ${whereName}` : origin ? ' on a DC this domain no longer lists' : ''}`;
    if (where && (where.badPwdCount ?? 0) > 0) {
      const window = facts.policy && facts.policy.observationWindowMs > 0 ? ` within ${minutes(facts.policy.observationWindowMs)}` : '';
      first += ` after ${passwords(where.badPwdCount ?? 0)}${window}`;
    }
    const others = quiet.filter((d) => d.dc !== origin?.dc);
    if (others.length > 0) first += `; ${names(others)} saw none`;
    if (whereName) first += ` — look at what authenticates against ${whereName}`;
    parts.push(`${first}.`);
  } else {
    parts.push('Not locked now.');
    if (counting.length > 0) {
      const threshold = facts.policy?.threshold ?? 0;
      const atEdge = counting.filter((d) => threshold > 0 && (d.badPwdCount ?? 0) >= threshold - 1);
      parts.push(`${names(counting)} still ${counting.length === 1 ? 'holds' : 'hold'} a bad-password count (${counting.map((d) => `${dcName(d.dc)}: ${d.badPwdCount ?? 0}`).join(', ')})` +
        (atEdge.length > 0 ? `: the next wrong password on ${names(atEdge)} locks the account again at once.` : '.'));
    }
  }
  const unreachable = facts.dcs.filter((d) => !d.reachable);
  if (unreachable.length > 0) parts.push(`${names(unreachable)} could not be read.`);
  if (facts.portalFailures > 0) {
    parts.push(`${facts.portalFailures} failed portal challenge${facts.portalFailures === 1 ? '' : 's'} in the last 24 hours` +
      (facts.portalAddresses.length > 0 ? `, from ${facts.portalAddresses.join(', ')}.` : '.'));
  }
  return parts.join(' ');
}
