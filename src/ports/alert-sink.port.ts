// Where alerts go: the supervisors' Teams conversation (ALERTS_TEAMS_CONVERSATION) and/or Slack channel
// (ALERTS_SLACK_CHANNEL), posted proactively. Each sink renders the alert in its surface's words.
import type { AlertView } from '../service/kernel/views';

export interface AlertSink {
  readonly name: string;
  post(alert: AlertView): Promise<void>;
}
