// The Slack surface wired as in production, on loopback: the real restify server (src/http/server.ts) on
// port 0 with the real Bolt app mounted at /slack/events, the real HelpdeskService on a directory the
// test chooses (the Samba AD DC, or the demo file for the bench) and a temporary SQLite store, and the
// Bolt client's Web API base URL pointed at FakeSlackApi. (Directory wiring and settings are shared with
// the Teams harness, test/helpers/bot-harness.ts.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ApprovalDecisions } from '../../src/chat/core/approval-requests';
import { createSlackSurface, type SlackSurface } from '../../src/chat/slack/slack-app';
import { createHttpServer, type HttpServer } from '../../src/http/server';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store';
import { DemoDirectory } from '../../src/adapters/demo/demo-directory';
import type { Directory } from '../../src/ports/directory.port';
import { silentLogger, type Logger } from '../../src/ports/logger.port';
import type { Store } from '../../src/ports/store.port';
import { HelpdeskService } from '../../src/service/helpdesk-service';
import type { ServiceSettings } from '../../src/service/kernel/service-deps';
import { aesGcmAnswerCipher } from '../../src/adapters/secrets/answer-cipher';
import { portalApiMount } from '../../src/portal/api/portal-api';
import { PortalIntake } from '../../src/service/portal-data/portal-intake';
import type { SmsSender } from '../../src/ports/sms.port';
import type { TicketSink } from '../../src/ports/ticket-sink.port';
import type { RetryPolicy } from '../../src/service/tickets/ticket-desk';
import { AUDIT_KEY, SAMBA_SETTINGS, ShiftableClock, sambaDirectory } from './bot-harness';
import { DEMO_SETTINGS } from './service-fixture';
import { startFakeSlackApi, type FakeSlackApi, type FakeSlackUser, type RecordedCall } from './slack-api-fake';
import {
  TEST_BOT_TOKEN, TEST_SIGNING_SECRET, appMention, blockActions, postSigned, slashCommand, type HttpAnswer,
} from './slack-requests';

export interface SlackHarnessOptions {
  /** 'samba' (default): the LDAP adapter on the test DC with SAMBA_SETTINGS; 'demo': the demo file; or any Directory. */
  readonly directory?: 'samba' | 'demo' | Directory;
  /** Default: SAMBA_SETTINGS (DEMO_SETTINGS on the demo directory: roles compare group DNs). */
  readonly settings?: ServiceSettings;
  readonly slackUsers: readonly FakeSlackUser[];
  readonly logger?: Logger;
  /** users.info cache (default 60 s). */
  readonly identityTtlMs?: number;
  /** Wrap the service (e.g. to count the calls that reach it). */
  readonly wrapService?: (service: HelpdeskService) => HelpdeskService;
  /** Post-ack queue: concurrency and how much may wait (defaults: the surface's). */
  readonly postAckConcurrency?: number;
  readonly postAckMaxPending?: number;
  /** Serve the portal API on the same server and store, with this bearer token. */
  readonly portalApiToken?: string;
  /** Where escalations go, and how fast failed ones are retried. */
  readonly ticketSink?: TicketSink;
  readonly ticketRetry?: RetryPolicy;
  /** The SMS sender (e.g. the Twilio adapter on a loopback Twilio); none → SMS commands are not available. */
  readonly sms?: SmsSender;
  /** APPROVALS_SLACK_CHANNEL: the supervisors' channel. */
  readonly approvalsChannel?: string;
  /** The SQLite file (two harnesses on one file: two replicas on one store); the caller removes it. */
  readonly storePath?: string;
  /** The fake Slack another harness started (the same workspace for both replicas); not stopped by close(). */
  readonly fake?: FakeSlackApi;
  /** How often this replica looks for hides another left undone, and how late they must be (default: the surface's 2 s, 2 s). */
  readonly hidePollMs?: number;
  readonly hideGraceMs?: number;
  /** Shared with a Teams harness on the same store: the two surfaces of one replica. */
  readonly approvalDecisions?: ApprovalDecisions;
}

/** The key response URLs kept in the store are sealed with, for every harness of the run (as the audit key, bot-harness.ts). */
const RESPONSE_URL_CIPHER = aesGcmAnswerCipher(randomBytes(32));

/** A button as the bot drew it in a recorded message. */
export interface DrawnButton {
  readonly action_id: string;
  readonly value?: string;
  readonly style?: string;
  readonly confirm?: unknown;
  readonly text: { readonly type: 'plain_text'; readonly text: string };
}

