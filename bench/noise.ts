// Noise benchmark: a synthetic day of a 100-account organization (bench/noiseDay.ts) through the
// real rules and the deployed notifier, against the local Slack stand-in.
//
// - EventBridge: every event that enters a spoke's default bus is matched against the spoke's
//   forwarding rules of its region, and what they forward against the hub bus's rules, by AWS's
//   event-ruler (the patterns the stacks in this repo declare: Pulumi.hub.yaml, and
//   Pulumi.spoke-payments.yaml standing for every spoke of the same shape). An event that reaches
//   the hub's remediate rule makes the remediator report to the hub bus, which is routed too.
// - SNS: every message published to the hub's Config topic goes through moto's SNS to an SQS
//   queue with the notifier subscription's filter policy as the hub stack declares it.
// - The notifier queue: what reaches it is batched as the event source mapping does (up to 100
//   records, 20 s batching window) and each batch invokes the deployed notifier package
//   (`npm run lambdas` form, separate node process, moto for its AWS calls) posting to the Slack
//   stand-in on 127.0.0.1.
//
// Reported: Slack posts per raw event (target <= 1/100), security-relevant events represented in
// Slack (target 100%), duplicates posted (target 0), Lambda invocations (and what they would be if
// configuration-item changes still reached the queue).
//
// Run: npm run bench:noise [-- --smoke] [--no-write] [--incidents] (--incidents: with the incidents
// table, as deployed). Writes its figures into bench/RESULTS.md
// (between the noise markers) unless --no-write or --smoke.
import * as fs from "fs";
import * as path from "path";
import { PublishBatchCommand, SNSClient } from "@aws-sdk/client-sns";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  REMEDIATION_DETAIL_TYPE,
  REMEDIATION_EVENT_SOURCE,
  RESTRICTED_SSH_RULE_NAME,
} from "../handlers/shared/constants";
import { parseEvent as remediationTriggers } from "../handlers/remediator/triggers";
import { evaluateStacks } from "../verify/evaluateStacks";
import { startMoto, stopMoto } from "../verify/moto";
import { topicProbe } from "../verify/topicProbe";
import { listStackFiles } from "../verify/stackFiles";
import { RouteRule, collectRules } from "../verify/wiring/routes";
import {
  RulerAnswer,
  RulerMatcher,
  RulerPair,
  isRulerMatcher,
  loadRulerMatcher,
} from "../verify/wiring/ruler";
import { buildDeployedPackages, invokeDeployed } from "../test/helpers/deployed";
import * as os from "os";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { SlackServer, TEST_BOT_TOKEN, WebApiCall, startSlackServer } from "../test/helpers/slackServer";
import { buildLambdas } from "../verify/lambdaPackages";
import { ALERT_MUTES_TABLE_NAME, ALERT_THREADS_TABLE_NAME } from "../stacks/names";
import { createSeenTable } from "../test/helpers/seenTable";
import { createIncidentTable } from "../test/helpers/incidentTable";
import {
  NOTIFIER_DIGEST_QUEUE_NAME,
  NOTIFIER_DIGEST_SCHEDULE_NAME,
  NOTIFIER_INCIDENTS_TABLE_NAME,
  NOTIFIER_SEEN_TABLE_NAME,
} from "../stacks/functionSettings";
import { DIGEST_RUN_EVENT } from "../handlers/notifier/grouping";
import { DIGEST_BLOCK_PREFIX } from "../handlers/notifier/digest";
import { EVENT_IDS_BLOCK_ID } from "../handlers/notifier/incidents/card";
import { DayShape, FULL_DAY, RawEvent, SMOKE_DAY, generateDay } from "./noiseDay";

