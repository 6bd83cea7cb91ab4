// A view's button → the action a card template draws. A leaf of its own, so that every *-card-data file
// draws buttons without importing card-data.ts, which imports some of them back.
import type { ActionButton } from '../../service/kernel';

export interface CardAction {
  readonly title: string;
  readonly verb: string;
  /** The verb again plus the ids: Action.Submit carries only `data`, Action.Execute both. */
  readonly data: Readonly<Record<string, string>>;
  readonly style: 'default' | 'positive' | 'destructive';
}

export function cardAction(button: ActionButton): CardAction {
  return {
    title: button.label,
    verb: button.verb,
    data: { ...button.data, verb: button.verb },
    style: button.style ?? 'default',
  };
}
