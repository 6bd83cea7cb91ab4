// The Adaptive Cards SDK (its UMD build: the package's main entry is ES modules Node cannot load) and a
// parse that reports every serialization event (warnings and errors alike).
import { createRequire } from 'node:module';

const requireFromHere = createRequire(__filename);

interface SdkEvent {
  readonly phase: number;
  readonly event: number;
  readonly message: string;
}
interface Sdk {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void; validateProperties(): { validationEvents: { message: string }[] } };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): SdkEvent };
}

export const AC = requireFromHere('adaptivecards/dist/adaptivecards.js') as Sdk;

/** Every event the SDK raised while parsing (an empty list = the card parses cleanly), plus validation failures. */
export function parseEvents(card: unknown): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(card, context);
  const events: string[] = [];
  for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i).message);
  for (const e of parsed.validateProperties().validationEvents) events.push(`validation: ${e.message}`);
  return events;
}

/** Every object in a card tree, depth first. */
export function walk(node: unknown, visit: (obj: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (typeof node === 'object' && node !== null) {
    visit(node as Record<string, unknown>);
    Object.values(node).forEach((v) => walk(v, visit));
  }
}

/** All visible text of a card (TextBlock text, TextRun text, action titles), joined by newlines. */
export function cardText(card: unknown): string {
  const parts: string[] = [];
  walk(card, (o) => {
    if ((o.type === 'TextBlock' || o.type === 'TextRun') && typeof o.text === 'string') parts.push(o.text);
    if (typeof o.type === 'string' && o.type.startsWith('Action.') && typeof o.title === 'string') parts.push(o.title);
  });
  return parts.join('\n');
}

/** The actions of a card (card-level and inside ActionSets). */
export function cardActions(card: unknown): Record<string, unknown>[] {
  const actions: Record<string, unknown>[] = [];
  walk(card, (o) => {
    if (typeof o.type === 'string' && o.type.startsWith('Action.')) actions.push(o);
  });
  return actions;
}