const REPO = path.resolve(__dirname, "..");
const HUB_ACCOUNT = "111111111111";
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:security-guard-notifier-queue`;
const TOPIC = (name: string) => `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:security-guard-${name}`;
/** As the notifier's event source mapping (stacks/components/notifier.ts). */
const BATCH_SIZE = 100;
const BATCH_WINDOW_SECONDS = 20;

export interface NoiseResult {
  shape: DayShape;
  rawEvents: number;
  byWhat: Record<string, number>;
  forwardedBySpokes: number;
  reachedQueue: number;
  droppedBySnsFilter: number;
  invocations: number;
  invocationsWithoutFilter: number;
  /** Grouping: the digest runs of the day (the schedule's invocations), and the events they posted. */
  digestEverySeconds?: number;
  digestRuns: number;
  heldForDigest: number;
  posts: number;
  /** Top-level posts by kind: digests, and the messages posted at once by what their first event is. */
  postsByKind: Record<string, number>;
  postsPerRawEvent: number;
  securityGroups: number;
  securityRepresented: number;
  /** Security events not found in Slack by id, by what they are. */
  missingByWhat: Record<string, number>;
  duplicatesPosted: number;
  noisePosted: number;
  /** Slack app mode (--app): incidents as cards updated in place, signals in their threads. */
  mode: "webhook" | "app";
  /** App mode: card updates (chat.update) and thread replies; not top-level posts. */
  updates: number;
  replies: number;
  /** With --incidents: distinct incidents named in top-level posts, and the top-level posts naming one. */
  incidentsPosted?: number;
  incidentPosts?: number;
  /** With --incidents: top-level posts naming each incident, summed over incidents (a digest counts for each it names). */
  incidentMentions?: number;
  /** Critical signals: the time the hub adds before Slack, seconds (see runNoise). */
  criticalMainQueue: { p50: number; p99: number; n: number };
  criticalLane: { p50: number; p99: number; n: number };
  /**
   * Critical-lane candidates no Slack message of their invocation carried, by what the notifier
   * logged for their record (held for the digest, skipped as a repeat, ...): not in the times above.
   */
  criticalNotPosted: Record<string, number>;
  engine: string;
  seconds: number;
}

interface Arrival {
  raw: RawEvent;
  topic: string;
  snsMessageId: string;
  at: number;
}

/** Event source mapping batches: up to BATCH_SIZE records, closed BATCH_WINDOW_SECONDS after the first. */
export function batchArrivals<T extends { at: number }>(arrivals: T[]): T[][] {
  const sorted = [...arrivals].sort((a, b) => a.at - b.at);
  const batches: T[][] = [];
  let current: T[] = [];
  for (const a of sorted) {
    if (current.length && (current.length >= BATCH_SIZE || a.at - current[0].at > BATCH_WINDOW_SECONDS)) {
      batches.push(current);
      current = [];
    }
    current.push(a);
  }
  if (current.length) batches.push(current);
  return batches;
}

function sqsRecord(a: Arrival, n: number) {
  return {
    messageId: `00000015-5a5a-4000-8000-${n.toString(16).padStart(12, "0")}`,
    receiptHandle: `AQEB${n}`,
    body: JSON.stringify({
      Type: "Notification",
      MessageId: a.snsMessageId,
      TopicArn: a.topic,
      Message: JSON.stringify(a.raw.payload),
      Timestamp: new Date(Date.parse("2026-11-20T00:00:00Z") + a.at * 1000).toISOString(),
      SignatureVersion: "1",
      Signature: "EXAMPLE",
    }),
    attributes: { ApproximateReceiveCount: "1" },
    messageAttributes: {},
    eventSource: "aws:sqs",
    eventSourceARN: QUEUE_ARN,
    awsRegion: "us-east-1",
  };
}

interface StackRules {
  spoke: RouteRule[];
  hub: RouteRule[];
  configFilter?: string;
  /** The hub's digest schedule (grouping on), in seconds: "rate(15 minutes)" is 900. */
  digestEverySeconds?: number;
}

/** Seconds of an EventBridge rate expression ("rate(15 minutes)", "rate(1 hour)"). */
function rateSeconds(expr: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expr);
  if (!m) throw new Error(`not a rate expression: ${expr}`);
  const unit = m[2].startsWith("minute") ? 60 : m[2].startsWith("hour") ? 3600 : 86_400;
  return Number(m[1]) * unit;
}

async function stackRules(): Promise<StackRules> {
  const files = listStackFiles(REPO).filter((s) => s.stack === "hub" || s.stack === "spoke-payments");
  const out: StackRules = { spoke: [], hub: [] };
  await evaluateStacks(files, ({ stack, evaluation, error }) => {
    if (error || !evaluation) throw new Error(`${stack.stack} does not build: ${error?.message}`);
    const rules = collectRules(stack.stack, evaluation.resources).rules;
    if (stack.stack === "hub") {
      out.hub = rules;
      const sub = evaluation.resources.find(
        (r) =>
          r.type === "aws:sns/topicSubscription:TopicSubscription" &&
          r.props.protocol === "sqs" &&
          /security-guard-config$/.test(String(r.props.topic)),
      );
      if (sub?.props.filterPolicy !== undefined) out.configFilter = String(sub.props.filterPolicy);
      const schedule = evaluation.resources.find(
        (r) =>
          r.type === "aws:cloudwatch/eventRule:EventRule" &&
          r.props.name === NOTIFIER_DIGEST_SCHEDULE_NAME &&
          typeof r.props.scheduleExpression === "string",
      );
      if (schedule) out.digestEverySeconds = rateSeconds(String(schedule.props.scheduleExpression));
    } else out.spoke = rules;
  });
  return out;
}

/** The SNS messages of `raws` that moto's SNS delivers through a subscription with `filterPolicy`. */
async function snsDelivered(
  raws: RawEvent[],
  filterPolicy: string | undefined,
): Promise<Map<RawEvent, string>> {
  const sns = new SNSClient({});
  const probe = await topicProbe("security-guard-config", "noise-notifier-queue", {
    raw: false,
    ...(filterPolicy ? { filterPolicy, filterPolicyScope: "MessageBody" as const } : {}),
  });
  const TopicArn = probe.topicArn;
  const bySnsId = new Map<string, RawEvent>();
  for (let i = 0; i < raws.length; i += 10) {
    const chunk = raws.slice(i, i + 10);
    const out = await sns.send(
      new PublishBatchCommand({
        TopicArn,
        PublishBatchRequestEntries: chunk.map((r, j) => ({
          Id: String(j),
          Message: JSON.stringify(r.payload),
        })),
      }),
    );
    if (out.Failed?.length) throw new Error(`SNS PublishBatch failed: ${JSON.stringify(out.Failed[0])}`);
    for (const ok of out.Successful ?? []) bySnsId.set(ok.MessageId!, chunk[Number(ok.Id)]);
  }
  const delivered = new Map<RawEvent, string>();
  for (const body of (await probe.published()) as Array<{ MessageId: string }>) {
    const raw = bySnsId.get(body.MessageId);
    if (!raw) throw new Error(`moto delivered an unknown SNS message ${body.MessageId}`);
    delivered.set(raw, body.MessageId);
  }
  return delivered;
}

/**
 * The text of a Slack message that names the events it is about: a digest's event lines, an
 * incident follow-up's or listing's event-ids line, or a single message's footer (a remediation
 * report also names its trigger event elsewhere in its body, so the rest of a message is not read).
 */
export function ownIdsText(post: unknown): string {
  const blocks = ((post as { attachments?: Array<{ blocks?: unknown[] }> })?.attachments?.[0]?.blocks ??
    []) as Array<{
    type: string;
    block_id?: string;
    text?: { text?: string };
    elements?: Array<{ text?: string }>;
  }>;
  const elementsText = (b: { elements?: Array<{ text?: string }> }) =>
    (b.elements ?? []).map((e) => e.text ?? "").join(" ");
  const lines = blocks.filter((b) => b.block_id?.startsWith(DIGEST_BLOCK_PREFIX));
  const listed = blocks.filter((b) => b.block_id === EVENT_IDS_BLOCK_ID).map(elementsText);
  if (lines.length || listed.length)
    return [...lines.map((b) => `${b.block_id} ${b.text?.text ?? ""}`), ...listed].join("\n");
  const footer = [...blocks].reverse().find((b) => b.type === "context");
  return footer ? elementsText(footer) : "";
}

/**
 * A top-level post as the duplicates count reads it. In app mode the only top-level message with
 * an "Event ids:" line is an incident's card, and that line names the card's timeline (signals a
 * digest line may have listed before the card opened): a reference to those events, not a post of
 * them, so it is left out here (it still counts for the time to Slack and for representation).
 */
export function postedIdsText(post: unknown, app: boolean): string {
  if (!app) return ownIdsText(post);
  const m = post as { attachments?: Array<{ blocks?: Array<{ block_id?: string }> }> };
  const [first, ...rest] = m?.attachments ?? [];
  if (!first?.blocks) return ownIdsText(post);
  const blocks = first.blocks.filter((b) => b.block_id !== EVENT_IDS_BLOCK_ID);
  return ownIdsText({ ...m, attachments: [{ ...first, blocks }, ...rest] });
}

/**
 * What the notifier logged for each record it did not post (by recordId, the SQS message id):
 * held for the digest, a duplicate held back, muted, or skipped with its reason (incident ids
 * written as "…" so reasons count together).
 */
export function recordOutcomes(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    let entry: { message?: unknown; recordId?: unknown; reason?: unknown };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof entry.recordId !== "string") continue;
    const reason = typeof entry.reason === "string" ? entry.reason.replace(/\b[0-9A-Z]{7}\b/g, "…") : "";
    const what =
      entry.message === "event held for the digest"
        ? "held for the digest (below critical, no Revert button)"
        : entry.message === "duplicate event held back"
          ? "duplicate held back (seen store)"
          : entry.message === "event muted" ||
              entry.message === "muted signal recorded on its incident (not posted)"
            ? "muted"
            : entry.message === "record skipped" ||
                entry.message === "signal joined its incident (not posted now)"
              ? `skipped: ${reason}`
              : undefined;
    if (what && !out.has(entry.recordId)) out.set(entry.recordId, what);
  }
  return out;
}

const FUNCTION = "security-guard-notifier";
/** App mode's tables (the hub stack creates them with slackChannels set). */
const APP_TABLES = [ALERT_THREADS_TABLE_NAME, ALERT_MUTES_TABLE_NAME];

/** The notifier package built from the repo's hub stack file with slackChannels added (app mode). */
async function appModePackage(): Promise<string> {
  const hub = parseYaml(fs.readFileSync(path.join(REPO, "Pulumi.hub.yaml"), "utf8"));
  hub.config["security-guard:slackChannels"] = { default: "C0SECURITY", payments: "C0PAYMENTS" };
  const stackFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sg-noise-app-")), "Pulumi.hub.yaml");
  fs.writeFileSync(stackFile, stringifyYaml(hub));
  const manifest = await buildLambdas(fs.mkdtempSync(path.join(os.tmpdir(), "sg-noise-app-lambdas-")), [
    stackFile,
  ]);
  const fn = manifest.functions.find((f) => f.function === FUNCTION);
  if (!fn) throw new Error(`${FUNCTION} is not in the app-mode build`);
  return fn.dir;
}

interface Received {
  /** Top-level messages as posted (webhook bodies, or chat.postMessage arguments without thread_ts). */
  top: unknown[];
  /** App mode: thread replies (chat.postMessage with thread_ts), as posted. */
  replies: unknown[];
  /** App mode: chat.update calls. */
  updates: number;
  /** Every post (top-level and replies) and card update with its ids text (ownIdsText) and when Slack received it. */
  timed: Array<{ ids: string; at: number }>;
  /** When Slack received each top-level message (same order as `top`). */
  topAt: number[];
}

function slackReceived(slack: SlackServer, app: boolean): Received {
  if (!app) {
    const hooks = slack.delivered();
    const timed = hooks.map((r) => ({ ids: ownIdsText(r.json), at: r.receivedAt }));
    return {
      top: hooks.map((r) => r.json),
      replies: [],
      updates: 0,
      timed,
      topAt: hooks.map((r) => r.receivedAt),
    };
  }
  const ok = slack.apiCalls().filter((c) => c.status === 200);
  const args = (c: WebApiCall): Record<string, unknown> => ({
    ...c.args,
    attachments: typeof c.args.attachments === "string" ? JSON.parse(c.args.attachments) : c.args.attachments,
  });
  const calls = ok.filter((c) => c.method === "chat.postMessage");
  const posted = calls.map(args);
  // A card update names the ids of the timeline lines it shows, so it counts as a message
  // carrying them (when the card is updated before the signal's thread reply is posted).
  const shown = ok.filter((c) => c.method === "chat.postMessage" || c.method === "chat.update");
  return {
    top: posted.filter((a) => a.thread_ts === undefined),
    topAt: calls.filter((c) => args(c).thread_ts === undefined).map((c) => c.receivedAt),
    replies: posted.filter((a) => a.thread_ts !== undefined),
    updates: ok.filter((c) => c.method === "chat.update").length,
    timed: shown.map((c) => ({ ids: ownIdsText(args(c)), at: c.receivedAt })).sort((x, y) => x.at - y.at),
  };
}

function remediationReport(trigger: RawEvent, n: number): RawEvent {
  const p = trigger.payload as Record<string, any>;
  const id = `00000015-4e4e-4000-8000-${n.toString(16).padStart(12, "0")}`;
  const groupId = p.detail?.requestParameters?.groupId ?? p.detail?.resourceId ?? "sg-unknown";
  return {
    id,
    path: "hub-bus",
    accountId: trigger.accountId,
    region: trigger.region,
    at: trigger.at + 5,
    class: "security",
    group: id,
    what: "remediation report",
    payload: {
      version: "0",
      id,
      "detail-type": REMEDIATION_DETAIL_TYPE,
      source: REMEDIATION_EVENT_SOURCE,
      account: HUB_ACCOUNT,
      time: new Date(Date.parse("2026-11-20T00:00:00Z") + (trigger.at + 5) * 1000)
        .toISOString()
        .replace(/\.\d{3}Z$/, "Z"),
      region: "us-east-1",
      resources: [],
      detail: {
        outcome: "revoked",
        accountId: trigger.accountId,
        region: trigger.region,
        groupId,
        permissions: [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["0.0.0.0/0"] }],
        trigger: {
          kind: p.source === "aws.config" ? "config-compliance" : "cloudtrail",
          eventId: trigger.id,
        },
        reason: "SSH (22) was open to 0.0.0.0/0",
      },
    },
  };
}

/**
 * event-ruler over many pairs, a chunk per run: a full day is hundreds of thousands of pairs, and
 * one run's input as a single string would pass V8's maximum string length.
 */
async function matchInChunks(
  ruler: RulerMatcher,
  pairs: RulerPair[],
  size = 20_000,
): Promise<Map<string, RulerAnswer>> {
  const all = new Map<string, RulerAnswer>();
  for (let i = 0; i < pairs.length; i += size)
    for (const [k, v] of await ruler.match(pairs.slice(i, i + size))) all.set(k, v);
  return all;
}

export async function runNoise(
  shape: DayShape,
  log: (s: string) => void = console.log,
  options: { incidents?: boolean; app?: boolean } = {},
): Promise<NoiseResult> {
  const started = Date.now();
  const day = generateDay(shape);
  log(`noise: ${day.length} raw events for ${shape.accounts} accounts`);
  const rules = await stackRules();
  const ruler = loadRulerMatcher({ root: REPO });
  if (!isRulerMatcher(ruler)) throw new Error(`event-ruler is needed: ${ruler.unavailable}`);

  // 1. Spoke forwarding rules, by event-ruler, for everything entering a spoke's default bus.
  const onBus = day.filter((e) => e.path === "bus");
  const pairs = onBus.flatMap((e, i) =>
    rules.spoke
      .filter((r) => r.region === e.region)
      .map((r) => ({
        id: `${i}|${r.id}`,
        pattern: r.pattern,
        event: { ...e.payload, account: e.accountId, region: e.region },
      })),
  );
  const spokeAnswers = await matchInChunks(ruler, pairs);
  const forwarded = onBus.filter((_, i) =>
    rules.spoke.some((r) => {
      const a = spokeAnswers.get(`${i}|${r.id}`);
      return a !== undefined && "matches" in a && a.matches;
    }),
  );
  log(`noise: spoke rules forward ${forwarded.length} of ${onBus.length} bus events`);

  // 2. Hub bus rules for what the spokes forward; the remediator reports what reaches remediate.
  const hubMatch = async (events: RawEvent[]) => {
    const answers = await matchInChunks(
      ruler,
      events.flatMap((e, i) =>
        rules.hub.map((r) => ({
          id: `${i}|${r.resourceName}`,
          pattern: r.pattern,
          event: { ...e.payload, account: e.accountId, region: e.region },
        })),
      ),
    );
    const hit = (i: number, name: string) => {
      const a = answers.get(`${i}|${name}`);
      return a !== undefined && "matches" in a && a.matches;
    };
    // The notifier's queue takes one copy per matching rule: the notify rule and the resolve rule
    // (Security Hub controls that pass again); the two are disjoint under the hub's defaults.
    return events.map((e, i) => ({
      e,
      notify: (["hub-notify", "hub-resolve"] as const).filter((name) => hit(i, name)).length,
      remediate: hit(i, "hub-remediate"),
    }));
  };
  const stage2 = await hubMatch(forwarded);
  // The remediate rule also passes ranges it cannot tell from the world (a private /8, say): the
  // remediator reports only what its own trigger parser says it acts on.
  const acts = (e: RawEvent) =>
    remediationTriggers(e.payload, [RESTRICTED_SSH_RULE_NAME]).some((i) => i.kind === "remediate");
  const reports = stage2.filter((x) => x.remediate && acts(x.e)).map((x, n) => remediationReport(x.e, n));
  const stage3 = await hubMatch(reports);
  const notify = [...stage2, ...stage3].flatMap((x) => Array<RawEvent>(x.notify).fill(x.e));

  // 3. SNS topics: the Config topic through the declared filter policy in moto.
  const moto = await startMoto();
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(moto.env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const slack = await startSlackServer();
  try {
    const configTopic = day.filter((e) => e.path === "config-topic");
    const delivered = await snsDelivered(configTopic, rules.configFilter);
    log(`noise: the Config topic filter passes ${delivered.size} of ${configTopic.length} messages`);
    let n = 0;
    const arrivals: Arrival[] = [
      ...notify.map((e) => ({
        raw: e,
        topic: TOPIC("events"),
        snsMessageId: `00000015-e0e0-4000-8000-${(n++).toString(16).padStart(12, "0")}`,
        at: e.at + 1,
      })),
      ...[...delivered].map(([e, mid]) => ({ raw: e, topic: TOPIC("config"), snsMessageId: mid, at: e.at })),
      ...day
        .filter((e) => e.path === "alarm-topic")
        .map((e) => ({ raw: e, topic: TOPIC("alarms"), snsMessageId: e.id, at: e.at })),
    ];
    const batches = batchArrivals(arrivals);
    const withoutFilter = batchArrivals([...arrivals, ...configTopic.filter((e) => !delivered.has(e))]);
    log(`noise: ${arrivals.length} queue messages in ${batches.length} batches`);

    // 4. The deployed notifier, one process (one container), every batch in order, with its
    // de-duplication table as the hub stack creates it.
    await createSeenTable(NOTIFIER_SEEN_TABLE_NAME);
    // --incidents: the incidents table as the hub stack creates it (incidents are on by default);
    // without it the notifier logs that its store did not answer and posts each signal on its own.
    if (options.incidents) await createIncidentTable(NOTIFIER_INCIDENTS_TABLE_NAME);
    await new SQSClient({}).send(new CreateQueueCommand({ QueueName: NOTIFIER_DIGEST_QUEUE_NAME }));
    const fnDir = options.app
      ? await appModePackage()
      : path.join((await buildDeployedPackages()).dir, FUNCTION);
    if (options.app) for (const t of APP_TABLES) await createSeenTable(t);
    let rec = 0;
    // The queue's batches in time order, with the schedule's digest runs between them (one more
    // after the day, for what the last window held).
    // Each arrival's SQS message id (the notifier logs it as recordId).
    const messageIds = new Map<Arrival, string>();
    const timeline: Array<{ at: number; event: unknown; batch?: Arrival[] }> = batches.map((b) => ({
      at: b[0].at,
      batch: b,
      event: {
        Records: b.map((a) => {
          const r = sqsRecord(a, rec++);
          messageIds.set(a, r.messageId);
          return r;
        }),
      },
    }));
    const every = rules.digestEverySeconds;
    const lastAt = Math.max(...arrivals.map((a) => a.at));
    let digestRuns = 0;
    if (every)
      for (let t = every; t <= lastAt + every; t += every) {
        timeline.push({ at: t, event: DIGEST_RUN_EVENT });
        digestRuns++;
      }
    timeline.sort((a, b) => a.at - b.at);
    const events = timeline.map((x) => x.event);
    // When each invocation starts in the day's time: a batch when the event source mapping closes
    // it (its 100th record, or 20 s after its first), a digest run at its schedule.
    const invokedAt = (b: Arrival[]) =>
      b.length >= BATCH_SIZE ? b[b.length - 1].at : b[0].at + BATCH_WINDOW_SECONDS;
    const simulatedAtMs = timeline.map((t) => (t.batch ? invokedAt(t.batch) : t.at) * 1000);
    const { results, durations, startedAt, stdout } = await invokeDeployed(
      fnDir,
      events,
      {
        ...moto.env,
        LOCAL_RUN: "1",
        SLACK_WEBHOOKS: JSON.stringify({ default: slack.url("/default"), payments: slack.url("/payments") }),
        ...(options.app ? { SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_API_BASE_URL: slack.apiUrl() } : {}),
      },
      // The invocations run back to back, but the container's monotonic clock (the Slack pacer's)
      // moves by the day's pauses between them: each starts with the pacer's budget as it would be.
      { timeoutMs: 3_600_000, simulatedAtMs },
    );
    const failedInvocations = results.filter(
      (r) =>
        !r.ok ||
        ((r.value as { batchItemFailures?: unknown[] })?.batchItemFailures ?? []).length ||
        ((r.value as { failed?: number })?.failed ?? 0) > 0,
    );
    const heldForDigest = results.reduce((n, r) => n + ((r.value as { held?: number })?.held ?? 0), 0);
    if (failedInvocations.length)
      throw new Error(
        `${failedInvocations.length} invocations failed: ${JSON.stringify(failedInvocations[0]).slice(0, 500)}`,
      );

    // 5. What Slack received: top-level posts (webhook posts, or chat.postMessage without a
    // thread), and in app mode the thread replies and card updates.
    const received = slackReceived(slack, !!options.app);
    const posts = received.top.map(ownIdsText);
    const anywhere = [...received.top, ...received.replies].map(ownIdsText);
    const postedOnce = received.top.map((m) => postedIdsText(m, !!options.app));
    const groups = new Map<string, RawEvent[]>();
    for (const e of [...day, ...reports]) groups.set(e.group, [...(groups.get(e.group) ?? []), e]);
    let securityGroups = 0;
    let represented = 0;
    let duplicates = 0;
    let noisePosted = 0;
    const missingByWhat: Record<string, number> = {};
    // Critical signals and alerts with buttons (world-open changes, the SSH rule's verdict, the
    // remediator's report): the time the hub adds before Slack. Main queue: waiting for the batch
    // to close (20 s after its first record, or at its 100th) plus the time in the invocation; the
    // critical lane has no window, so only the time in the invocation: from its start to the first
    // Slack message carrying the event's id (its own message, a thread reply, a card update, a
    // listing or digest line), as the Slack stand-in received it. The candidates below are picked by what they are;
    // one that no message of its invocation carries was not posted at once, and why is what the
    // notifier logged for its record (held for the digest as below critical, a repeat, ...): such
    // events are counted by that outcome, not timed.
    const CRITICAL = [
      "security-group change",
      "compliance change (guard's rule)",
      "remediation report",
      "SSH sequence: CloudTrail opens 22 to 0.0.0.0/0",
      "SSH sequence: Config NON_COMPLIANT (restricted-ssh)",
      "GuardDuty attack sequence",
    ];
    const outcomeOf = recordOutcomes(stdout);
    const mainQueue: number[] = [];
    const lane: number[] = [];
    const notPosted: Record<string, number> = {};
    const slowest: Array<{ s: number; what: string; messagesBefore: number; batch: number }> = [];
    for (const [i, t] of timeline.entries()) {
      if (!t.batch) continue;
      const b = t.batch;
      const start = startedAt[i];
      const end = start + durations[i];
      const inRun = received.timed.filter((m) => m.at >= start && m.at <= end);
      for (const a of b)
        if (CRITICAL.includes(a.raw.what)) {
          const first = inRun.find((m) => m.ids.includes(a.raw.id) || m.ids.includes(a.snsMessageId));
          if (!first) {
            const why = `${a.raw.what}: ${outcomeOf.get(messageIds.get(a)!) ?? "no message and no outcome logged"}`;
            notPosted[why] = (notPosted[why] ?? 0) + 1;
            continue;
          }
          const inHub = (first.at - start) / 1000;
          mainQueue.push(invokedAt(b) - a.at + inHub);
          lane.push(inHub);
          const before = inRun.filter((m) => m.at < first.at).length;
          slowest.push({ s: inHub, what: a.raw.what, messagesBefore: before, batch: b.length });
        }
    }
    // The tail, to tell a batch's queue of posts from a slow invocation: the slowest five, with the
    // Slack messages their invocation sent before theirs.
    slowest.sort((x, y) => y.s - x.s);
    for (const x of slowest.slice(0, 5))
      log(
        `noise: slow critical event: ${x.s.toFixed(2)} s, ${x.what}, ${x.messagesBefore} message(s) before it in its invocation, batch of ${x.batch}`,
      );
    const pct = (xs: number[], p: number) => {
      const sorted = [...xs].sort((x, y) => x - y);
      return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
    };
    // Every security event is found by its id in a message: its own, a digest line, an
    // incident's follow-up or listing (event-ids line), or (app mode) a reply in a card's thread.
    for (const members of groups.values()) {
      const ids = members
        .map((m) => m.id)
        .concat(arrivals.filter((a) => members.includes(a.raw)).map((a) => a.snsMessageId));
      const has = (p: string) => ids.some((id) => p.includes(id));
      const postsWith = postedOnce.filter(has).length;
      if (members[0].class === "security") {
        securityGroups++;
        if (anywhere.some(has)) represented++;
        else missingByWhat[members[0].what] = (missingByWhat[members[0].what] ?? 0) + 1;
        if (postsWith > 1) duplicates++;
      } else if (anywhere.some(has)) noisePosted++;
    }
    // Incidents are named in top-level posts: a webhook opening or follow-up ("Incident `ID`"), an
    // app-mode card, a digest line ("incident `ID` opened").
    const named = received.top.map(
      (m) => new Set([...JSON.stringify(m).matchAll(/[Ii]ncident `?([0-9A-Z]{7})`?/g)].map((x) => x[1])),
    );
    const incidentIds = new Set(named.flatMap((n) => [...n]));
    // What the top-level posts are: digests (one per channel per window that holds anything), and
    // the messages posted at once, by what their first event is (critical, or an alert with buttons).
    const whatOf = new Map<string, string>();
    for (const e of [...day, ...reports]) whatOf.set(e.id, e.what);
    for (const a of arrivals) whatOf.set(a.snsMessageId, a.raw.what);
    const postsByKind: Record<string, number> = {};
    // A digest run whose window holds one event posts that event's own message, not a digest.
    const inDigestRun = (at: number) =>
      timeline.some((t, i) => !t.batch && at >= startedAt[i] && at <= startedAt[i] + durations[i]);
    for (const [i, m] of received.top.entries()) {
      const isDigest = JSON.stringify(m).includes(`"block_id":"${DIGEST_BLOCK_PREFIX}`);
      const first = isDigest ? undefined : [...whatOf.keys()].find((id) => posts[i].includes(id));
      const what = first ? whatOf.get(first) : "no event id";
      const kind = isDigest
        ? "digest"
        : inDigestRun(received.topAt[i])
          ? `a digest run's one-event window: ${what}`
          : `at once: ${what}`;
      postsByKind[kind] = (postsByKind[kind] ?? 0) + 1;
    }
    const raw = day.length + reports.length;
    const byWhat: Record<string, number> = {};
    for (const e of [...day, ...reports]) byWhat[e.what] = (byWhat[e.what] ?? 0) + 1;
    return {
      shape,
      rawEvents: raw,
      byWhat,
      forwardedBySpokes: forwarded.length,
      reachedQueue: arrivals.length,
      droppedBySnsFilter: configTopic.length - delivered.size,
      invocations: batches.length + digestRuns,
      invocationsWithoutFilter: withoutFilter.length + digestRuns,
      digestEverySeconds: every,
      digestRuns,
      heldForDigest,
      posts: posts.length,
      postsByKind,
      postsPerRawEvent: posts.length / raw,
      mode: options.app ? "app" : "webhook",
      updates: received.updates,
      replies: received.replies.length,
      securityGroups,
      securityRepresented: represented,
      missingByWhat,
      duplicatesPosted: duplicates,
      noisePosted,
      ...(options.incidents
        ? {
            incidentsPosted: incidentIds.size,
            incidentPosts: named.filter((n) => n.size > 0).length,
            incidentMentions: named.reduce((sum, n) => sum + n.size, 0),
          }
        : {}),
      criticalMainQueue: { p50: pct(mainQueue, 50), p99: pct(mainQueue, 99), n: mainQueue.length },
      criticalLane: { p50: pct(lane, 50), p99: pct(lane, 99), n: lane.length },
      criticalNotPosted: notPosted,
      engine: ruler.engine,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await slack.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    stopMoto();
  }
}

