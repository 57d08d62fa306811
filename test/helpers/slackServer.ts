// A Slack-compatible HTTP server on 127.0.0.1 for tests: it records every request (incoming
// webhooks, response_url posts) and answers from a script: 200 "ok", 429 with Retry-After, 500,
// or hangs. Optionally it enforces Slack's incoming-webhook rate limit (about one message per
// second per webhook, short bursts allowed: https://api.slack.com/docs/rate-limits).
import * as http from "http";
import { AddressInfo } from "net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
  receivedAt: number;
  /** The status this server answered with (undefined while hanging). */
  status?: number;
}

export type ScriptedReply =
  { status: number; body?: string; headers?: Record<string, string> } | { hang: true };

export interface RateLimit {
  /** Messages allowed per second per path (token refill rate). */
  perSecond: number;
  /** Bucket size: how many messages may arrive at once. */
  burst: number;
}

export class SlackServer {
  readonly requests: RecordedRequest[] = [];
  private server: http.Server;
  private script: ScriptedReply[] = [];
  private hanging: http.ServerResponse[] = [];
  private rateLimit?: RateLimit;
  private buckets = new Map<string, { tokens: number; at: number }>();
  private port = 0;

  constructor() {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging = [];
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** URL of a webhook (or response_url) on this server. */
  url(path = "/services/T000/B000/XXXX"): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Replies to use, in order, for the next requests; after the script, 200 "ok". */
  reply(...replies: ScriptedReply[]): this {
    this.script.push(...replies);
    return this;
  }

  limit(rateLimit: RateLimit | undefined): this {
    this.rateLimit = rateLimit;
    this.buckets.clear();
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.script = [];
    this.rateLimit = undefined;
    this.buckets.clear();
  }

  /** Parsed JSON bodies of the delivered (2xx) requests, optionally to one path. */
  posts(path?: string): unknown[] {
    return this.delivered(path).map((r) => r.json);
  }

  private takeToken(path: string): number {
    const limit = this.rateLimit!;
    const now = Date.now();
    const b = this.buckets.get(path) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.perSecond);
    b.at = now;
    this.buckets.set(path, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / limit.perSecond));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const path = req.url ?? "/";
      const record: RecordedRequest = {
        method: req.method ?? "",
        path,
        headers: req.headers,
        body,
        json,
        receivedAt: Date.now(),
      };
      this.requests.push(record);
      const scripted = this.script.shift();
      if (scripted && "hang" in scripted) {
        this.hanging.push(res);
        return;
      }
      if (!scripted && this.rateLimit) {
        const retryAfter = this.takeToken(path);
        if (retryAfter > 0) {
          record.status = 429;
          res.writeHead(429, { "Retry-After": String(retryAfter), "Content-Type": "text/plain" });
          res.end("rate_limited");
          return;
        }
      }
      const reply = scripted ?? { status: 200, body: "ok" };
      record.status = reply.status;
      res.writeHead(reply.status, { "Content-Type": "text/plain", ...(reply.headers ?? {}) });
      res.end(reply.body ?? (reply.status === 200 ? "ok" : "error"));
    });
  }

  /** Requests this server accepted (2xx): what a Slack channel would show. */
  delivered(path?: string): RecordedRequest[] {
    return this.requests.filter(
      (r) =>
        r.status !== undefined &&
        r.status >= 200 &&
        r.status < 300 &&
        (path === undefined || r.path === path),
    );
  }
}

export async function startSlackServer(): Promise<SlackServer> {
  return new SlackServer().start();
}

/**
 * Suite helper: one server for the suite (started before its tests, stopped after them), its
 * requests, script and rate limit cleared before every test. The server's url() is valid once the
 * suite's before hooks have run.
 */
export function useSlackServer(): SlackServer {
  const slack = new SlackServer();
  before(async () => {
    await slack.start();
  });
  beforeEach(() => slack.reset());
  after(async () => slack.stop());
  return slack;
}
