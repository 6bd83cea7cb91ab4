// View → the data a template in cards/ is expanded with. Presentation only: wording of labels, date
// formats, status lines, long lists summarised. Every value that came from outside (directory data, a
// user's query, a message) lands in a TextRun, which no Adaptive Card host renders as markdown.
// Text is never coloured: Teams' light, dark and high-contrast themes (and the console) each give their
// default text colour enough contrast on every container style, coloured text does not (green on
// "good" measures ~1.85:1). State reads from a bold word and an icon; alarming states sit in an
// `attention` container, still in the default colour.
import { isRefusal } from '../../domain/errors';
import { errorText } from '../core/error-text';
import type {
  ConfirmView,
  ErrorView,
  HelpView,
  PickListView,
  ResultView,
  SharedRequestView,
  UserBadge,
  UserDetailsView,
} from '../../service/kernel';
import { inGroupsOfFour } from '../../domain/password-policy';
import { formatWhen, person, truncate } from './format';
import { viewerClock } from '../core/viewer-time';
import { portalDetailsData } from './portal-card-data';
import { entraRows } from './entra-card-data';
import { cardAction, type CardAction } from './card-action';

/** Groups shown by name on a user-details card; the rest are counted ("and N more"). */
export const MAX_GROUPS_SHOWN = 15;
/** A group name longer than this is cut (AD allows 256-character cn values). */
export const MAX_GROUP_NAME = 64;
const MAX_VALUE = 256;
const MAX_PROXY_ADDRESSES = 5;

type ContainerStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';

export interface Fact {
  readonly label: string;
  readonly value: string;
  readonly weight: 'Default' | 'Bolder';
}

/** Adaptive Cards hosts show at most 5 card actions (the SDK's default host config; Teams' own limit is 6). */
const MAX_CARD_ACTIONS = 5;

/** Past the limit, the first four stay and the rest go behind a "More actions" button (Action.ShowCard). */
function splitActions(all: CardAction[]): { actions: CardAction[]; moreActions: CardAction[]; hasMoreActions: boolean } {
  if (all.length <= MAX_CARD_ACTIONS) return { actions: all, moreActions: [], hasMoreActions: false };
  return { actions: all.slice(0, MAX_CARD_ACTIONS - 1), moreActions: all.slice(MAX_CARD_ACTIONS - 1), hasMoreActions: true };
}

/** A label and its value; `alarm` draws the value bold (never coloured). */
function fact(label: string, value: string | number | undefined, alarm = false): Fact[] {
  if (value === undefined || value === '') return [];
  return [{ label, value: truncate(String(value), MAX_VALUE), weight: alarm ? 'Bolder' : 'Default' }];
}


// ---------------------------------------------------------------------------------------------- help

const ROLE_INTRO = {
  agent: 'You are a helpdesk agent. Type one of these commands:',
  supervisor: 'You are a helpdesk supervisor. Type one of these commands:',
} as const;

export function helpData(view: HelpView) {
  const intro = view.role === 'none' || view.commands.length === 0 ? errorText('AUTH.NOT_STAFF') : ROLE_INTRO[view.role];
  return {
    intro,
    hasCommands: view.commands.length > 0,
    commands: view.commands.map((c) => ({ usage: c.usage, description: c.description })),
  };
}

// ----------------------------------------------------------------------------------------- pick list

const PICK_PROMPT = {
  'user.show': 'Pick one:',
  'account.unlock': 'Pick the one to unlock:',
  'portal.unlock': 'Pick the one whose portal account to unlock:',
  'password.reset.view': 'Pick the one whose password to reset:',
  'tap.view': 'Pick the one who gets a Temporary Access Pass:',
  'tap.sms': 'Pick the one to send a Temporary Access Pass to:',
  'password.reset': 'Pick the one whose password to reset by SMS:',
  'pin.sms': 'Pick the one to send a helpdesk PIN to:',
  'pin.view': 'Pick the one to issue a helpdesk PIN for:',
} as const;

/** A pick-list row's state, so the agent can tell namesakes apart: locked / disabled / active. */
export function summaryState(u: { readonly enabled: boolean; readonly locked: boolean }): string {
  const words = [...(u.locked ? ['🔒 Locked'] : []), ...(u.enabled ? [] : ['⛔ Disabled'])];
  return words.length ? words.join(', ') : '✅ Active';
}

