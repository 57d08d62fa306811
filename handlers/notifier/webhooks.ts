// The decrypted webhook map: JSON `{ "default": "https://hooks.slack.com/services/...", ... }`.
// Errors name the key and the problem but never print a URL: webhook URLs are secrets.
import { namedError } from "../shared/namedError";

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
  if (!("default" in map)) problems.push('it has no "default" webhook');
  const out: Webhooks = {};
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
      out[name] = url;
    } else if (LOOPBACK_HTTP.test(url)) {
      if (localRun) out[name] = url;
      else
        problems.push(
          `webhook "${name}" is an http://127.0.0.1 URL, allowed only for local runs (LOCAL_RUN=1)`,
        );
    } else {
      problems.push(`webhook "${name}" must be an https:// URL (got scheme ${parsedUrl.protocol})`);
    }
  }
  if (problems.length) throw webhookConfigError(`${source}: ${problems.join("; ")}`);
  return out;
}
