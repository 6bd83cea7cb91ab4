// View → the data a template in cards/ is expanded with. Presentation only: wording of labels, date
// formats, badge colours, long lists summarised. Every value that came from outside (directory data, a
// user's query, a message) lands in a TextRun, which no Adaptive Card host renders as markdown.
import { isRefusal } from '../../domain/errors';
import { errorText } from '../core/error-text';
import type {
  ActionButton,
  ConfirmView,
  ErrorView,
  HelpView,
  PickListView,
  ResultView,
  UserBadge,
  UserDetailsView,
} from '../../service/views';
import { formatWhen, truncate } from './format';
import { portalDetailsData } from './portal-card-data';

/** Groups shown by name on a user-details card; the rest are counted ("and N more"). */
export const MAX_GROUPS_SHOWN = 15;
/** A group name longer than this is cut (AD allows 256-character cn values). */
export const MAX_GROUP_NAME = 64;
const MAX_VALUE = 256;
const MAX_PROXY_ADDRESSES = 5;

type TextColor = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';
type ContainerStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';

export interface CardAction {
  readonly title: string;
  readonly verb: string;
  /** The verb again plus the ids: Action.Submit carries only `data`, Action.Execute both. */
  readonly data: Readonly<Record<string, string>>;
  readonly style: 'default' | 'positive' | 'destructive';
}

export interface Fact {
  readonly label: string;
  readonly value: string;
  readonly color: TextColor;
  readonly weight: 'Default' | 'Bolder';
}

export function cardAction(button: ActionButton): CardAction {
  return {
    title: button.label,
    verb: button.verb,
    data: { ...button.data, verb: button.verb },
    style: button.style ?? 'default',
  };
}

function fact(label: string, value: string | number | undefined, color: TextColor = 'Default'): Fact[] {
  if (value === undefined || value === '') return [];
  return [{ label, value: truncate(String(value), MAX_VALUE), color, weight: color === 'Default' ? 'Default' : 'Bolder' }];
}

function person(target: { readonly login: string; readonly displayName: string }): string {
  return target.displayName && target.displayName !== target.login ? `${target.displayName} (${target.login})` : target.login;
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

export function pickListData(view: PickListView) {
  return {
    demo: view.source === 'demo',
    heading: `${view.users.length} users match "${truncate(view.query, 80)}". Pick one:`,
    rows: view.users.map((u, i) => {
      const action = view.actions[i];
      const detail = [u.login, u.userPrincipalName ?? u.mail, u.department, u.title].filter((s) => s !== undefined && s !== '');
      return {
        displayName: truncate(u.displayName || u.login, 120),
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

const BADGES: Record<UserBadge, { label: string; color: TextColor; style: ContainerStyle }> = {
  locked: { label: 'LOCKED', color: 'Attention', style: 'attention' },
  disabled: { label: 'DISABLED', color: 'Attention', style: 'attention' },
  'password-expired': { label: 'PASSWORD EXPIRED', color: 'Warning', style: 'warning' },
  'must-change-password': { label: 'MUST CHANGE PASSWORD', color: 'Warning', style: 'warning' },
  protected: { label: 'PROTECTED ACCOUNT', color: 'Accent', style: 'accent' },
  demo: { label: 'DEMO DATA', color: 'Accent', style: 'emphasis' },
};

function badgesOf(view: UserDetailsView) {
  const kinds = new Set<UserBadge>(view.badges);
  if (view.source === 'demo') kinds.add('demo');
  const alarming = kinds.has('locked') || kinds.has('disabled') || kinds.has('password-expired');
  const badges = [...kinds].map((k) => BADGES[k]);
  return alarming ? badges : [{ label: 'ACTIVE', color: 'Good' as const, style: 'good' as const }, ...badges];
}

export function userDetailsData(view: UserDetailsView, now: Date) {
  const a = view.account;
  const when = (iso: string | undefined) => formatWhen(iso, now);
  const lockState = a.locked ? (a.lockedAt ? `Locked since ${when(a.lockedAt)}` : 'Locked') : 'Not locked';
  const account: Fact[] = [
    ...fact('Login', a.sAMAccountName),
    ...fact('User principal name', a.userPrincipalName),
    ...fact('Enabled', a.enabled ? 'Yes' : 'No — account disabled', a.enabled ? 'Default' : 'Attention'),
    ...fact('Lock state', lockState, a.locked ? 'Attention' : 'Good'),
    ...(a.locked ? fact('Lock releases', a.lockoutEndsAt ? when(a.lockoutEndsAt) : 'Only when unlocked') : []),
    ...fact('Bad password count', a.badPwdCount),
    ...fact('Password last set', when(a.passwordLastSet)),
    ...fact('Password expires', when(a.passwordExpiresAt), view.badges.includes('password-expired') ? 'Warning' : 'Default'),
    ...(a.passwordMustChange ? fact('Must change password', 'Yes, at next logon', 'Warning') : []),
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
  const linked = [...fact('UPN suffix', view.linked.upnSuffix), ...fact('Proxy addresses', proxyText)];

  const shown = view.groups.slice(0, MAX_GROUPS_SHOWN).map((g) => truncate(g, MAX_GROUP_NAME));
  const total = Math.max(view.groupCount, view.groups.length);
  const hidden = total - shown.length;
  return {
    displayName: truncate(view.displayName || view.login, 120),
    subtitle: [view.login, a.userPrincipalName, o.title].filter((s) => s !== undefined && s !== '').join(' · '),
    badges: badgesOf(view),
    account,
    organisation,
    contact,
    linked,
    groupsHeading: total === 0 ? 'Groups: none' : `Groups (${total})`,
    groups: shown.map((text, i) => ({ text: i < shown.length - 1 ? `${text}  ·  ` : text })),
    groupsMore: hidden > 0 ? `and ${hidden} more` : '',
    actions: view.actions.map(cardAction),
    ...portalDetailsData(view, now),
  };
}

// ----------------------------------------------------------------------------------- confirm, result

export function confirmData(view: ConfirmView, now: Date) {
  return {
    title: view.title,
    message: view.message,
    target: person(view.target),
    expires: formatWhen(view.expiresAt, now) ?? '',
    actions: view.actions.map(cardAction),
  };
}

const OUTCOMES = {
  success: { outcomeLabel: '✔ Done', outcomeColor: 'Good', outcomeStyle: 'good' },
  failure: { outcomeLabel: '✖ Not done', outcomeColor: 'Attention', outcomeStyle: 'attention' },
  cancelled: { outcomeLabel: 'Cancelled', outcomeColor: 'Default', outcomeStyle: 'emphasis' },
} as const;

export function resultData(view: ResultView) {
  return {
    ...OUTCOMES[view.outcome],
    titleSeparator: ' — ',
    title: view.title,
    message: view.message,
    hasTarget: view.target !== undefined,
    target: view.target ? person(view.target) : '',
    // The one place a secret is rendered: its own clearly marked field, for the viewer the service chose.
    hasSecret: view.secret !== undefined,
    secret: view.secret ? { label: view.secret.label, value: view.secret.value } : { label: '', value: '' },
    actions: view.actions.map(cardAction),
  };
}

// --------------------------------------------------------------------------------------------- error

export function errorData(view: ErrorView) {
  return {
    // Refusals read as information; failures as alerts.
    style: isRefusal(view.code) ? 'emphasis' : 'attention',
    message: errorText(view.code, view.params),
    reference: view.correlationId.slice(0, 8),
  };
}