export function formatNoise(r: NoiseResult, commit: string): string {
  const pass = (ok: boolean) => (ok ? "PASS" : "FAIL");
  const lines = [
    `Measured in one run at ${commit} on this machine (${r.seconds.toFixed(0)} s): a synthetic day of ${r.shape.accounts} accounts in ${r.shape.regions.length} regions, routed by ${r.engine} through the rules of Pulumi.hub.yaml and Pulumi.spoke-payments.yaml, the Config topic through moto's SNS with the declared filter policy, and the deployed notifier against the Slack stand-in.`,
    "",
    "| raw events | count |",
    "| --- | ---: |",
    ...Object.entries(r.byWhat).map(([what, n]) => `| ${what} | ${n} |`),
    `| **total** | **${r.rawEvents}** |`,
    "",
    "| figure | value | target | |",
    "| --- | ---: | --- | --- |",
    `| top-level Slack posts per raw event (${r.mode} mode) | ${r.posts} / ${r.rawEvents} = 1/${Math.round(r.rawEvents / Math.max(1, r.posts))} | <= 1/300 | ${pass(r.postsPerRawEvent <= 1 / 300)} |`,
    ...Object.entries(r.postsByKind)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, n]) => `| top-level posts: ${kind} | ${n} | | info |`),
    ...(r.incidentsPosted !== undefined
      ? [
          `| top-level posts per incident (top-level posts naming an incident / incidents named) | ${r.incidentPosts} / ${r.incidentsPosted} = ${(r.incidentPosts! / Math.max(1, r.incidentsPosted)).toFixed(2)} | <= 1.2 | ${pass(r.incidentPosts! / Math.max(1, r.incidentsPosted) <= 1.2)} |`,
          `| top-level posts naming each incident, on average (a digest counts for every incident it names) | ${r.incidentMentions} / ${r.incidentsPosted} = ${(r.incidentMentions! / Math.max(1, r.incidentsPosted)).toFixed(2)} | | info |`,
        ]
      : []),
    `| security-relevant events (signals) represented in Slack, found by event id | ${r.securityRepresented} / ${r.securityGroups} (${((100 * r.securityRepresented) / Math.max(1, r.securityGroups)).toFixed(1)}%) | 100% | ${pass(r.securityRepresented === r.securityGroups)} |`,
    ...Object.entries(r.missingByWhat).map(([what, n]) => `| not found: ${what} | ${n} | | |`),
    `| duplicates posted (one event by two paths posted twice) | ${r.duplicatesPosted} | 0 | ${pass(r.duplicatesPosted === 0)} |`,
    `| noise events posted (CI changes, read-only calls, other rules) | ${r.noisePosted} | 0 | ${pass(r.noisePosted === 0)} |`,
    ...(r.mode === "app"
      ? [`| app mode: card updates (chat.update) / thread replies | ${r.updates} / ${r.replies} | | info |`]
      : []),
    `| Lambda invocations (batches of <= ${BATCH_SIZE}, ${BATCH_WINDOW_SECONDS} s window${r.digestRuns ? `, and ${r.digestRuns} digest runs` : ""}) | ${r.invocations} (without the SNS filter: ${r.invocationsWithoutFilter}, ratio ${(r.invocations / Math.max(1, r.invocationsWithoutFilter)).toFixed(3)}) | | info |`,
    r.digestEverySeconds
      ? `| events held for the digest (posted every ${r.digestEverySeconds / 60} min, one digest per channel) | ${r.heldForDigest} | | info |`
      : "| events held for the digest | grouping is off in Pulumi.hub.yaml | | info |",
    `| critical time to Slack added by the hub, main queue (${BATCH_WINDOW_SECONDS} s window) p50 / p99 (${r.criticalMainQueue.n} critical events) | ${r.criticalMainQueue.p50.toFixed(2)} s / ${r.criticalMainQueue.p99.toFixed(2)} s | | info |`,
    `| critical time to Slack added by the hub, critical lane (no window: invocation start to the first Slack message carrying the event's id, ${r.criticalLane.n} events posted at once${r.mode === "app" ? "; the pacer's clock moved by the day's pauses between invocations" : ""}) p50 / p99 | ${r.criticalLane.p50.toFixed(2)} s / ${r.criticalLane.p99.toFixed(2)} s | <= 3 s | ${pass(r.criticalLane.p99 <= 3)} |`,
    ...Object.entries(r.criticalNotPosted)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([why, n]) => `| critical-lane candidate not posted at once, not timed: ${why} | ${n} | | info |`),
    `| queue messages / raw events | ${r.reachedQueue} / ${r.rawEvents} (spokes forwarded ${r.forwardedBySpokes}; the Config topic filter dropped ${r.droppedBySnsFilter}) | | info |`,
  ];
  return lines.join("\n");
}

