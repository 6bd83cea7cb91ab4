// `user <query>`: one hit → details card; several → pick list; none → a clear "no user matches".
// The same pick list answers `unlock <name>` and `reset <name> view` when the name fits several users.
import type { DirectoryEntry } from '../../domain/directory-user';
import { HelpdeskError } from '../../domain/errors';
import {
  commandRoute,
  type UseCaseCall,
  type UseCaseEnv,
  type PickIntent,
  type PickListView,
  type View,
} from '../kernel';
import { detailsCard } from './details-card';
import { summaryOf } from './user-details';

function exactMatch(hits: readonly DirectoryEntry[], query: string): DirectoryEntry | undefined {
  const q = query.toLowerCase();
  const matches = hits.filter((h) =>
    [h.sAMAccountName, h.userPrincipalName, h.contact.mail].some((v) => v !== undefined && v.toLowerCase() === q),
  );
  return matches.length === 1 ? matches[0] : undefined;
}

const BUTTON_LABEL: Record<PickIntent, string> = {
  'user.show': 'Show',
  'account.unlock': 'Unlock…',
  'portal.unlock': 'Unlock portal…',
  'password.reset.view': 'Reset password…',
  'tap.view': 'Temporary Access Pass…',
  'tap.sms': 'Send Temporary Access Pass…',
  'password.reset': 'Reset by SMS…',
  'pin.sms': 'Send PIN…',
  'pin.view': 'Show PIN…',
};

/** Several hits → the rows an agent picks from; each button carries the intent's verb and the login. */
export function pickListView(env: UseCaseEnv, query: string, hits: readonly DirectoryEntry[], intent: PickIntent): PickListView {
  const size = env.settings.pickListSize;
  const shown = hits.slice(0, size);
  return {
    kind: 'pick-list',
    query,
    users: shown.map(summaryOf),
    truncated: hits.length > size,
    source: env.directory.source,
    ...(intent === 'user.show' ? {} : { intent }),
    actions: shown.map((h) => ({ verb: intent, label: BUTTON_LABEL[intent], data: { user: h.sAMAccountName } })),
  };
}

export function matchesDetail(hits: readonly DirectoryEntry[], size: number): string {
  return `${hits.length > size ? `more than ${size}` : hits.length} matches`;
}

export async function findUser({ env, ctx, actor, subject }: UseCaseCall, query: string): Promise<View> {
  const size = env.settings.pickListSize;
  const hits = await env.directory.search(query, size + 1);
  if (hits.length === 0) throw new HelpdeskError('DIR.USER_NOT_FOUND', undefined, { query: query.slice(0, 80) });
  const single = hits.length === 1 ? hits[0] : exactMatch(hits, query);
  if (single) {
    subject.target = single.sAMAccountName;
    return detailsCard(env, actor, single, ctx.timeZone);
  }
  subject.detail = matchesDetail(hits, size);
  return pickListView(env, query, hits, 'user.show');
}

export const findUserRoutes = [
  commandRoute('user', { action: 'user.find', target: (c) => c.query, run: (call, c) => findUser(call, c.query) }),
];
