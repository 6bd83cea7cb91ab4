// View → Block Kit message. One small builder per view kind; plain translation, no rules. Every message
// stays within Slack's limits (block-kit.ts) by summarising, never by failing.
import { lockoutMessage } from './desk-renderer';
import type {
  ConfirmView, ErrorView, HelpView, PickListView, ResultView, SharedRequestView, UserBadge, UserDetailsView, View,
} from '../../service/kernel';
import { inGroupsOfFour } from '../../domain/password-policy';
import { errorText } from '../core/error-text';
import { inViewerTimeZone, viewerClock, viewerDateTime } from '../core/viewer-time';
import { isRefusal } from '../../domain/errors';
import {
  LIMITS,
  actionsBlocks,
  button,
  capBlocks,
  context,
  divider,
  esc,
  fieldSections,
  header,
  preformatted,
  section,
  slackDate,
  summariseList,
  truncate,
  type Block,
} from './block-kit';
import { entraRows } from '../cards/entra-card-data';
import { auditEventsMessage, enrollmentMessage, indicatorBlocks, portalDetailBlocks, syncMessage } from './portal-renderer';
import { approvalListMessage, approvalMessage } from './approval-renderer';
import { escalateFormMessage, escalationMessage, REASON_ACTION_ID, REASON_BLOCK_ID } from './ticket-renderer';
import { verifyFormMessage } from './verify-renderer';
import { alertMessage, deskListMessage } from './desk-renderer';

/** What chat.postEphemeral / respond() receive: blocks plus the notification fallback text. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: Block[];
}

export interface RenderOptions {
  /**
   * Whether this message goes only to the asker (ephemeral). A view's one-time secret is drawn only
   * then; otherwise the message says where to find it.
   */
  readonly ephemeral: boolean;
  /** The asker's time zone, for an answer only they see: times show in it and in UTC. */
  readonly timeZone?: string | undefined;
}

/** How slash commands are typed on Slack (shown in help and usage texts). */
export const SLASH_COMMAND = '/helpdesk';

/** At most this many users on one pick list (each is one section with its button). */
export const MAX_PICK_USERS = 40;

/** Each state's icon and bold word; the closing `*` follows in statusLines. */
const BADGE: Record<UserBadge, string> = {
  locked: ':lock: *Locked',
  disabled: ':no_entry: *Disabled',
  'password-expired': ':hourglass: *Password expired',
  'must-change-password': ':key: *Must change password',
  protected: ':shield: *Protected account',
  demo: ':test_tube: *Demo data',
};

const SOURCE: Record<string, string> = { ldap: 'Active Directory', graph: 'Entra ID', demo: 'Demo directory' };

function fallback(text: string): string {
  return truncate(text, LIMITS.fallbackText);
}

/** Longest single name (group, login, address) drawn in a list; AD names are far shorter. */
const MAX_NAME = 256;

function code(text: string): string {
  // Inline code cannot contain a backtick; swap it for a look-alike rather than break the formatting.
  return `\`${esc(truncate(text, MAX_NAME).replace(/`/g, 'ˋ'))}\``;
}

/** The first items of a list that could possibly fit in `budget` characters (each takes at least 3). */
function head<T>(items: readonly T[], budget: number): readonly T[] {
  return items.length > budget / 3 ? items.slice(0, Math.ceil(budget / 3)) : items;
}

function help(view: HelpView): SlackMessage {
  const blocks: Block[] = [header('MyPass Helpdesk')];
  if (view.commands.length === 0) {
    blocks.push(section(esc(errorText('AUTH.NOT_STAFF'))));
    return { text: fallback(errorText('AUTH.NOT_STAFF')), blocks };
  }
  const lines = view.commands.map((c) => `${code(`${SLASH_COMMAND} ${c.usage}`)}  ${esc(c.description)}`);
  // One section per ~3000 characters of lines; the list is short, but never let it overflow.
  let current = '';
  for (const line of lines) {
    if (current && current.length + 1 + line.length > LIMITS.sectionText) {
      blocks.push(section(current));
      current = '';
    }
    current += (current ? '\n' : '') + line;
  }
  if (current) blocks.push(section(current));
  blocks.push(context([`Your role: *${esc(view.role)}* · You can also mention the app: \`@MyPass Helpdesk user jdoe\``]));
  return { text: 'MyPass Helpdesk: the commands you can use', blocks: capBlocks(blocks) };
}

