// A Slack-compatible HTTP server on 127.0.0.1 for tests: it records every request (incoming
// webhooks, response_url posts) and answers from a script: 200 "ok", 429 with Retry-After, 500,
// or hangs. Optionally it enforces Slack's incoming-webhook rate limit (about one message per
// second per webhook, short bursts allowed: https://api.slack.com/docs/rate-limits).
//
// Under /api/ it also answers the Slack Web API methods the hub uses (see WEB_API_METHODS), as
// Slack does (https://api.slack.com/web): a bot token as `Authorization: Bearer`, JSON (or form)
// bodies, HTTP 200 with `{ ok: false, error }` for failures (not_authed, invalid_auth,
// channel_not_found, message_not_found, no_text, invalid_blocks...) and HTTP 429 with Retry-After
// and `{ ok: false, error: "ratelimited" }` when rate limited. Posted messages are kept per channel
// (with their chat.update history) so tests can assert what the channel shows.
import * as http from "http";
import { AddressInfo } from "net";
import { URLSearchParams } from "url";

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
  | { status: number; body?: string; headers?: Record<string, string> }
  | { hang: true }
  /**
   * A Web API failure: `{ ok: false, error }` with HTTP 200 (Slack's way), or with `status`;
   * `retryAfter` adds a Retry-After header (seconds). `slackError: "ratelimited"` defaults to 429.
   */
  | { slackError: string; status?: number; retryAfter?: number };

/** The bot token the stand-in accepts unless told otherwise (see webApi()). */
export const TEST_BOT_TOKEN = "xoxb-000000000000-0000000000000-standintoken";

export interface WebApiOptions {
  /** Tokens accepted (default: [TEST_BOT_TOKEN]). */
  tokens?: string[];
  /** Channel ids that exist (default: any id shaped like a channel id, C/G followed by 2+ [A-Z0-9]). */
  channels?: string[];
}

/** One Web API call as received and answered. */
export interface WebApiCall {
  /** The API method, e.g. "chat.postMessage". */
  method: string;
  /** The token sent (Bearer header or `token` field), if any. */
  token?: string;
  /** The arguments: the JSON body, or the form fields. */
  args: Record<string, unknown>;
  /** HTTP status answered (200 also for `ok: false`). */
  status: number;
  /** The JSON answered. */
  response: Record<string, unknown>;
  receivedAt: number;
}

/** A message as a channel shows it: the latest text/blocks, and what it was before each update. */
export interface ChannelMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  /** Earlier versions, oldest first (one per chat.update). */
  history: Array<{ text?: string; blocks?: unknown[]; attachments?: unknown[] }>;
}

/** A Web API method: answers `args` (already authenticated) with a JSON object (`ok` included). */
export type WebApiMethod = (args: Record<string, unknown>, server: SlackServer) => Record<string, unknown>;

/** Slack's limit on blocks in one message (https://api.slack.com/reference/block-kit/blocks). */
const MAX_BLOCKS = 50;
/** Slack truncates message text past 40,000 characters and refuses longer with msg_too_long. */
const MAX_TEXT = 40_000;

function hasContent(args: Record<string, unknown>): boolean {
  const nonEmpty = (v: unknown) =>
    (typeof v === "string" && v.trim() !== "") || (Array.isArray(v) && v.length > 0);
  return nonEmpty(args.text) || nonEmpty(args.blocks) || nonEmpty(args.attachments);
}

