// View → Adaptive Card JSON: the template for the view's kind (cards/*.json) expanded with its data.
// Teams gets Action.Execute (answered by the adaptiveCard/action invoke); every other Bot Framework
// channel gets Action.Submit carrying the same data ({verb, ...ids}), routed to the same handlers.
import type * as ACData from 'adaptivecards-templating';
import type { View } from '../../service/kernel';
import { confirmData, errorData, helpData, pickListData, resultData, sharedRequestData, userDetailsData } from './card-data';
import { auditEventsData, enrollmentData, syncData } from './portal-card-data';
import { approvalData, approvalListData } from './approval-card-data';
import { compileTemplate } from './compiled-template';
import { TEMPLATES, type TemplateName } from './templates';
import { escalateFormData, escalationData } from './ticket-card-data';
import { verifyFormData } from './verify-card-data';
import { deskListData, lockoutData } from './desk-card-data';
import { alertData } from './alert-card-data';
import { inViewerTimeZone } from '../core/viewer-time';

export type AdaptiveCardJson = { readonly type: 'AdaptiveCard'; readonly version: string } & Record<string, unknown>;

export type ActionMode = 'execute' | 'submit';

export interface RenderOptions {
  /** 'execute' for Teams (Universal Actions), 'submit' for every other channel. */
  readonly actions: ActionMode;
  /** For relative times ("3 hours ago"); defaults to the current time. */
  readonly now?: Date;
  /** The viewer's time zone as their surface told it (RequestContext.timeZone): times show in it and in UTC. */
  readonly timeZone?: string | undefined;
}

type Expander = (data: object) => unknown;
const compiled = new Map<TemplateName, Expander>();
// The templating engine (adaptive-expressions, antlr4ts) is loaded only for a template compiled-template.ts
// does not compile — none of ours today — not at start-up, where it was a sixth of the module loading. A
// require, not import(): it resolves both compiled and from source (tsx).
let templating: typeof ACData | undefined;

/** The template compiled to a function (compiled-template.ts), or the library's expander for what that does not compile. */
function template(name: TemplateName): Expander {
  let t = compiled.get(name);
  if (!t) {
    t = compileTemplate(TEMPLATES[name]) ?? libraryExpander(name);
    compiled.set(name, t);
  }
  return t;
}

function libraryExpander(name: TemplateName): Expander {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, see above
  templating ??= require('adaptivecards-templating') as typeof ACData;
  const library = new templating.Template(TEMPLATES[name]);
  return (data) => library.expand({ $root: data }) as unknown;
}

/** Expands the named template with the given data: also what the tests run on cards/samples/*.json. */
export function expandTemplate(name: TemplateName, data: object): AdaptiveCardJson {
  return template(name)(data) as AdaptiveCardJson;
}

export function cardData(view: View, now: Date): object {
  switch (view.kind) {
    case 'help':
      return helpData(view);
    case 'pick-list':
      return pickListData(view);
    case 'user-details':
      return userDetailsData(view, now);
    case 'confirm':
      return confirmData(view, now);
    case 'result':
      return resultData(view, now);
    case 'shared-request':
      return sharedRequestData(view, now);
    case 'error':
      return errorData(view);
    case 'audit-events':
      return auditEventsData(view, now);
    case 'sync-transactions':
      return syncData(view, now);
    case 'enrollment':
      return enrollmentData(view, now);
    case 'approval':
      return approvalData(view, now);
    case 'approval-list':
      return approvalListData(view, now);
    case 'escalate-form':
      return escalateFormData(view);
    case 'escalation':
      return escalationData(view);
    case 'verify-form':
      return verifyFormData(view);
    case 'desk-list':
      return deskListData(view, now);
    case 'lockout':
      return lockoutData(view, now);
    case 'alert':
      return alertData(view, now);
  }
}

export function renderCard(view: View, options: RenderOptions): AdaptiveCardJson {
  const card = expandTemplate(view.kind, inViewerTimeZone(options.timeZone, () => cardData(view, options.now ?? new Date())));
  return options.actions === 'submit' ? toSubmitActions(card) : card;
}

/** Every Action.Execute (card actions and ActionSets) becomes an Action.Submit with the same data. */
export function toSubmitActions<T>(node: T): T {
  if (Array.isArray(node)) return node.map((n: unknown) => toSubmitActions(n)) as T;
  if (typeof node !== 'object' || node === null) return node;
  const obj = node as Record<string, unknown>;
  if (obj.type === 'Action.Execute') {
    const { verb, data, ...rest } = obj;
    const submitData = typeof data === 'object' && data !== null ? { ...(data as object), verb } : { verb };
    return { ...rest, type: 'Action.Submit', data: submitData } as T;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'refresh') continue; // Universal Actions only (user-specific views)
    out[key] = toSubmitActions(value);
  }
  return out as T;
}

/** A one-line text for notifications and hosts that show no cards. */
export function summaryText(view: View): string {
  switch (view.kind) {
    case 'help':
      return 'MyPass Helpdesk: commands';
    case 'pick-list':
      return `Several users match "${view.query}"`;
    case 'user-details':
      return `${view.displayName} (${view.login})`;
    case 'confirm':
      return view.title;
    case 'result':
      return view.title;
    case 'shared-request':
      return `${view.askedBy} asked: ${view.typed}`;
    case 'error':
      return errorData(view).message;
    case 'audit-events':
      return `Self-service events: ${view.target.displayName} (${view.target.login})`;
    case 'sync-transactions':
      return `Sync transactions: ${view.target.displayName} (${view.target.login})`;
    case 'enrollment':
      return `Enrollment: ${view.target.displayName} (${view.target.login})`;
    case 'approval':
      return `Approval request (${view.status}): ${view.requestedBy} asked to see a ${view.secretName}`;
    case 'approval-list':
      return `Pending approval requests: ${view.requests.length}`;
    case 'escalate-form':
      return `Escalate ${view.target.displayName} (${view.target.login})`;
    case 'escalation':
      return `${view.title}${view.ticket?.url ? `: ${view.ticket.url}` : ''}`;
    case 'verify-form':
      return `Verify the caller: ${view.target.displayName} (${view.target.login})`;
    case 'desk-list':
      return view.title;
    case 'lockout':
      return `Lockout: ${view.target.displayName} (${view.target.login})`;
    case 'alert':
      return `${view.title}: ${view.text}`;
  }
}