const PICK_PROMPT: Record<NonNullable<PickListView['intent']>, string> = {
  'user.show': 'Pick one',
  'account.unlock': 'Pick the one to unlock',
  'portal.unlock': 'Pick the one whose portal account to unlock',
  'password.reset.view': 'Pick the one whose password to reset',
  'tap.view': 'Pick the one who gets a Temporary Access Pass',
  'tap.sms': 'Pick the one to send a Temporary Access Pass to',
  'password.reset': 'Pick the one whose password to reset by SMS',
  'pin.sms': 'Pick the one to send a helpdesk PIN to',
  'pin.view': 'Pick the one to issue a helpdesk PIN for',
};

/** A row's state, so the agent can tell namesakes apart. */
function summaryState(u: { readonly enabled: boolean; readonly locked: boolean }): string {
  const words = [...(u.locked ? [':lock: *Locked*'] : []), ...(u.enabled ? [] : [':no_entry: *Disabled*'])];
  return words.length ? words.join(', ') : ':white_check_mark: Active';
}

function pickList(view: PickListView): SlackMessage {
  const shown = view.users.slice(0, MAX_PICK_USERS);
  const blocks: Block[] = [header(`Users matching “${view.query}”`), context([PICK_PROMPT[view.intent ?? 'user.show']])];
  const used = new Set<number>();
  shown.forEach((user) => {
    const index = view.actions.findIndex((a, i) => !used.has(i) && a.data.user === user.login);
    if (index >= 0) used.add(index);
    const action = index >= 0 ? view.actions[index] : undefined;
    const details = [user.department, user.title, user.mail ?? user.userPrincipalName].filter((v): v is string => !!v).map(esc);
    const text = `*${esc(user.displayName)}*  ${code(user.login)}  ${summaryState(user)}${details.length ? `\n${details.join(' · ')}` : ''}`;
    blocks.push(section(text, action ? button(action, index, { targetName: user.displayName }) : undefined));
  });
  const notes: string[] = [`${view.users.length}${view.truncated ? '+' : ''} found in ${SOURCE[view.source] ?? esc(view.source)}`];
  if (view.truncated || view.users.length > shown.length) notes.push('More users match than are shown: narrow the query.');
  blocks.push(context(notes));
  // Buttons tied to no listed user (none today) still get drawn, after the list; those of users cut
  // from the list are not.
  const listed = new Set(view.users.map((u) => u.login));
  const rest = view.actions.filter((a, i) => !used.has(i) && !(a.data.user !== undefined && listed.has(a.data.user)));
  const restBlocks = actionsBlocks(rest, {}, 1, view.actions.length);
  return {
    text: fallback(`${view.users.length}${view.truncated ? '+' : ''} users match "${view.query}"`),
    blocks: capBlocks([...blocks, ...restBlocks], restBlocks.length),
  };
}

