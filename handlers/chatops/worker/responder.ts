// Replies through a slash command's response_url: Slack accepts at most 5 posts to one
// response_url within 30 minutes of the command (https://api.slack.com/interactivity/handling#message_responses).
// The budget is counted per response_url in an object the factory creates (one per container),
// and one post is always kept back for the final message of a command.
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";

export const RESPONSE_URL_LIFETIME_MS = 30 * 60 * 1000;
export const DEFAULT_MAX_POSTS = 5;

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

/** Posts made per response_url in this container (entries older than 30 minutes are dropped). */
export interface PostLedger {
  entries: Map<string, { count: number; firstAt: number }>;
}

export function createPostLedger(): PostLedger {
  return { entries: new Map() };
}

export interface Responder {
  /** A progress post: sent only if a post would still remain for the final message. */
  progress(text: string): Promise<void>;
  /** The final message of a command (uses the reserved last post). */
  final(text: string): Promise<void>;
  /** Posts that did not reach Slack (non-2xx, network error, or no budget left). */
  readonly failures: string[];
}

export function createResponder(args: {
  url: string;
  ledger: PostLedger;
  maxPosts: number;
  fetch: FetchLike;
  now: () => number;
  timeoutMs: number;
  logFields: Record<string, unknown>;
}): Responder {
  const { url, ledger, maxPosts, now, logFields } = args;
  const failures: string[] = [];
  for (const [k, v] of ledger.entries)
    if (now() - v.firstAt > RESPONSE_URL_LIFETIME_MS) ledger.entries.delete(k);

  const used = (): number => ledger.entries.get(url)?.count ?? 0;

  const send = async (text: string, kind: "progress" | "final"): Promise<void> => {
    if (used() >= maxPosts) {
      const problem = `response_url post limit (${maxPosts}) reached; ${kind} message not sent`;
      failures.push(problem);
      log("error", "chatops worker: reply not sent", { ...logFields, problem, text });
      return;
    }
    const entry = ledger.entries.get(url) ?? { count: 0, firstAt: now() };
    entry.count += 1;
    ledger.entries.set(url, entry);
    try {
      const res = await args.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ response_type: "ephemeral", text }),
        signal: AbortSignal.timeout(args.timeoutMs),
      });
      if (!res.ok) {
        const body = (await res.text().catch(() => "")).slice(0, 200);
        throw new Error(`HTTP ${res.status}${body ? `: ${body}` : ""}`);
      }
    } catch (err) {
      const problem = `response_url post failed: ${errorText(err)}`;
      failures.push(problem);
      log("error", "chatops worker: reply not delivered", { ...logFields, kind, problem });
    }
  };

  return {
    failures,
    progress: async (text) => {
      if (used() < maxPosts - 1) await send(text, "progress");
    },
    final: (text) => send(text, "final"),
  };
}
