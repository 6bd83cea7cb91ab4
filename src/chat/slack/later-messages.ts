// Where a Slack message the bot still owes an update is (a shown secret to hide, a "ticket to follow" to
// answer), told so that any replica can do it: who asked, and how the message is reached — the response_url
// of the request it answered, or for a mention the channel (and thread) where a new ephemeral message goes.
// Ephemeral messages cannot be changed with chat.update: only their response_url replaces them, so without
// it no other replica could hide a shown secret.
//
// A response_url is a bearer credential: whoever holds it may post into that one conversation as the app
// (Slack: for 30 minutes, at most 5 times); it reads nothing. It is stored only sealed (AES-256-GCM under a
// key derived from SECRETS_KEY for this use alone, the work's reference and the asker as associated data):
// the store, or a backup of it, does not hand it out, and a sealed URL copied to another entry does not
// open. It leaves the store with its work (done, or expired), it is never logged, and a hide is due well
// inside its life (SECRET_HIDE_SECONDS is at most 30 minutes).
import type { webApi } from '@slack/bolt';
import type { AnswerCipher } from '../../ports/answer-cipher.port';
import type { RequestContext } from '../../service/kernel';
import type { Installation } from './slack-identity';
import type { SlackMessage } from './slack-renderer';

/** The asker as the listeners know them (slack-context.ts `withAsker`). */
export interface SlackAsker {
  readonly client: webApi.WebClient;
  readonly userId: string;
  readonly installation: Installation;
  readonly conversation: RequestContext['conversation'];
  readonly channelId?: string | undefined;
}

/** How a later message reaches the asker: their request's response_url (in place of the answer, or as a new message), or a mention's channel. */
export type LaterRoute =
  | { readonly responseUrl: string; readonly replace: boolean }
  | { readonly channel: string; readonly threadTs?: string | undefined };

/** What the store keeps (JSON): never a secret, the response_url only sealed. */
export interface SlackAddress {
  readonly userId: string;
  readonly installation: Installation;
  readonly conversation: RequestContext['conversation'];
  readonly channelId?: string;
  readonly responseUrl?: { readonly sealed: { readonly c: string; readonly iv: string; readonly tag: string }; readonly replace: boolean };
  readonly ephemeral?: { readonly channel: string; readonly threadTs?: string };
}

/** An answer on a response_url that Slack has not taken within this is given up (its lease lets another replica try). */
const POST_TIMEOUT_MS = 10_000;

export class SlackLaterMessages {
  /**
   * `client`: the Web API with the bot token, usable from any replica. `cipher`: seals response URLs; without
   * it, a message reached only through one stays in the process that showed it (no address).
   */
  constructor(
    private readonly client: webApi.WebClient,
    private readonly cipher: AnswerCipher | undefined,
  ) {}

  /** The address of a message owed an update for `ref`; undefined when another replica could not reach it. */
  address(ref: string, asker: SlackAsker, route: LaterRoute): SlackAddress | undefined {
    const who = {
      userId: asker.userId, installation: asker.installation, conversation: asker.conversation,
      ...(asker.channelId ? { channelId: asker.channelId } : {}),
    };
    if ('channel' in route) return { ...who, ephemeral: { channel: route.channel, ...(route.threadTs ? { threadTs: route.threadTs } : {}) } };
    if (!this.cipher) return undefined;
    const sealed = this.cipher.seal(boundTo(ref, asker.userId), route.responseUrl);
    return { ...who, responseUrl: { sealed: { c: b64(sealed.ciphertext), iv: b64(sealed.iv), tag: b64(sealed.tag) }, replace: route.replace } };
  }

  /** The asker an address names, with this replica's Web API client. */
  asker(address: SlackAddress): SlackAsker {
    return {
      client: this.client, userId: address.userId, installation: address.installation, conversation: address.conversation,
      ...(address.channelId ? { channelId: address.channelId } : {}),
    };
  }

  /** How this replica sends to the message an address describes; undefined when it cannot (no key, or not sealed for this entry). */
  sender(ref: string, address: SlackAddress): ((message: SlackMessage) => Promise<unknown>) | undefined {
    const { ephemeral, responseUrl } = address;
    if (ephemeral) {
      return (message) => this.client.chat.postEphemeral({
        channel: ephemeral.channel, user: address.userId, text: message.text, blocks: message.blocks,
        ...(ephemeral.threadTs ? { thread_ts: ephemeral.threadTs } : {}),
      });
    }
    if (!responseUrl || !this.cipher) return undefined;
    let url: string;
    try {
      const { c, iv, tag } = responseUrl.sealed;
      url = this.cipher.open(boundTo(ref, address.userId), { ciphertext: Buffer.from(c, 'base64'), iv: Buffer.from(iv, 'base64'), tag: Buffer.from(tag, 'base64') });
    } catch {
      return undefined; // another key, or moved from another entry
    }
    const how = responseUrl.replace ? { replace_original: true } : { response_type: 'ephemeral', replace_original: false };
    // The URL itself stays out of every error (and so out of the log): fetch's own may carry it as a cause.
    return async (message) => {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...how, text: message.text, blocks: message.blocks }), signal: AbortSignal.timeout(POST_TIMEOUT_MS),
        });
      } catch (err) {
        throw new Error(`a response_url could not be reached (${err instanceof Error ? err.name : 'error'})`);
      }
      if (!res.ok) throw new Error(`Slack answered ${res.status} on a response_url`);
    };
  }
}

const b64 = (b: Buffer) => b.toString('base64');
/** The associated data a response_url is sealed with: whose message, for which work. */
const boundTo = (ref: string, userId: string) => `slack-response-url\n${ref}\n${userId}`;
