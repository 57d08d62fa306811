// The Slack app's bot token and Web API base URL for functions that call the Web API (the notifier
// in app mode; any function posting in an alert's thread). The token arrives like every secret:
// KMS ciphertext with the LambdaFunctionName context (secrets.ts), or plain in local runs only.
import { ENV } from "./constants";
import type { Deadline } from "./deadline";
import { secretCache } from "./secrets";
import { SLACK_API_BASE } from "./slackWebApi";

/** A loopback http URL, accepted only for local runs (tests point the notifier at a local stand-in). */
const LOOPBACK_HTTP = /^http:\/\/127\.0\.0\.1(:\d+)?\//;

/** The Web API base URL: Slack's, or a loopback stand-in in local runs (LOCAL_RUN=1). */
export function slackApiBase(env: NodeJS.ProcessEnv): string {
  const override = env[ENV.slackApiBaseUrl];
  if (!override) return SLACK_API_BASE;
  if (env[ENV.localRun] === "1" && LOOPBACK_HTTP.test(override)) return override;
  throw new Error(
    `${ENV.slackApiBaseUrl} may only name an http://127.0.0.1 URL in local runs (LOCAL_RUN=1); leave it unset to use ${SLACK_API_BASE}`,
  );
}

/** Bot tokens start xoxb- (https://api.slack.com/authentication/token-types#bot). */
export function botTokenSource(env: NodeJS.ProcessEnv): { load(deadline: Deadline): Promise<string> } {
  const secret = secretCache(
    { ciphertextVar: ENV.slackBotTokenCiphertext, plainVar: ENV.slackBotTokenPlain },
    env,
  );
  return {
    async load(deadline) {
      const token = (await secret.get(deadline)).trim();
      if (!/^xoxb-[\w-]+$/.test(token))
        throw new Error(
          `the Slack bot token (${env[ENV.slackBotTokenCiphertext] ? `${ENV.slackBotTokenCiphertext}, decrypted` : ENV.slackBotTokenPlain}) does not look like a bot token (xoxb-...)`,
        );
      return token;
    },
  };
}
