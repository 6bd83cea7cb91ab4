// A refused press keeps the card it was pressed on. The card is drawn again from the server's state, for
// the presser and after their role check, with the refusal on top: the agent still has the user in front
// of them, and sees why nothing happened. Buttons say which card they are on (`card`: a view kind, never
// state); only cards the server can draw again from the press's own ids are marked. A confirm card is
// not: once its token is spent, the outcome is what the agent needs, so the answer replaces it.
import { isRefusal, type ErrorCode } from '../../domain/errors';
import { VERBS } from '../../domain/verbs';
import type { ErrorView, View } from '../../service/kernel';
import { errorData } from '../cards/card-data';
import type { AdaptiveCardJson } from '../cards/render-card';

/** The button data key naming the card a button is on. */
export const PRESSED_ON = 'card';

type Press = Readonly<Record<string, unknown>>;

/** Per card kind: the press that draws that card again, from the ids the pressed button carries. */
const REDRAW: Partial<Record<View['kind'], (pressed: Press) => Record<string, string> | undefined>> = {
  'user-details': (pressed) => (typeof pressed.user === 'string' ? { verb: VERBS.userShow, user: pressed.user } : undefined),
};

/** Whoever gets these may see no card at all: drawing one again would only be refused (and audited) twice. */
const SEES_NOTHING: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['AUTH.NOT_STAFF', 'AUTH.UNKNOWN_IDENTITY', 'AUDIT.UNAVAILABLE']);

/** `card` with every button marked as pressed on `view`'s card, when the server can draw that card again. */
export function markPressedOn(card: AdaptiveCardJson, view: View): AdaptiveCardJson {
  return REDRAW[view.kind] ? (mark(card, view.kind) as AdaptiveCardJson) : card;
}

/** A copy of `node` with its buttons marked; a part without buttons is the same object (no copy made). */
function mark(node: unknown, kind: string): unknown {
  if (Array.isArray(node)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < node.length; i++) {
      const n: unknown = node[i];
      const m = mark(n, kind);
      if (m !== n) (copy ??= [...node])[i] = m;
    }
    return copy ?? node;
  }
  if (typeof node !== 'object' || node === null) return node;
  const obj = node as Record<string, unknown>;
  if (obj.type === 'Action.Execute' || obj.type === 'Action.Submit') {
    const data = typeof obj.data === 'object' && obj.data !== null ? obj.data : {};
    return { ...obj, data: { ...data, [PRESSED_ON]: kind } };
  }
  let copy: Record<string, unknown> | undefined;
  for (const key in obj) {
    const value = obj[key];
    if (key === 'refresh' || typeof value !== 'object' || value === null) continue; // only objects hold buttons
    const m = mark(value, kind);
    if (m !== value) (copy ??= { ...obj })[key] = m;
  }
  return copy ?? obj;
}

/** What the service gets of a press: its verb and ids, without the card it was pressed on. */
export function withoutPressedOn(pressed: Press): Record<string, unknown> {
  return Object.fromEntries(Object.entries(pressed).filter(([key]) => key !== PRESSED_ON));
}

/** A refused press on a marked card: the press that draws that card again, the kind it must answer, the refusal. */
export function redrawOf(pressed: Press, answer: View): { readonly press: Record<string, string>; readonly kind: View['kind']; readonly refusal: ErrorView } | undefined {
  if (answer.kind !== 'error' || SEES_NOTHING.has(answer.code)) return undefined;
  const kind = pressed[PRESSED_ON];
  if (typeof kind !== 'string' || !Object.hasOwn(REDRAW, kind)) return undefined;
  const press = REDRAW[kind as View['kind']]?.(pressed);
  return press ? { press, kind: kind as View['kind'], refusal: answer } : undefined;
}

/**
 * The card drawn again, the refusal (or failure) its first line, and again its last, just above the
 * buttons: Teams redraws a card where it stands, so a presser of a tall card is looking at its bottom.
 */
export function withRefusal(card: AdaptiveCardJson, refusal: ErrorView): AdaptiveCardJson {
  const body = Array.isArray(card.body) ? (card.body as unknown[]) : [];
  const line = () => ({
    type: 'Container',
    // A refusal is a caution, a failure an alarm; either must be seen before the rest of the card.
    style: isRefusal(refusal.code) ? 'warning' : 'attention',
    items: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: errorData(refusal).message, weight: 'Bolder' }] }],
  });
  return { ...card, body: [line(), ...body, { ...line(), separator: true }] };
}