function userDetails(view: UserDetailsView): SlackMessage {
  const a = view.account;
  const o = view.organisation;
  const c = view.contact;
  // A possible vishing attempt comes first, right under the name, above any reassuring "Active".
  const blocks: Block[] = [header(view.displayName), ...indicatorBlocks(view.indicators)];
  // The next lines say what matters with the user on the phone: lock, disabled, password state.
  blocks.push(section(statusLines(view).join('\n')));
  blocks.push(context([`${code(view.login)} · ${SOURCE[view.source] ?? esc(view.source)}`]));
  const lockState = a.locked ? `:lock: Locked${a.lockedAt ? ` since ${slackDate(a.lockedAt)}` : ''}\n${lockEnds(a.lockoutEndsAt)}` : 'Not locked';
  blocks.push(...fieldSections('Account', [
    ['Login', code(a.sAMAccountName)],
    ['User principal name', a.userPrincipalName ? esc(a.userPrincipalName) : undefined],
    ['Enabled', a.enabled ? 'Yes' : ':no_entry: No'],
    ['Lock state', lockState],
    ['Bad password count', a.badPwdCount !== undefined ? String(a.badPwdCount) : undefined],
    ['Password last set', slackDate(a.passwordLastSet)],
    ['Password expires', slackDate(a.passwordExpiresAt) ?? 'Never'],
    ['Must change password', a.passwordMustChange ? 'Yes, at next logon' : 'No'],
    ['Last logon', slackDate(a.lastLogon)],
    ['Account expires', slackDate(a.accountExpiresAt) ?? 'Never'],
    ['Created', slackDate(a.createdAt)],
  ]));
  blocks.push(...fieldSections('Organisation and contact', [
    ['Department', o.department ? esc(o.department) : undefined],
    ['Title', o.title ? esc(o.title) : undefined],
    ['Company', o.company ? esc(o.company) : undefined],
    ['Office', o.office ? esc(o.office) : undefined],
    ['Manager', o.manager ? esc(o.manager) : undefined],
    ['Mail', c.mail ? esc(c.mail) : undefined],
    ['Telephone', c.telephoneNumber ? esc(c.telephoneNumber) : undefined],
    ['Mobile', c.mobile ? esc(c.mobile) : undefined],
    ['UPN suffix', view.linked.upnSuffix ? esc(view.linked.upnSuffix) : undefined],
    ['Proxy addresses', view.linked.proxyAddresses.length
      ? summariseList(head(view.linked.proxyAddresses, LIMITS.fieldText).map((p) => esc(truncate(p, MAX_NAME))), {
        budget: LIMITS.fieldText - 40, separator: '\n', total: view.linked.proxyAddresses.length })
      : undefined],
  ]));
  const entra = entraRows(view.entra, (iso) => viewerDateTime(new Date(iso)));
  if (entra.length) blocks.push(...fieldSections('Entra ID', entra.map(([label, value]) => [label, esc(truncate(value, LIMITS.fieldText - 40))])));
  const groupCount = Math.max(view.groupCount, view.groups.length);
  const groupsTitle = `*Groups (${groupCount})*`;
  const groupsText = groupCount === 0
    ? 'None'
    : summariseList(head(view.groups, LIMITS.sectionText).map(code), {
      budget: LIMITS.sectionText - groupsTitle.length - 1, separator: ' · ', total: groupCount });
  blocks.push(section(`${groupsTitle}\n${groupsText}`));
  blocks.push(...portalDetailBlocks(view));
  const buttons = actionsBlocks(view.actions, { targetName: view.displayName });
  return {
    text: fallback(`User details: ${view.displayName} (${view.login})${a.locked ? ', locked' : ''}`),
    blocks: capBlocks([...blocks, ...buttons], buttons.length),
  };
}

