// One notifier settings object run in both Slack modes against the stand-in, in the test's process:
// incoming webhooks (default webhook only) and app mode (bot token, one channel, a thread table).
import { NotifierSettings, createNotifierHandler } from "../../handlers/notifier";
import { SlackServer, TEST_BOT_TOKEN } from "./slackServer";

export const APP_CHANNEL = "C0SECURITY";

export function notifierInBothModes(slack: SlackServer, settings: NotifierSettings, threadTable: string) {
  return {
    webhook: () =>
      createNotifierHandler(settings, {
        LOCAL_RUN: "1",
        SLACK_WEBHOOKS: JSON.stringify({ default: slack.url("/services/default") }),
      }),
    app: () =>
      createNotifierHandler(
        { ...settings, app: { channels: { default: APP_CHANNEL }, threadTable } },
        { LOCAL_RUN: "1", SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_API_BASE_URL: slack.apiUrl() },
      ),
  };
}
