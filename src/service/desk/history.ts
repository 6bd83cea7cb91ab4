// `history <user>`: what the helpdesk did to this user, from its own audit trail (who, what, when, outcome,
// surface), newest first, a page at a time. "More" carries the last shown entry's seq. The trail is the
// store's: nothing here reads the directory beyond naming the user.
//
// A record's target is the login the use case resolved, but a request refused or failed before the user was
// found (a role refusal, a limit override) keeps what the agent typed: the UPN, the mail, another case. So a
// page is read by each of the user's logins (one indexed read each, a handful) and merged by seq; resolving
// every refused request in the directory to record it canonically would cost a directory read per refusal,
// made for callers who may not look users up, and would still leave the older records as typed.
import type { AuditEntry } from '../../domain/audit-entry';
import type { DirectoryEntry } from '../../domain/directory-user';
import { portalUserKey } from '../../domain/portal';
import { VERBS } from '../../domain/verbs';
import { commandRoute, findOne, pressRoute, type DeskListView, type DeskRow, type UseCaseCall } from '../kernel';

export const HISTORY_PAGE_SIZE = 10;

const OUTCOME_WORDS: Readonly<Record<AuditEntry['outcome'], string>> = {
  requested: 'requested',
  success: 'done',
  failure: 'failed',
  refused: 'refused',
};

const SURFACE_WORDS: Readonly<Record<string, string>> = {
  teams: 'Teams', slack: 'Slack', local: 'local console', directline: 'Direct Line', api: 'portal API',
};

function row(e: AuditEntry): DeskRow {
  const outcome = `${OUTCOME_WORDS[e.outcome]}${e.code ? ` (${e.code})` : ''}`;
  return {
    heading: e.action,
    facts: [
      { label: 'When', at: e.at.toISOString() },
      { label: 'Who', text: `${e.actor} (${e.role})` },
      { label: 'Outcome', text: outcome },
      { label: 'Where', text: SURFACE_WORDS[e.surface] ?? e.surface },
      ...(e.detail ? [{ label: 'Detail', text: e.detail }] : []),
    ],
    tone: e.outcome === 'refused' ? 'warning' : e.outcome === 'failure' ? 'attention' : 'default',
    actions: [],
  };
}

/** Every form under which the trail may name this user: its logins as the directory has them and lower-cased. */
function targetsOf(user: DirectoryEntry): string[] {
  const logins = [user.sAMAccountName, user.userPrincipalName, user.contact.mail].filter((l): l is string => Boolean(l));
  return [...new Set([...logins, ...logins.map(portalUserKey)])];
}

export async function history(call: UseCaseCall, login: string, cursor?: number): Promise<DeskListView> {
  const { env, subject } = call;
  const user = await findOne(env.directory, login);
  subject.target = user.sAMAccountName;
  const reads = await Promise.all(targetsOf(user).map((target) => env.store.audit.list({
    target,
    limit: HISTORY_PAGE_SIZE + 1,
    ...(cursor !== undefined ? { beforeSeq: cursor } : {}),
  })));
  const bySeq = new Map(reads.flat().map((e) => [e.seq, e]));
  const page = [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, HISTORY_PAGE_SIZE + 1);
  const shown = page.slice(0, HISTORY_PAGE_SIZE);
  const last = shown[shown.length - 1];
  const who = user.displayName && user.displayName !== user.sAMAccountName ? `${user.displayName} (${user.sAMAccountName})` : user.sAMAccountName;
  subject.detail = `${shown.length} entries${cursor !== undefined ? ' (more)' : ''}`;
  return {
    kind: 'desk-list',
    list: 'history',
    title: `Helpdesk history — ${who}`,
    subtitle: `What the helpdesk did, from its audit trail · newest first${cursor !== undefined ? ' · continued' : ''}`,
    emptyText: cursor !== undefined ? 'No older entries.' : `The helpdesk has done nothing to ${who} yet.`,
    rows: shown.map(row),
    continued: cursor !== undefined,
    actions: page.length > HISTORY_PAGE_SIZE && last
      ? [{ verb: VERBS.historyMore, label: 'More', data: { user: user.sAMAccountName, cursor: String(last.seq) } }]
      : [],
  };
}

export const historyRoutes = [
  commandRoute('history', { action: 'desk.history', target: (c) => c.user, run: (call, c) => history(call, c.user) }),
  pressRoute(VERBS.historyMore, {
    action: 'desk.history',
    run: (call, data) => history(call, data.user ?? '', /^\d{1,15}$/.test(data.cursor ?? '') ? Number(data.cursor) : undefined),
  }),
];