export interface SlackHarness {
  readonly eventsUrl: string;
  /** The server's base URL (the portal API is under /api/portal when portalApiToken was given). */
  readonly baseUrl: string;
  readonly fake: FakeSlackApi;
  readonly service: HelpdeskService;
  readonly directory: Directory;
  readonly store: Store;
  readonly clock: ShiftableClock;
  readonly surface: SlackSurface;
  readonly http: HttpServer;
  /** `/helpdesk <text>`: the HTTP ack, and the response_url the answer will be posted to. */
  command(userId: string, text: string): Promise<{ ack: HttpAnswer; responseUrl: string }>;
  /** The same, then waits for the answer posted to its response_url. */
  ask(userId: string, text: string): Promise<{ ack: HttpAnswer; answer: RecordedCall; responseUrl: string }>;
  /** Clicks a drawn button as `userId` and waits for the answer posted to the new response_url. */
  press(userId: string, button: DrawnButton, options?: { ephemeral?: boolean; state?: Record<string, Record<string, { type: string; value: string }>> }): Promise<{ ack: HttpAnswer; answer: RecordedCall; responseUrl: string }>;
  /** Mentions the app in a channel; resolves with the HTTP ack (the answer arrives as chat.postEphemeral). */
  mention(userId: string, text: string, options?: { eventId?: string; threadTs?: string }): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/** Buttons of a recorded message (chat.* form fields or response_url JSON), in drawing order. */
export function buttonsOf(call: RecordedCall): DrawnButton[] {
  const blocks = (call.body.blocks ?? []) as Record<string, unknown>[];
  const out: DrawnButton[] = [];
  for (const block of blocks) {
    if (block.type === 'actions') out.push(...(block.elements as DrawnButton[]));
    const accessory = block.accessory as (DrawnButton & { type?: string }) | undefined;
    if (block.type === 'section' && accessory?.type === 'button') out.push(accessory);
  }
  return out;
}

export function buttonByVerb(call: RecordedCall, verb: string): DrawnButton {
  const found = buttonsOf(call).find((b) => b.value !== undefined && (JSON.parse(b.value) as { verb?: string }).verb === verb);
  if (!found) throw new Error(`no ${verb} button in ${JSON.stringify(call.body).slice(0, 2000)}`);
  return found;
}

/** Every visible text of a recorded message, as one string (for "shows X" / "does not show Y"). */
export function textOf(call: RecordedCall): string {
  return JSON.stringify({ text: call.body.text, blocks: call.body.blocks });
}

export async function startSlackHarness(options: SlackHarnessOptions): Promise<SlackHarness> {
  const logger = options.logger ?? silentLogger;
  const clock = new ShiftableClock();
  const kind = options.directory ?? 'samba';
  const directory = kind === 'samba' ? sambaDirectory(logger) : kind === 'demo' ? new DemoDirectory(clock) : kind;
  const dir = mkdtempSync(path.join(tmpdir(), 'slack-harness-'));
  const fake = options.fake ?? (await startFakeSlackApi({ token: TEST_BOT_TOKEN, users: options.slackUsers }));
  const store = openSqliteStore({ path: options.storePath ?? path.join(dir, 'helpdesk.db'), auditKey: AUDIT_KEY, clock });
  const answerCipher = aesGcmAnswerCipher(randomBytes(32));
  const created = new HelpdeskService({
    directory, store, clock, logger, answerCipher, settings: options.settings ?? (kind === 'demo' ? DEMO_SETTINGS : SAMBA_SETTINGS),
    ...(options.ticketSink ? { ticketSink: options.ticketSink } : {}),
    ...(options.ticketRetry ? { ticketRetry: options.ticketRetry } : {}),
    ...(options.sms ? { sms: options.sms } : {}),
  });
  created.tickets?.start();
  const portalApi = portalApiMount({ token: options.portalApiToken, intake: new PortalIntake({ directory, store, clock, cipher: answerCipher }), logger });
  const service = options.wrapService ? options.wrapService(created) : created;
  const surface = await createSlackSurface({
    service,
    logger,
    config: { botToken: TEST_BOT_TOKEN, signingSecret: TEST_SIGNING_SECRET, apiUrl: fake.apiUrl },
    ...(options.identityTtlMs !== undefined ? { identityTtlMs: options.identityTtlMs } : {}),
    ...(options.postAckConcurrency !== undefined ? { postAckConcurrency: options.postAckConcurrency } : {}),
    ...(options.postAckMaxPending !== undefined ? { postAckMaxPending: options.postAckMaxPending } : {}),
    ...(options.approvalsChannel ? { approvalsChannel: options.approvalsChannel } : {}),
    pendingWork: store.pendingWork,
    responseUrlCipher: RESPONSE_URL_CIPHER,
    ...(options.hidePollMs ? { hidePollMs: options.hidePollMs } : {}),
    ...(options.hideGraceMs !== undefined ? { hideGraceMs: options.hideGraceMs } : {}),
    ...(options.approvalDecisions ? { approvalDecisions: options.approvalDecisions } : {}),
  });
  const http = createHttpServer({ logger, health: () => service.health(), mounts: [(server) => surface.mount(server), portalApi] });
  await http.listen(0, '127.0.0.1');
  const eventsUrl = `${http.url()}/slack/events`;

  const command = async (userId: string, text: string) => {
    const responseUrl = fake.newResponseUrl();
    const ack = await postSigned(eventsUrl, slashCommand({ userId, text, responseUrl }));
    return { ack, responseUrl };
  };

  return {
    eventsUrl,
    baseUrl: http.url(),
    fake,
    service,
    directory,
    store,
    clock,
    surface,
    http,
    command,
    async ask(userId, text) {
      const { ack, responseUrl } = await command(userId, text);
      if (ack.status !== 200) throw new Error(`slash command answered ${ack.status}`);
      return { ack, answer: await fake.responseTo(responseUrl), responseUrl };
    },
    async press(userId, button, pressOptions = {}) {
      const responseUrl = fake.newResponseUrl();
      const ack = await postSigned(eventsUrl, blockActions({
        userId, responseUrl, ephemeral: pressOptions.ephemeral ?? true, ...(pressOptions.state ? { state: pressOptions.state } : {}),
        action: { action_id: button.action_id, ...(button.value !== undefined ? { value: button.value } : {}), text: button.text },
      }));
      if (ack.status !== 200) throw new Error(`block_actions answered ${ack.status}`);
      return { ack, answer: await fake.responseTo(responseUrl), responseUrl };
    },
    mention(userId, text, mentionOptions = {}) {
      return postSigned(eventsUrl, appMention({ userId, text, botUserId: fake.botUserId, ...mentionOptions }));
    },
    async close() {
      created.tickets?.stop();
      await created.tickets?.idle();
      await http.close();
      await surface.close();
      if (!options.fake) await fake.stop();
      if (typeof kind === 'string') await directory.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