const START_MARK = "<!-- noise:start -->";
const END_MARK = "<!-- noise:end -->";

export function writeResults(text: string): void {
  const file = path.join(REPO, "bench", "RESULTS.md");
  const doc = fs.readFileSync(file, "utf8");
  const block = `${START_MARK}\n${text}\n${END_MARK}`;
  const next =
    doc.includes(START_MARK) && doc.includes(END_MARK)
      ? doc.slice(0, doc.indexOf(START_MARK)) + block + doc.slice(doc.indexOf(END_MARK) + END_MARK.length)
      : `${doc.trimEnd()}\n\n### Noise: a day of an organization\n\n${block}\n`;
  fs.writeFileSync(file, next);
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const smoke = argv.includes("--smoke");
  runNoise(smoke ? SMOKE_DAY : FULL_DAY, console.log, {
    incidents: argv.includes("--incidents"),
    app: argv.includes("--app"),
  }).then(
    (r) => {
      const commit = require("child_process")
        .execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO })
        .toString()
        .trim();
      const text = formatNoise(r, commit);
      console.log(text);
      if (!smoke && !argv.includes("--no-write")) writeResults(text);
      process.exit(0);
    },
    (err) => {
      console.error(err instanceof Error ? err.stack : err);
      process.exit(1);
    },
  );
}
