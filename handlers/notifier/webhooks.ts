// The decrypted webhook map: JSON `{ "default": "https://hooks.slack.com/services/...", ... }`.
// Errors name the key and the problem but never print a URL: webhook URLs are secrets.
import { ENV } from "../shared/constants";
import type { Deadline } from "../shared/deadline";
import { namedError } from "../shared/namedError";
import { secretCache } from "../shared/secrets";

export type Webhooks = Record<string, string>;

// Named plain Errors, not subclasses: see handlers/shared/namedError.ts.
export function webhookConfigError(message: string): Error {
  return namedError("WebhookConfigError", message, {});
}

/** A loopback http URL, accepted only for local runs (tests point the notifier at a local Slack fake). */
const LOOPBACK_HTTP = /^http:\/\/127\.0\.0\.1(:\d+)?\//;

export function parseWebhooks(json: string, source: string, localRun: boolean): Webhooks {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw webhookConfigError(
      `${source} is not valid JSON (${(err as Error).message}); expected {"default": "https://hooks.slack.com/..."}`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw webhookConfigError(
      `${source} must be a JSON object mapping webhook names to URLs, got ${Array.isArray(parsed) ? "an array" : typeof parsed}`,
    );
  }
  const map = parsed as Record<string, unknown>;
  const problems: string[] = [];
  if (!Object.hasOwn(map, "default")) problems.push('it has no "default" webhook');
  // Built as entries: assigning out["__proto__"] would set the prototype instead of a webhook.
  const out: Array<[string, string]> = [];
  for (const [name, url] of Object.entries(map)) {
    if (typeof url !== "string") {
      problems.push(`webhook "${name}" is ${url === null ? "null" : typeof url}, expected a URL string`);
      continue;
    }
    let parsedUrl: URL | undefined;
    try {
      parsedUrl = new URL(url);
    } catch {
      problems.push(`webhook "${name}" is not a valid URL`);
      continue;
    }
    if (parsedUrl.protocol === "https:") {
      out.push([name, url]);
    } else if (LOOPBACK_HTTP.test(url)) {
      if (localRun) out.push([name, url]);
      else
        problems.push(
          `webhook "${name}" is an http://127.0.0.1 URL, allowed only for local runs (LOCAL_RUN=1)`,
        );
    } else {
      problems.push(`webhook "${name}" must be an https:// URL (got scheme ${parsedUrl.protocol})`);
    }
  }
  if (problems.length) throw webhookConfigError(`${source}: ${problems.join("; ")}`);
  return Object.fromEntries(out);
}

/** The URL of webhook `name`, if the map has one of its own (never an inherited Object member). */
export function webhookUrl(hooks: Webhooks, name: string): string | undefined {
  return Object.hasOwn(hooks, name) ? hooks[name] : undefined;
}

export interface WebhookSource {
  /**
   * The parsed map; decrypted and parsed once per container, retried after a failure. The KMS call
   * is aborted when `deadline` runs out.
   */
  load(deadline: Deadline): Promise<Webhooks>;
}

/**
 * The webhook map from the function's environment: KMS ciphertext (decrypted with the
 * LambdaFunctionName context), or plain JSON in local runs. Kept in the handler factory's scope,
 * so one container decrypts once (module-level state does not survive closure serialization).
 */
export function webhookSource(env: NodeJS.ProcessEnv): WebhookSource {
  const secret = secretCache(
    { ciphertextVar: ENV.slackWebhooksCiphertext, plainVar: ENV.slackWebhooksPlain },
    env,
  );
  const state: { webhooks?: Webhooks } = {};
  return {
    async load(deadline) {
      if (!state.webhooks) {
        const source = env[ENV.slackWebhooksCiphertext]
          ? `${ENV.slackWebhooksCiphertext} (decrypted)`
          : ENV.slackWebhooksPlain;
        state.webhooks = parseWebhooks(await secret.get(deadline), source, env[ENV.localRun] === "1");
      }
      return state.webhooks;
    },
  };
}
