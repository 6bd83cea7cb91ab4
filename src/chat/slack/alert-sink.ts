// Alerts to the supervisors in Slack (ALERTS_SLACK_CHANNEL): an ordinary message in the channel (chat.postMessage,
// the bot a member), in the same words as the Teams card. It names logins only; each Show / Unlock press is
// answered to the presser alone, as them (role re-checked; in a channel a user's details are their own view).
import type { webApi } from '@slack/bolt';
import type { AlertSink } from '../../service/desk';
import type { AlertView } from '../../service/kernel';
import { renderView } from './slack-renderer';

export class SlackAlertSink implements AlertSink {
  readonly name = 'slack';

  constructor(private readonly client: webApi.WebClient, private readonly token: string, private readonly channel: string) {}

  async post(alert: AlertView): Promise<void> {
    const message = renderView(alert, { ephemeral: false });
    await this.client.chat.postMessage({ token: this.token, channel: this.channel, text: message.text, blocks: message.blocks });
  }
}
