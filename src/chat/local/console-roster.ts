// The local console's live conversations, each one page acting as one self-asserted login (the Direct Line
// bridge knows whom), and a turn in one of them as its user: how the console sends what a user receives
// without asking (approval requests, alerts).
import type { BotAdapter, ChannelAccount, ConversationReference, TurnContext } from 'botbuilder';

/** A live console conversation and the user its page acts as. */
export interface ConsoleMember {
  readonly conversationId: string;
  readonly user: { readonly id: string; readonly name: string };
}

export interface Roster {
  readonly adapter: BotAdapter;
  readonly bot: ChannelAccount;
  readonly members: () => readonly ConsoleMember[];
}

/** A turn in `member`'s conversation, as its user (the console's identity is the conversation's). */
export async function continueAs(roster: Roster, member: ConsoleMember, logic: (context: TurnContext) => Promise<void>): Promise<void> {
  const reference: Partial<ConversationReference> = {
    channelId: 'directline',
    conversation: { id: member.conversationId, isGroup: false, conversationType: 'personal', name: '' },
    user: { id: member.user.id, name: member.user.name, role: 'user' },
    bot: roster.bot,
  };
  await roster.adapter.continueConversation(reference, logic);
}
