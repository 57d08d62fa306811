// The notifier run in the test's own process against the Slack stand-in, its webhooks given in
// plain text (LOCAL_RUN=1) instead of as KMS ciphertext.
import { CapturedLogs, captureLogs } from "./logs";
import { SlackServer, useSlackServer } from "./slackServer";

export interface LocalWebhooks {
  /** The notifier's environment: `default` and `payments` webhooks on the stand-in. */
  env: NodeJS.ProcessEnv;
  /** What the handler logged during the test. */
  logs: CapturedLogs;
}

/** The Slack stand-in, and per test a fresh environment and captured logs (restored afterwards). */
export function useLocalWebhooks(): { slack: SlackServer; local: LocalWebhooks } {
  const slack = useSlackServer();
  const local = {} as LocalWebhooks;
  beforeEach(() => {
    local.env = {
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS: JSON.stringify({
        default: slack.url("/services/default"),
        payments: slack.url("/services/payments"),
      }),
    };
    local.logs = captureLogs();
  });
  afterEach(() => local.logs.restore());
  return { slack, local };
}