/** Blocks and attachments may be sent as JSON strings (form bodies): parse them like Slack does. */
function jsonArg(v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function contentProblem(args: Record<string, unknown>): string | undefined {
  if (!hasContent(args)) return "no_text";
  if (typeof args.text === "string" && args.text.length > MAX_TEXT) return "msg_too_long";
  if (args.blocks !== undefined && (!Array.isArray(args.blocks) || args.blocks.length > MAX_BLOCKS))
    return "invalid_blocks";
  return undefined;
}

/** A view opened with views.open, as the stand-in received it. */
export interface OpenedView {
  id: string;
  trigger_id: string;
  /** The view object (parsed when sent as a JSON string, as Slack documents it). */
  view: Record<string, unknown>;
}

/** Slack's modal limits (https://api.slack.com/reference/surfaces/views). */
const MAX_VIEW_TEXT = 24;
const MAX_PRIVATE_METADATA = 3000;
const MAX_CALLBACK_ID = 255;
const MAX_VIEW_BLOCKS = 100;

/** What Slack would refuse in a modal view with invalid_arguments, or undefined. */
function viewProblem(view: unknown): string | undefined {
  if (typeof view !== "object" || view === null || Array.isArray(view)) return "view is not an object";
  const v = view as Record<string, unknown>;
  const plain = (o: unknown) =>
    typeof o === "object" &&
    o !== null &&
    (o as Record<string, unknown>).type === "plain_text" &&
    typeof (o as Record<string, unknown>).text === "string" &&
    ((o as Record<string, unknown>).text as string).length <= MAX_VIEW_TEXT;
  if (v.type !== "modal") return "view.type must be modal";
  if (!plain(v.title)) return `view.title must be plain_text of at most ${MAX_VIEW_TEXT} characters`;
  for (const key of ["submit", "close"])
    if (v[key] !== undefined && !plain(v[key]))
      return `view.${key} must be plain_text of at most ${MAX_VIEW_TEXT} characters`;
  if (!Array.isArray(v.blocks) || v.blocks.length > MAX_VIEW_BLOCKS) return "view.blocks";
  const hasInput = v.blocks.some((b) => (b as { type?: unknown })?.type === "input");
  if (hasInput && v.submit === undefined) return "must define submit to use an input block";
  if (
    v.private_metadata !== undefined &&
    (typeof v.private_metadata !== "string" || v.private_metadata.length > MAX_PRIVATE_METADATA)
  )
    return `view.private_metadata must be a string of at most ${MAX_PRIVATE_METADATA} characters`;
  if (
    v.callback_id !== undefined &&
    (typeof v.callback_id !== "string" || v.callback_id.length > MAX_CALLBACK_ID)
  )
    return `view.callback_id must be a string of at most ${MAX_CALLBACK_ID} characters`;
  return undefined;
}

/**
 * The Web API methods the stand-in answers. chat.postMessage:
 * https://api.slack.com/methods/chat.postMessage ; chat.update: https://api.slack.com/methods/chat.update ;
 * views.open: https://api.slack.com/methods/views.open (a trigger_id opens one view only:
 * exchanged_trigger_id the second time).
 */
export const WEB_API_METHODS: Record<string, WebApiMethod> = {
  "chat.postMessage": (args, server) => {
    const channel = typeof args.channel === "string" ? args.channel : "";
    if (!server.channelExists(channel)) return { ok: false, error: "channel_not_found" };
    const problem = contentProblem(args);
    if (problem) return { ok: false, error: problem };
    const message = server.storeMessage(channel, args);
    return {
      ok: true,
      channel,
      ts: message.ts,
      message: {
        type: "message",
        bot_id: "B0STANDIN",
        ts: message.ts,
        ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
        text: message.text ?? "",
        ...(message.blocks ? { blocks: message.blocks } : {}),
      },
    };
  },
  "chat.update": (args, server) => {
    const channel = typeof args.channel === "string" ? args.channel : "";
    if (!server.channelExists(channel)) return { ok: false, error: "channel_not_found" };
    const ts = typeof args.ts === "string" ? args.ts : "";
    const message = server.messages(channel).find((m) => m.ts === ts);
    if (!message) return { ok: false, error: "message_not_found" };
    const problem = contentProblem(args);
    if (problem) return { ok: false, error: problem === "no_text" ? "no_text" : problem };
    message.history.push({ text: message.text, blocks: message.blocks, attachments: message.attachments });
    if (args.text !== undefined) message.text = String(args.text);
    if (args.blocks !== undefined) message.blocks = jsonArg(args.blocks) as unknown[];
    if (args.attachments !== undefined) message.attachments = jsonArg(args.attachments) as unknown[];
    return { ok: true, channel, ts, text: message.text ?? "" };
  },
  "views.open": (args, server) => {
    const trigger = typeof args.trigger_id === "string" ? args.trigger_id : "";
    if (!trigger)
      return { ok: false, error: "invalid_arguments", response_metadata: { messages: ["trigger_id"] } };
    const view = jsonArg(args.view);
    const problem = viewProblem(view);
    if (problem) return { ok: false, error: "invalid_arguments", response_metadata: { messages: [problem] } };
    const opened = server.openView(trigger, view as Record<string, unknown>);
    if (!opened) return { ok: false, error: "exchanged_trigger_id" };
    return { ok: true, view: { id: opened.id, team_id: "T0001", ...opened.view } };
  },
};

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
  /** Web API calls, in arrival order. */
  readonly calls: WebApiCall[] = [];
  private webApiOptions: WebApiOptions = {};
  private methodScripts = new Map<string, ScriptedReply[]>();
  private channelMessages = new Map<string, ChannelMessage[]>();
  private tsSeq = 0;
  /** Views opened with views.open, in order. */
  readonly views: OpenedView[] = [];

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
    this.calls.length = 0;
    this.webApiOptions = {};
    this.methodScripts.clear();
    this.channelMessages.clear();
    this.views.length = 0;
  }

  /** Records a view for a trigger not yet used; undefined when the trigger was already exchanged. */
  openView(trigger: string, view: Record<string, unknown>): OpenedView | undefined {
    if (this.views.some((v) => v.trigger_id === trigger)) return undefined;
    const opened = { id: `V${String(this.views.length + 1).padStart(8, "0")}`, trigger_id: trigger, view };
    this.views.push(opened);
    return opened;
  }

  /** Base URL of the Web API on this server (method URLs are this + the method name). */
  apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** Which tokens and channels the Web API accepts (until reset()). */
  webApi(options: WebApiOptions): this {
    this.webApiOptions = options;
    return this;
  }

  /**
   * Replies for the next calls of one Web API method (before the general reply() script), e.g.
   * `replyTo("chat.postMessage", { slackError: "ratelimited", retryAfter: 1 })`.
   */
  replyTo(method: string, ...replies: ScriptedReply[]): this {
    const queue = this.methodScripts.get(method) ?? [];
    queue.push(...replies);
    this.methodScripts.set(method, queue);
    return this;
  }

  /** Web API calls of one method (all methods when absent), in arrival order. */
  apiCalls(method?: string): WebApiCall[] {
    return this.calls.filter((c) => method === undefined || c.method === method);
  }

  /** Messages in a channel, oldest first, thread replies included (see thread_ts). */
  messages(channel: string): ChannelMessage[] {
    return this.channelMessages.get(channel) ?? [];
  }

  /** Replies in the thread of the message `ts` of a channel, oldest first. */
  threadReplies(channel: string, ts: string): ChannelMessage[] {
    return this.messages(channel).filter((m) => m.thread_ts === ts && m.ts !== ts);
  }

  channelExists(channel: string): boolean {
    const known = this.webApiOptions.channels;
    return known ? known.includes(channel) : /^[CG][A-Z0-9]{2,}$/.test(channel);
  }

  /** Stores a posted message with a fresh Slack-style ts ("seconds.sequence", unique per server). */
  storeMessage(channel: string, args: Record<string, unknown>): ChannelMessage {
    this.tsSeq += 1;
    const ts = `${Math.floor(Date.now() / 1000)}.${String(this.tsSeq).padStart(6, "0")}`;
    const message: ChannelMessage = {
      channel,
      ts,
      ...(typeof args.thread_ts === "string" && args.thread_ts ? { thread_ts: args.thread_ts } : {}),
      ...(args.text !== undefined ? { text: String(args.text) } : {}),
      ...(args.blocks !== undefined ? { blocks: jsonArg(args.blocks) as unknown[] } : {}),
      ...(args.attachments !== undefined ? { attachments: jsonArg(args.attachments) as unknown[] } : {}),
      history: [],
    };
    const list = this.channelMessages.get(channel) ?? [];
    list.push(message);
    this.channelMessages.set(channel, list);
    return message;
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
      if (path.startsWith("/api/")) {
        this.handleWebApi(req, res, record);
        return;
      }
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
      if (scripted && "slackError" in scripted) {
        this.answerSlackError(res, record, scripted);
        return;
      }
      const reply = scripted ?? { status: 200, body: "ok" };
      record.status = reply.status;
      res.writeHead(reply.status, { "Content-Type": "text/plain", ...(reply.headers ?? {}) });
      res.end(reply.body ?? (reply.status === 200 ? "ok" : "error"));
    });
  }

  private answerJson(
    res: http.ServerResponse,
    record: RecordedRequest,
    status: number,
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Record<string, unknown> {
    record.status = status;
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
    return body;
  }

  private answerSlackError(
    res: http.ServerResponse,
    record: RecordedRequest,
    reply: { slackError: string; status?: number; retryAfter?: number },
  ): { status: number; body: Record<string, unknown> } {
    const status = reply.status ?? (reply.slackError === "ratelimited" ? 429 : 200);
    const headers: Record<string, string> =
      reply.retryAfter !== undefined || status === 429
        ? { "Retry-After": String(reply.retryAfter ?? 1) }
        : {};
    const body = { ok: false, error: reply.slackError };
    this.answerJson(res, record, status, body, headers);
    return { status, body };
  }

  private handleWebApi(req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest): void {
    const method = record.path.slice("/api/".length).split("?")[0];
    const contentType = String(req.headers["content-type"] ?? "");
    let args: Record<string, unknown> = {};
    if (contentType.startsWith("application/json")) {
      if (record.json && typeof record.json === "object" && !Array.isArray(record.json))
        args = record.json as Record<string, unknown>;
    } else {
      args = Object.fromEntries(new URLSearchParams(record.body));
    }
    const auth = String(req.headers.authorization ?? "");
    const bearer = /^Bearer (.+)$/.exec(auth)?.[1];
    const token = bearer ?? (typeof args.token === "string" ? args.token : undefined);
    const call: WebApiCall = { method, token, args, status: 0, response: {}, receivedAt: record.receivedAt };
    this.calls.push(call);
    const finish = (status: number, body: Record<string, unknown>, headers?: Record<string, string>) => {
      call.status = status;
      call.response = this.answerJson(res, record, status, body, headers);
    };

    const scripted = this.methodScripts.get(method)?.shift() ?? this.script.shift();
    if (scripted && "hang" in scripted) {
      this.hanging.push(res);
      return;
    }
    if (scripted && "slackError" in scripted) {
      const { status, body } = this.answerSlackError(res, record, scripted);
      call.status = status;
      call.response = body;
      return;
    }
    if (scripted) {
      record.status = scripted.status;
      call.status = scripted.status;
      res.writeHead(scripted.status, { "Content-Type": "text/plain", ...(scripted.headers ?? {}) });
      res.end(scripted.body ?? "error");
      return;
    }
    const impl = WEB_API_METHODS[method];
    if (!impl) return finish(200, { ok: false, error: "unknown_method" });
    if (!token) return finish(200, { ok: false, error: "not_authed" });
    if (!(this.webApiOptions.tokens ?? [TEST_BOT_TOKEN]).includes(token))
      return finish(200, { ok: false, error: "invalid_auth" });
    if (this.rateLimit && method === "chat.postMessage") {
      // chat.postMessage is limited per channel (about one message per second, short bursts allowed).
      const retryAfter = this.takeToken(`${method} ${String(args.channel)}`);
      if (retryAfter > 0)
        return finish(429, { ok: false, error: "ratelimited" }, { "Retry-After": String(retryAfter) });
    }
    finish(200, impl(args, this));
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
