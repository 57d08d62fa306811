// Slack app mode: with a bot token the notifier posts with chat.postMessage to channel ids instead
// of incoming webhooks, which gives every message a ts to thread replies on and to update
// (incoming webhooks answer "ok" and nothing else). The token arrives like the webhooks: KMS
// ciphertext with the LambdaFunctionName context, decrypted once per container
// (handlers/shared/slackBotToken.ts).

export interface AppModeSettings {
  /** Webhook (route destination) name -> Slack channel id; "default" is required. */
  channels: Record<string, string>;
  /** DynamoDB table of alert threads (handlers/shared/alertThreads.ts). */
  threadTable: string;
  /** Days an alert's thread is remembered (default 30). */
  threadTtlDays?: number;
  /**
   * Posts to one channel: after a burst of `postBurst`, one per `minPostIntervalMs` (defaults 3 and
   * 1000 ms: Slack allows about one message per second per channel, short bursts allowed,
   * https://docs.slack.dev/apis/web-api/rate-limits). 0 ms turns pacing off.
   */
  minPostIntervalMs?: number;
  postBurst?: number;
}

export const DEFAULT_MIN_POST_INTERVAL_MS = 1000;
export const DEFAULT_POST_BURST = 3;

/** Channel ids: C (public), G (private) or D (direct), then upper-case letters and digits. */
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/** Every problem with app-mode settings, each naming the key; [] when valid. */
export function validateAppSettings(app: unknown): string[] {
  if (typeof app !== "object" || app === null || Array.isArray(app))
    return ["app must be an object with channels and threadTable when given"];
  const a = app as Record<string, unknown>;
  const problems: string[] = [];
  const channels = a.channels;
  if (typeof channels !== "object" || channels === null || Array.isArray(channels)) {
    problems.push("app.channels must be an object mapping route names to Slack channel ids");
  } else {
    if (!Object.hasOwn(channels, "default")) problems.push('app.channels has no "default" channel');
    for (const [name, id] of Object.entries(channels)) {
      if (typeof id !== "string" || !CHANNEL_ID.test(id))
        problems.push(
          `app.channels.${name}: ${JSON.stringify(id)} is not a Slack channel id (C..., G... or D...)`,
        );
    }
  }
  if (typeof a.threadTable !== "string" || !TABLE_NAME.test(a.threadTable))
    problems.push(`app.threadTable must be a DynamoDB table name, got ${JSON.stringify(a.threadTable)}`);
  if (a.threadTtlDays !== undefined && !(typeof a.threadTtlDays === "number" && a.threadTtlDays > 0))
    problems.push(`app.threadTtlDays must be a positive number, got ${JSON.stringify(a.threadTtlDays)}`);
  if (
    a.minPostIntervalMs !== undefined &&
    !(
      typeof a.minPostIntervalMs === "number" &&
      Number.isFinite(a.minPostIntervalMs) &&
      a.minPostIntervalMs >= 0
    )
  )
    problems.push(`app.minPostIntervalMs must be a number >= 0, got ${JSON.stringify(a.minPostIntervalMs)}`);
  if (a.postBurst !== undefined && !(Number.isInteger(a.postBurst) && (a.postBurst as number) >= 1))
    problems.push(`app.postBurst must be a whole number >= 1, got ${JSON.stringify(a.postBurst)}`);
  return problems;
}

// Where the token source and the API URL used to live: kept for code that imports them from here.
export { botTokenSource, slackApiBase } from "../shared/slackBotToken";
