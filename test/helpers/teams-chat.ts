// A Teams member's side of a chat with the bot over the Bot Framework protocol, against a harness on
// loopback: say() posts a message and expects exactly one reply, a card the Adaptive Cards SDK parses;
// invoke()/press() post a card action (Action.Execute) and expect its card back. `seen`, when given,
// collects every raw reply, for tests that look for a secret in all of them.
import assert from 'node:assert/strict';
import { cardActions, parseEvents } from './adaptive-card-sdk';
import type { LoopbackConnector, TeamsMember } from './loopback-connector';
import { postActivity, teamsInvoke, teamsMessage, type TeamsConversation } from './teams-activities';

export type Card = Record<string, unknown>;

export interface TeamsChat {
  say(user: TeamsMember, text: string, conversation?: TeamsConversation): Promise<Card>;
  invoke(user: TeamsMember, verb: string, data: Record<string, unknown>, trigger?: 'manual' | 'automatic'): Promise<Card>;
  /** A press of `action`; `typed` is what the user typed into the card's inputs (Teams merges it into the data). */
  press(user: TeamsMember, action: Card | undefined, typed?: Record<string, string>): Promise<Card>;
}

export function teamsChat(h: { readonly url: string; readonly connector: LoopbackConnector }, seen?: string[]): TeamsChat {
  const invoke: TeamsChat['invoke'] = async (user, verb, data, trigger = 'manual') => {
    const res = await postActivity(h.url, teamsInvoke({ serviceUrl: h.connector.url, user, verb, data, trigger }));
    assert.equal(res.status, 200, res.text);
    seen?.push(res.text);
    const card = (res.body as { value: unknown }).value as Card;
    assert.deepEqual(parseEvents(card), []);
    return card;
  };
  return {
    async say(user, text, conversation) {
      const before = h.connector.replies.length;
      const res = await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user, text, ...(conversation ? { conversation } : {}) }));
      assert.equal(res.status, 200, res.text);
      const replies = h.connector.replies.slice(before);
      assert.equal(replies.length, 1, `one reply to "${text}" expected, got ${replies.length}`);
      seen?.push(JSON.stringify(replies[0]?.activity));
      const card = replies[0]?.activity.attachments?.[0]?.content as Card;
      assert.deepEqual(parseEvents(card), []);
      return card;
    },
    invoke,
    async press(user, action, typed = {}) {
      assert.ok(action, 'the button is missing');
      return invoke(user, String(action.verb), { ...(action.data as Record<string, unknown>), ...typed });
    },
  };
}

/** The card's action with this verb (undefined when the card has none). */
export function button(card: Card, verb: string): Card | undefined {
  return cardActions(card).find((a) => a.verb === verb);
}