export function pickListData(view: PickListView) {
  return {
    demo: view.source === 'demo',
    heading: `${view.users.length} users match "${truncate(view.query, 80)}". ${PICK_PROMPT[view.intent ?? 'user.show']}`,
    rows: view.users.map((u, i) => {
      const action = view.actions[i];
      const detail = [u.login, u.department, u.title, u.userPrincipalName ?? u.mail].filter((s) => s !== undefined && s !== '');
      return {
        displayName: truncate(u.displayName || u.login, 120),
        state: summaryState(u),
        detail: truncate(detail.join(' · '), MAX_VALUE),
        hasAction: action !== undefined,
        action: action ? cardAction(action) : { title: '', verb: '', data: {}, style: 'default' },
      };
    }),
    truncated: view.truncated,
    truncatedNote: 'More users match than are shown: narrow the search (a login, an e-mail address or a full name).',
  };
}

// -------------------------------------------------------------------------------------- user details

export interface StatusLine {
  readonly icon: string;
  readonly label: string;
  readonly detail: string;
}

/** "stays locked until someone unlocks it" / "unlocks by itself at 2025-… UTC (in 12 minutes)". */
export function lockEnds(lockoutEndsAt: string | undefined, now: Date): string {
  return lockoutEndsAt ? `unlocks by itself at ${formatWhen(lockoutEndsAt, now) ?? lockoutEndsAt}` : 'stays locked until someone unlocks it';
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The card's first lines: what matters while the user is on the phone, most alarming first. */
export function statusLines(view: UserDetailsView, now: Date): StatusLine[] {
  const a = view.account;
  const kinds = new Set<UserBadge>(view.badges);
  if (view.source === 'demo') kinds.add('demo');
  const when = (iso: string | undefined) => formatWhen(iso, now);
  const lines: StatusLine[] = [];
  if (kinds.has('locked')) {
    const since = a.lockedAt ? ` since ${when(a.lockedAt)}` : '';
    lines.push({ icon: '🔒', label: 'LOCKED', detail: `${since} — ${lockEnds(a.lockoutEndsAt, now)}` });
  }
  if (kinds.has('disabled')) lines.push({ icon: '⛔', label: 'DISABLED', detail: " — the account is switched off: they can't sign in" });
  if (kinds.has('password-expired')) {
    lines.push({ icon: '⌛', label: 'PASSWORD EXPIRED', detail: a.passwordExpiresAt ? ` on ${when(a.passwordExpiresAt)}` : '' });
  }
  if (kinds.has('must-change-password')) lines.push({ icon: '🔑', label: 'MUST CHANGE PASSWORD', detail: ' at next logon' });
  if (lines.length === 0 || (!kinds.has('locked') && !kinds.has('disabled') && !kinds.has('password-expired'))) {
    lines.unshift({ icon: '✅', label: 'ACTIVE', detail: ' — enabled, not locked' });
  }
  if (kinds.has('protected')) lines.push({ icon: '🛡️', label: 'PROTECTED ACCOUNT', detail: " — can't be changed through the helpdesk bot" });
  if (kinds.has('demo')) lines.push({ icon: '🧪', label: 'DEMO DATA', detail: ' — not a real directory' });
  if (view.callerVerifiedAt) lines.push({ icon: '☎️', label: 'CALLER VERIFIED', detail: ` — caller verified by code at ${viewerClock(new Date(view.callerVerifiedAt))}` });
  return lines;
}

function alarming(view: UserDetailsView): boolean {
  return view.badges.some((b) => b === 'locked' || b === 'disabled' || b === 'password-expired');
}

export function userDetailsData(view: UserDetailsView, now: Date) {
  const a = view.account;
  const when = (iso: string | undefined) => formatWhen(iso, now);
  const lockState = a.locked ? (a.lockedAt ? `Locked since ${when(a.lockedAt)}` : 'Locked') : 'Not locked';
  const account: Fact[] = [
    ...fact('Login', a.sAMAccountName),
    ...fact('User principal name', a.userPrincipalName),
    ...fact('Enabled', a.enabled ? 'Yes' : 'No — account disabled', !a.enabled),
    ...fact('Lock state', lockState, a.locked),
    ...(a.locked ? fact('Lock ends', capitalised(lockEnds(a.lockoutEndsAt, now))) : []),
    ...fact('Bad password count', a.badPwdCount),
    ...fact('Password last set', when(a.passwordLastSet)),
    ...fact('Password expires', when(a.passwordExpiresAt), view.badges.includes('password-expired')),
    ...(a.passwordMustChange ? fact('Must change password', 'Yes, at next logon', true) : []),
    ...fact('Last logon', when(a.lastLogon)),
    ...fact('Account expires', when(a.accountExpiresAt)),
    ...fact('Created', when(a.createdAt)),
  ];
  const o = view.organisation;
  const organisation = [
    ...fact('Department', o.department),
    ...fact('Title', o.title),
    ...fact('Company', o.company),
    ...fact('Office', o.office),
    ...fact('Manager', o.manager),
  ];
  const c = view.contact;
  const contact = [...fact('E-mail', c.mail), ...fact('Telephone', c.telephoneNumber), ...fact('Mobile', c.mobile)];
  const proxies = view.linked.proxyAddresses;
  const proxyText =
    proxies.slice(0, MAX_PROXY_ADDRESSES).join(', ') +
    (proxies.length > MAX_PROXY_ADDRESSES ? ` and ${proxies.length - MAX_PROXY_ADDRESSES} more` : '');
  const linked = [
    ...fact('UPN suffix', view.linked.upnSuffix), ...fact('Proxy addresses', proxyText),
    ...entraRows(view.entra, (iso) => when(iso) ?? iso).flatMap(([label, value, alarm]) => fact(label, value, alarm)),
  ];

  const shown = view.groups.slice(0, MAX_GROUPS_SHOWN).map((g) => truncate(g, MAX_GROUP_NAME));
  const total = Math.max(view.groupCount, view.groups.length);
  const hidden = total - shown.length;
  return {
    displayName: truncate(view.displayName || view.login, 120),
    subtitle: [view.login, a.userPrincipalName, o.title].filter((s) => s !== undefined && s !== '').join(' · '),
    statusStyle: (alarming(view) ? 'attention' : 'default') satisfies ContainerStyle,
    status: statusLines(view, now),
    account,
    organisation,
    contact,
    linked,
    groupsHeading: total === 0 ? 'Groups: none' : `Groups (${total})`,
    groups: shown.map((text, i) => ({ text: i < shown.length - 1 ? `${text}  ·  ` : text })),
    groupsMore: hidden > 0 ? `and ${hidden} more` : '',
    ...splitActions(view.actions.map(cardAction)),
    ...portalDetailsData(view, now),
  };
}

// ----------------------------------------------------------------------------------- confirm, result

export function confirmData(view: ConfirmView, now: Date) {
  return {
    title: view.title,
    message: view.message,
    target: person(view.target),
    warnings: (view.warnings ?? []).map((text) => ({ text })),
    // Over a limit (a supervisor): why, and the reason input the confirm.override button sends back.
    hasOverride: view.override !== undefined,
    override: view.override?.text ?? '',
    maxReason: view.override?.maxReason ?? 0,
    expires: formatWhen(view.expiresAt, now) ?? '',
    actions: view.actions.map(cardAction),
    hasAlternative: view.alternative !== undefined,
    alternativeText: view.alternative?.explanation ?? '',
    alternativeActions: view.alternative ? [cardAction(view.alternative.action)] : [],
  };
}

const OUTCOMES = {
  success: { outcomeLabel: '✔ Done', outcomeStyle: 'good' },
  failure: { outcomeLabel: '✖ Not done', outcomeStyle: 'attention' },
  cancelled: { outcomeLabel: '✖ Cancelled', outcomeStyle: 'emphasis' },
} as const;

export function resultData(view: ResultView, now: Date) {
  const outcome = OUTCOMES[view.outcome];
  // "Cancelled — Cancelled" says nothing twice: a title that repeats the label is dropped.
  const repeats = outcome.outcomeLabel.toLowerCase().endsWith(view.title.trim().toLowerCase());
  return {
    ...outcome,
    titleSeparator: repeats ? '' : ' — ',
    title: repeats ? '' : view.title,
    message: view.message,
    hasTarget: view.target !== undefined,
    target: view.target ? person(view.target) : '',
    // The one place a secret is rendered: its own clearly marked field, for the viewer the service chose.
    hasSecret: view.secret !== undefined,
    secret: view.secret
      ? { label: view.secret.label, value: inGroupsOfFour(view.secret.value), hides: `It hides itself ${formatWhen(view.secret.hidesAt, now) ?? 'soon'}; press Hide when done.` }
      : { label: '', value: '', hides: '' },
    actions: view.actions.map(cardAction),
  };
}

// ------------------------------------------------------------------------------------ shared request

export function sharedRequestData(view: SharedRequestView, now: Date) {
  return {
    askedBy: truncate(view.askedBy, 120),
    typed: truncate(view.typed, MAX_VALUE),
    note: `The details are shown only to helpdesk staff, each in their own view: press "Show details". Until ${formatWhen(view.expiresAt, now) ?? 'tomorrow'}.`,
    askerId: view.askerChatUserId,
    refresh: cardAction(view.refresh),
    actions: view.actions.map(cardAction),
  };
}

// --------------------------------------------------------------------------------------------- error

export function errorData(view: ErrorView) {
  return {
    // Refusals read as information; failures as alerts.
    style: isRefusal(view.code) ? 'emphasis' : 'attention',
    // A reference is for unexpected errors only (INTERNAL's own text carries it), not for ordinary answers.
    message: errorText(view.code, view.params),
  };
}
