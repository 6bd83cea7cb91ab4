// Block Kit primitives that respect Slack's published limits. Every builder here shortens or splits
// what does not fit; none of them throws. The view renderers (slack-renderer.ts) only use these.
import type { types } from '@slack/bolt';
import type { ActionButton } from '../../service/kernel';
import { utcBeside } from '../core/viewer-time';

export type Block = types.KnownBlock;
export type Button = types.Button;

/** https://docs.slack.dev/reference/block-kit — the limits this renderer is held to. */
export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  elementsPerActions: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  preformattedText: 3000,
  /** The top-level `text` (notification fallback): Slack truncates beyond 40,000; we keep it short. */
  fallbackText: 3000,
} as const;

/** Prefix of every action_id this app draws; the block_actions listener matches on it. */
export const ACTION_ID_PREFIX = 'hd:';

const ELLIPSIS = '…';

/** Shortens to at most `max` UTF-16 units, never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - ELLIPSIS.length));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut + ELLIPSIS;
}

/** Escapes the three characters Slack's mrkdwn gives meaning to (links, mentions, entities). */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Shortens already-formatted mrkdwn without leaving half an entity (`&am…`) or half a `<…>` token
 * (our dates) behind.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = truncate(text, max).slice(0, -ELLIPSIS.length);
  cut = cut.replace(/&[a-z]{0,4}$/, '');
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  return cut + ELLIPSIS;
}

/** A mrkdwn text object; `text` must already be escaped. */
export function mrkdwn(text: string, max: number = LIMITS.sectionText): types.MrkdwnElement {
  return { type: 'mrkdwn', text: truncateMrkdwn(text === '' ? ' ' : text, max), verbatim: true };
}

export function plain(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: truncate(text.trim() === '' ? '-' : text, max), emoji: true };
}

export function header(text: string): types.HeaderBlock {
  return { type: 'header', text: plain(text, LIMITS.headerText) };
}

export function section(text: string, accessory?: Button): types.SectionBlock {
  return { type: 'section', text: mrkdwn(text), ...(accessory ? { accessory } : {}) };
}

export function context(texts: readonly string[]): types.ContextBlock {
  const elements = texts.slice(0, LIMITS.contextElements).map((t) => mrkdwn(t, LIMITS.contextText));
  return { type: 'context', elements: elements.length ? elements : [mrkdwn(' ')] };
}

export function divider(): types.DividerBlock {
  return { type: 'divider' };
}

/** A titled list of label/value pairs as section fields, split into sections of at most 10 fields. */
export function fieldSections(title: string | undefined, pairs: readonly (readonly [string, string | undefined])[]): types.SectionBlock[] {
  const fields = pairs
    .filter((p): p is readonly [string, string] => p[1] !== undefined && p[1] !== '')
    .map(([label, value]) => mrkdwn(`*${esc(label)}*\n${value}`, LIMITS.fieldText));
  const blocks: types.SectionBlock[] = [];
  for (let i = 0; i < fields.length; i += LIMITS.fieldsPerSection) {
    const chunk = fields.slice(i, i + LIMITS.fieldsPerSection);
    blocks.push({ type: 'section', ...(i === 0 && title ? { text: mrkdwn(`*${esc(title)}*`) } : {}), fields: chunk });
  }
  return blocks;
}

/** A preformatted block: the text is shown literally (nothing in it is parsed as markup). */
export function preformatted(text: string): types.RichTextBlock {
  return {
    type: 'rich_text',
    elements: [{ type: 'rich_text_preformatted', elements: [{ type: 'text', text: truncate(text, LIMITS.preformattedText) }] }],
  };
}

/** Joins escaped items into one mrkdwn text within `budget`, ending with "…and N more" when cut. */
export function summariseList(items: readonly string[], options: { budget: number; separator?: string; total?: number }): string {
  const separator = options.separator ?? ', ';
  const total = Math.max(options.total ?? items.length, items.length);
  const reserve = 40; // room for the "…and N more" tail
  let out = '';
  let shown = 0;
  for (const item of items) {
    const next = (shown ? separator : '') + item;
    if (out.length + next.length > options.budget - reserve) break;
    out += next;
    shown++;
  }
  if (shown < total) out += `${shown ? separator : ''}…and ${total - shown} more`;
  return out;
}

export interface ButtonContext {
  /** Who the button acts on, for the confirm dialog's wording. */
  readonly targetName?: string;
  /** The dialog's text for destructive buttons (defaults to "<label> for <target>?"). */
  readonly confirmText?: string;
}

/**
 * One button. The value carries only `{verb, ...ids}` (a login or a confirmation token), never state.
 * Destructive buttons get Slack's native confirm dialog on top of the server-side confirmation.
 * Returns undefined for a button whose ids would not fit in Slack's value limit (never thrown).
 */
export function button(action: ActionButton, index: number, ctx: ButtonContext = {}): Button | undefined {
  const ids = Object.fromEntries(Object.entries(action.data).filter(([key]) => key !== 'verb'));
  const value = JSON.stringify({ verb: action.verb, ...ids });
  if (value.length > LIMITS.buttonValue) return undefined;
  const el: Button = {
    type: 'button',
    action_id: truncate(`${ACTION_ID_PREFIX}${action.verb}:${index}`, LIMITS.actionId),
    text: plain(action.label, LIMITS.buttonText),
    value,
  };
  if (action.style === 'positive') el.style = 'primary';
  if (action.style === 'destructive') {
    el.style = 'danger';
    const what = ctx.confirmText ?? `${action.label}${ctx.targetName ? ` for ${ctx.targetName}` : ''}?`;
    el.confirm = {
      title: plain('Are you sure?', LIMITS.confirmTitle),
      text: plain(what, LIMITS.confirmText),
      confirm: plain(action.label, LIMITS.confirmButton),
      deny: plain('Cancel', LIMITS.confirmButton),
      style: 'danger',
    };
  }
  return el;
}

/** Buttons as actions blocks of at most 25 elements each, at most `maxBlocks` blocks. */
export function actionsBlocks(actions: readonly ActionButton[], ctx: ButtonContext = {}, maxBlocks = 2, firstIndex = 0): types.ActionsBlock[] {
  const buttons = actions
    .map((a, i) => button(a, firstIndex + i, ctx))
    .filter((b): b is Button => b !== undefined)
    .slice(0, LIMITS.elementsPerActions * maxBlocks);
  const blocks: types.ActionsBlock[] = [];
  for (let i = 0; i < buttons.length; i += LIMITS.elementsPerActions) {
    blocks.push({ type: 'actions', elements: buttons.slice(i, i + LIMITS.elementsPerActions) });
  }
  return blocks;
}

/** `<!date^…>`: Slack shows the time in the reader's own time zone (UTC beside it when theirs is known); the fallback is UTC. */
export function slackDate(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return esc(iso);
  const fallback = new Date(ms).toISOString().replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC');
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${fallback}>${utcBeside(new Date(ms))}`;
}

/** Caps a message at Slack's 50 blocks, keeping the last `keepTail` blocks (the buttons). */
export function capBlocks(blocks: Block[], keepTail = 0): Block[] {
  if (blocks.length <= LIMITS.blocksPerMessage) return blocks;
  const tail = keepTail > 0 ? blocks.slice(-keepTail) : [];
  const head = blocks.slice(0, LIMITS.blocksPerMessage - tail.length - 1);
  return [...head, context([`…${blocks.length - head.length - tail.length} more parts not shown`]), ...tail];
}
