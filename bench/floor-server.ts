// The framework floor DESIGN.md measures the bot against: a minimal botbuilder bot on the same restify
// server (CloudAdapter, no auth, JSON body parsing on the route) that, for each `user <login>` message, does
// the same raw LDAP work (bench/raw-ldap.ts: the entry and its groups over a pool of bound connections) and
// replies with a card of the same size as the bot's (BENCH_FLOOR_CARD, a file holding the bot's real card)
// through the same loopback connector. No parsing, rules, store, audit or templating: what is left is what
// botbuilder, restify and ldapts cost. Prints "READY <url>"; SIGTERM stops it.
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { ActivityHandler, CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication, MessageFactory } from 'botbuilder';
import restify from 'restify';
import type { Client } from 'ldapts';
import { jsonBody } from '../src/http/body';
import { rawPool, rawUserLookup } from './raw-ldap';

async function main(): Promise<void> {
  const env = process.env;
  const card = JSON.parse(readFileSync(env.BENCH_FLOOR_CARD ?? '', 'utf8')) as Record<string, unknown>;
  const clients: Client[] = await rawPool(
    { url: env.FLOOR_LDAP_URL ?? '', bindDN: env.FLOOR_LDAP_BIND_DN ?? '', bindPassword: env.FLOOR_LDAP_BIND_PASSWORD ?? '', caFile: env.FLOOR_LDAP_CA_FILE ?? '' },
    Number(env.BENCH_LDAP_POOL) || 4,
  );
  const baseDN = env.FLOOR_LDAP_BASE_DN ?? '';
  let next = 0;

  const bot = new ActivityHandler();
  bot.onMessage(async (context, done) => {
    const login = (context.activity.text ?? '').replace(/^user\s+/, '').trim();
    const client = clients[next++ % clients.length] as Client;
    await rawUserLookup(client, baseDN, login);
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
    await done();
  });
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' }),
  );
  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.post('/api/messages', jsonBody(256 * 1024), async (req: restify.Request, res: restify.Response) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`READY http://127.0.0.1:${(server.server.address() as AddressInfo).port}\n`);
  });
  const stop = () => {
    server.close();
    void Promise.all(clients.map((c) => c.unbind().catch(() => undefined))).finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
