import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SLACK_EVENTS_PATH } from '../../../../src/chat/slack/slack-route';
import { SLASH_COMMAND } from '../../../../src/chat/slack/slack-renderer';

interface Manifest {
  features: { bot_user: unknown; slash_commands: { command: string; url: string; should_escape: boolean }[] };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[]; user_events?: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
}

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../../manifest/slack/manifest.json'), 'utf8')) as Manifest;

describe('slack app manifest', () => {
  it('declares the /helpdesk command, interactivity and app_mention, all at the one request URL', () => {
    const [command, ...others] = manifest.features.slash_commands;
    assert.equal(others.length, 0);
    assert.equal(command?.command, SLASH_COMMAND);
    assert.equal(command?.should_escape, false, 'the command text arrives as typed');
    const urls = [command?.url, manifest.settings.interactivity.request_url, manifest.settings.event_subscriptions.request_url];
    for (const url of urls) assert.equal(new URL(String(url)).pathname, SLACK_EVENTS_PATH);
    assert.equal(new Set(urls).size, 1);
    assert.equal(manifest.settings.interactivity.is_enabled, true);
    assert.deepEqual(manifest.settings.event_subscriptions.bot_events, ['app_mention']);
    assert.equal(manifest.settings.event_subscriptions.user_events, undefined);
    assert.equal(manifest.settings.socket_mode_enabled, false);
  });

  it('asks for the scopes the code uses and no more', () => {
    // commands: /helpdesk · app_mentions:read: the app_mention event · chat:write: chat.postEphemeral, and
    // chat.postMessage + chat.update for approval requests in the channel (approval-delivery.ts) ·
    // users:read + users:read.email: users.info with profile.email. (auth.test and response_url need none.)
    assert.deepEqual([...manifest.oauth_config.scopes.bot].sort(), ['app_mentions:read', 'chat:write', 'commands', 'users:read', 'users:read.email']);
    assert.equal(manifest.oauth_config.scopes.user, undefined);
  });

  it('the Web API methods the Slack code calls are the ones those scopes cover', () => {
    const dir = path.resolve(__dirname, '../../../../src/chat/slack');
    const source = ['slack-app.ts', 'slack-identity.ts', 'app-mention.listener.ts', 'block-actions.listener.ts', 'slash-command.listener.ts']
      .map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
    const called = new Set([...source.matchAll(/client\.(\w+)\.(\w+)\(/g)].map((m) => `${m[1]}.${m[2]}`));
    assert.deepEqual([...called].sort(), ['auth.test', 'chat.postEphemeral', 'users.info']);
  });
});