/** "stays locked until someone unlocks it" / "unlocks by itself at <date>". */
function lockEnds(lockoutEndsAt: string | undefined, midSentence = false): string {
  const text = lockoutEndsAt ? `Unlocks by itself at ${slackDate(lockoutEndsAt)}` : 'Stays locked until someone unlocks it';
  return midSentence ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function statusLines(view: UserDetailsView): string[] {
  const a = view.account;
  const has = (b: UserBadge) => view.badges.includes(b);
  const lines: string[] = [];
  if (has('locked')) {
    lines.push(`${BADGE.locked}*${a.lockedAt ? ` since ${slackDate(a.lockedAt)}` : ''} — ${lockEnds(a.lockoutEndsAt, true)}`);
  }
  if (has('disabled')) lines.push(`${BADGE.disabled}* — the account is switched off: they can't sign in`);
  if (has('password-expired')) lines.push(`${BADGE['password-expired']}*${a.passwordExpiresAt ? ` on ${slackDate(a.passwordExpiresAt)}` : ''}`);
  if (has('must-change-password')) lines.push(`${BADGE['must-change-password']}* at next logon`);
  if (!has('locked') && !has('disabled') && !has('password-expired')) lines.unshift(':white_check_mark: *Active* — enabled, not locked');
  if (has('protected')) lines.push(`${BADGE.protected}* — can't be changed through the helpdesk bot`);
  if (has('demo') || view.source === 'demo') lines.push(`${BADGE.demo}* — not a real directory`);
  if (view.callerVerifiedAt) lines.push(`:telephone_receiver: *Caller verified* — caller verified by code at ${viewerClock(new Date(view.callerVerifiedAt))}`);
  return lines;
}

function confirm(view: ConfirmView): SlackMessage {
  const blocks: Block[] = [
    header(view.title),
    section(esc(view.message)),
    ...(view.warnings?.length ? [section(view.warnings.map((w) => `:warning: *${esc(w)}*`).join('\n'))] : []),
    // Over a limit (a supervisor): why, and the reason input block_actions sends back as `reason`.
    ...(view.override
      ? [
        section(`:octagonal_sign: ${esc(view.override.text)}`),
        {
          type: 'input', block_id: REASON_BLOCK_ID, label: { type: 'plain_text', text: 'Why go over the limit' },
          element: { type: 'plain_text_input', action_id: REASON_ACTION_ID, max_length: view.override.maxReason },
        } as Block,
      ]
      : []),
    context([
      `Target: *${esc(view.target.displayName)}* ${code(view.target.login)}`,
      `Expires ${slackDate(view.expiresAt) ?? 'soon'}`,
    ]),
    ...actionsBlocks(view.actions, { targetName: view.target.displayName, confirmText: view.message }, 1),
    // The rarer variant sits apart, under a divider with its own words, never in the row of Confirm.
    ...(view.alternative ? alternativeBlocks(view.alternative, view.actions.length) : []),
  ];
  return { text: fallback(`${view.title}: ${view.target.displayName}`), blocks };
}

function alternativeBlocks(alternative: NonNullable<ConfirmView['alternative']>, index: number): Block[] {
  const accessory = button(alternative.action, index);
  return accessory ? [divider(), section(`*Another choice*\n${esc(alternative.explanation)}`, accessory)] : [];
}

const OUTCOME: Record<ResultView['outcome'], string> = {
  success: ':white_check_mark:',
  failure: ':x:',
  cancelled: ':heavy_multiplication_x:',
};

function result(view: ResultView, options: RenderOptions): SlackMessage {
  const title = view.outcome === 'cancelled' && !/^cancel/i.test(view.title) ? `Cancelled: ${view.title}` : view.title;
  const blocks: Block[] = [section(`${OUTCOME[view.outcome]} *${esc(title)}*\n${esc(view.message)}`)];
  if (view.target) blocks.push(context([`${esc(view.target.displayName)} ${code(view.target.login)}`]));
  if (view.secret) {
    if (options.ephemeral) {
      blocks.push(
        section(`*${esc(view.secret.label)}*`),
        preformatted(inGroupsOfFour(view.secret.value)),
        context([`Only you can see this message. The spaces only group it for reading aloud: it has none. It hides itself ${slackDate(view.secret.hidesAt) ?? 'soon'}; press Hide when done.`]),
      );
    } else {
      blocks.push(section('The one-time value was sent to you privately.'));
    }
  }
  const buttons = actionsBlocks(view.actions, view.target ? { targetName: view.target.displayName } : {}, 1);
  // The fallback text shows in notifications: never the secret.
  return { text: fallback(`${view.title}: ${view.message}`), blocks: capBlocks([...blocks, ...buttons], buttons.length) };
}

/** Slack answers are always ephemeral, so this kind does not reach Slack; drawn anyway, without user data. */
function sharedRequest(view: SharedRequestView): SlackMessage {
  const text = `${view.askedBy} asked: ${view.typed}`;
  return {
    text: fallback(text),
    blocks: [
      section(`*${esc(view.askedBy)}* asked: ${code(view.typed)}`),
      context(['The details are shown only to helpdesk staff, each privately.']),
      ...actionsBlocks(view.actions, {}, 1),
    ],
  };
}

function error(view: ErrorView): SlackMessage {
  const text = errorText(view.code, view.params);
  return {
    text: fallback(text),
    // No reference line: only an unexpected error (INTERNAL) has one, and its text already carries it.
    blocks: [section(`${isRefusal(view.code) ? ':information_source:' : ':warning:'} ${esc(text)}`)],
  };
}

export function renderView(view: View, options: RenderOptions): SlackMessage {
  return inViewerTimeZone(options.timeZone, () => renderKind(view, options));
}

function renderKind(view: View, options: RenderOptions): SlackMessage {
  switch (view.kind) {
    case 'help':
      return help(view);
    case 'pick-list':
      return pickList(view);
    case 'user-details':
      return userDetails(view);
    case 'confirm':
      return confirm(view);
    case 'result':
      return result(view, options);
    case 'shared-request':
      return sharedRequest(view);
    case 'error':
      return error(view);
    case 'audit-events':
      return auditEventsMessage(view);
    case 'sync-transactions':
      return syncMessage(view);
    case 'enrollment':
      return enrollmentMessage(view);
    case 'approval':
      return approvalMessage(view, options);
    case 'approval-list':
      return approvalListMessage(view);
    case 'escalate-form':
      return escalateFormMessage(view);
    case 'escalation':
      return escalationMessage(view);
    case 'verify-form':
      return verifyFormMessage(view);
    case 'desk-list':
      return deskListMessage(view);
    case 'lockout':
      return lockoutMessage(view);
    case 'alert':
      return alertMessage(view);
  }
}

/** Whether a view holds something only its asker may see (drawn only in an ephemeral message). */
export function hasSecret(view: View): boolean {
  return (view.kind === 'result' || view.kind === 'approval') && view.secret !== undefined;
}
