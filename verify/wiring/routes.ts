// Wiring, routes: every EventBridge rule the stacks declare, matched against real-shaped events by
// an implementation nobody here wrote (the moto emulator's EventBridge). moto 5.2.5 answers
// TestEventPattern with an empty body (not implemented), so the rules are deployed into moto as
// declared (same account, region, bus, pattern, and the spokes' event-bus targets pointing at the
// hub bus), each with an extra SQS "probe" target, and the events are sent with PutEvents where
// AWS would deliver them: which probes receive an event is the route.
// A second implementation, AWS's event-ruler (ruler.ts), routes the same events through the same
// topology: it decides the cells moto is known to evaluate wrongly (corpus.ts MOTO_LIMITATIONS)
// and cross-checks every other cell; moto stays the primary engine.
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { MockedResource } from "../mockRuntime";
import { RulerMatcher, RulerUnavailable, isRulerMatcher } from "./ruler";

export interface RouteRule {
  /** Unique across stacks: `<stack>:<resource name>`. */
  id: string;
  stack: string;
  /** The rule's Pulumi resource name (e.g. "spoke-ap-northeast-2-sg-changes", "hub-notify"). */
  resourceName: string;
  accountId: string;
  region: string;
  /** "default" or the custom bus name. */
  bus: string;
  /** Physical rule name. */
  name: string;
  pattern: Record<string, unknown>;
  targets: Array<{ arn: string; roleArn?: string }>;
}

export interface RouteBus {
  stack: string;
  accountId: string;
  region: string;
  name: string;
  arn: string;
}

export interface RouteTopology {
  rules: RouteRule[];
  buses: RouteBus[];
}

/** Where an event is delivered first: a spoke's default bus in the event's region, or a hub bus. */
export interface EventEntry {
  accountId: string;
  region: string;
  bus: string;
}

export interface RouteEvent {
  name: string;
  event: Record<string, unknown>;
  entry: EventEntry;
}

export interface RouteRow {
  event: string;
  entry: EventEntry;
  /** Rule id -> number of deliveries to that rule's targets. */
  reached: Record<string, number>;
}

export interface RouteMatrix {
  rules: RouteRule[];
  rows: RouteRow[];
  /** Declared targets the emulator cannot deliver to (replaced by the probe). */
  notDeployed: string[];
  /** The second engine's routes (event-ruler), when it ran. */
  second?: SecondRoutes;
  /** Why no second engine ran (e.g. no Java): the cells moto cannot evaluate stay unproven. */
  secondUnavailable?: string;
}

export interface SecondRoutes {
  /** e.g. "event-ruler 2.1.0" */
  engine: string;
  /** Event name -> rule id -> deliveries, by the second engine's matching. */
  rows: Record<string, Record<string, number>>;
  /** Patterns the second engine could not evaluate, per rule. */
  errors: string[];
}

const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const BUS = "aws:cloudwatch/eventBus:EventBus";

/** The rules (with their targets) and buses one evaluated stack declares. */
export function collectRules(stack: string, resources: MockedResource[]): RouteTopology {
  const where = (r: MockedResource) => `${r.accountId}/${r.region}`;
  const buses: RouteBus[] = resources
    .filter((r) => r.type === BUS)
    .map((r) => ({
      stack,
      accountId: r.accountId ?? "",
      region: r.region ?? "",
      name: String(r.state.name),
      arn: String(r.state.arn),
    }));
  const targets = resources.filter((r) => r.type === TARGET);
  const rules = resources
    // A schedule rule (the notifier's digest runs) routes no event: it only invokes its target.
    .filter((r) => r.type === RULE && typeof r.props.scheduleExpression !== "string")
    .map((r): RouteRule => {
      if (typeof r.props.eventPattern !== "string") {
        throw new Error(`${stack} ${r.name}: no eventPattern (schedule rules are not routes)`);
      }
      const bus = String(r.props.eventBusName ?? "default");
      const name = String(r.state.name);
      return {
        id: `${stack}:${r.name}`,
        stack,
        resourceName: r.name,
        accountId: r.accountId ?? "",
        region: r.region ?? "",
        bus,
        name,
        pattern: JSON.parse(r.props.eventPattern) as Record<string, unknown>,
        targets: targets
          .filter(
            (t) =>
              t.props.rule === name &&
              String(t.props.eventBusName ?? "default") === bus &&
              where(t) === where(r),
          )
          .map((t) => ({
            arn: String(t.props.arn),
            ...(t.props.roleArn ? { roleArn: String(t.props.roleArn) } : {}),
          })),
      };
    });
  return { rules, buses };
}

export function mergeTopologies(...parts: RouteTopology[]): RouteTopology {
  return { rules: parts.flatMap((p) => p.rules), buses: parts.flatMap((p) => p.buses) };
}

/** An EventBridge that routes events through deployed rules and reports which rules they reached. */
export interface RouteEmulator {
  deploy(topology: RouteTopology): Promise<{ notDeployed: string[] }>;
  send(event: RouteEvent): Promise<Record<string, number>>;
}

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/**
 * EventBridge and SQS of the moto emulator (clients honour AWS_ENDPOINT_URL). Each stack account
 * is reached through STS AssumeRole, which moto answers with credentials of that account.
 */
export function motoEmulator(options: { stsRegion?: string } = {}): RouteEmulator {
  const sts = new STSClient({ region: options.stsRegion ?? "us-east-1" });
  const creds = new Map<string, Promise<Credentials>>();
  const credentialsFor = (account: string): Promise<Credentials> => {
    if (!creds.has(account)) {
      creds.set(
        account,
        sts
          .send(
            new AssumeRoleCommand({
              RoleArn: `arn:aws:iam::${account}:role/wiring-probe`,
              RoleSessionName: "wiring",
            }),
          )
          .then(({ Credentials: c }) => {
            if (!c?.AccessKeyId || !c.SecretAccessKey)
              throw new Error(`STS gave no credentials for account ${account}`);
            return {
              accessKeyId: c.AccessKeyId,
              secretAccessKey: c.SecretAccessKey,
              sessionToken: c.SessionToken,
            };
          }),
      );
    }
    return creds.get(account)!;
  };
  const clients = new Map<string, { events: EventBridgeClient; sqs: SQSClient }>();
  const clientsFor = async (account: string, region: string) => {
    const key = `${account}/${region}`;
    if (!clients.has(key)) {
      const credentials = await credentialsFor(account);
      clients.set(key, {
        events: new EventBridgeClient({ region, credentials }),
        sqs: new SQSClient({ region, credentials }),
      });
    }
    return clients.get(key)!;
  };
  const probes: Array<{ rule: RouteRule; queueUrl: string; sqs: SQSClient }> = [];
  // Probe queues of one emulator never collide with queues (or stale rules) already in the emulator.
  const run = Math.random().toString(36).slice(2, 8);

  return {
    async deploy(topology) {
      const notDeployed: string[] = [];
      for (const b of topology.buses) {
        const { events } = await clientsFor(b.accountId, b.region);
        await events.send(new CreateEventBusCommand({ Name: b.name }));
      }
      for (const [i, rule] of topology.rules.entries()) {
        const { events, sqs } = await clientsFor(rule.accountId, rule.region);
        const busName = rule.bus === "default" ? undefined : rule.bus;
        await events.send(
          new PutRuleCommand({
            Name: rule.name,
            EventBusName: busName,
            EventPattern: JSON.stringify(rule.pattern),
          }),
        );
        const { QueueUrl } = await sqs.send(
          new CreateQueueCommand({ QueueName: `wiring-probe-${run}-${i}` }),
        );
        const attrs = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
        );
        // moto delivers to SQS, CloudWatch Logs and event buses (also across accounts and regions);
        // an SNS or Lambda target would make its PutEvents fail, so those are left to the probe.
        const forwarding = rule.targets.filter((t) =>
          /^arn:[^:]+:events:[^:]*:\d{12}:event-bus\//.test(t.arn),
        );
        for (const t of rule.targets.filter((x) => !forwarding.includes(x)))
          notDeployed.push(`${rule.id} -> ${t.arn}`);
        await events.send(
          new PutTargetsCommand({
            Rule: rule.name,
            EventBusName: busName,
            Targets: [
              { Id: "wiring-probe", Arn: attrs.Attributes!.QueueArn! },
              ...forwarding.map((t, n) => ({ Id: `declared-${n}`, Arn: t.arn, RoleArn: t.roleArn })),
            ],
          }),
        );
        probes.push({ rule, queueUrl: QueueUrl!, sqs });
      }
      return { notDeployed };
    },

    async send({ name, event, entry }) {
      const { events } = await clientsFor(entry.accountId, entry.region);
      const source = event.source;
      const detailType = event["detail-type"];
      if (
        typeof source !== "string" ||
        typeof detailType !== "string" ||
        !event.detail ||
        typeof event.detail !== "object"
      ) {
        throw new Error(`event ${name}: needs string "source" and "detail-type" and an object "detail"`);
      }
      const out = await events.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: source,
              DetailType: detailType,
              Detail: JSON.stringify(event.detail),
              Resources: Array.isArray(event.resources) ? (event.resources as string[]) : [],
              EventBusName: entry.bus === "default" ? undefined : entry.bus,
            },
          ],
        }),
      );
      const failed = (out.Entries ?? []).find((e) => e.ErrorCode);
      if (out.FailedEntryCount || failed) {
        throw new Error(
          `event ${name}: PutEvents rejected it: ${failed?.ErrorCode} ${failed?.ErrorMessage ?? ""}`,
        );
      }
      // moto delivers synchronously within PutEvents (forwarding included): the probes hold it now.
      const reached: Record<string, number> = {};
      await Promise.all(
        probes.map(async ({ rule, queueUrl, sqs }) => {
          const got = await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: queueUrl,
              MaxNumberOfMessages: 10,
              VisibilityTimeout: 600,
            }),
          );
          const bodies = (got.Messages ?? []).map(
            (m) => JSON.parse(m.Body ?? "{}") as Record<string, unknown>,
          );
          const stray = bodies.find((b) => b.source !== source || b["detail-type"] !== detailType);
          if (stray)
            throw new Error(
              `probe of ${rule.id} holds another event (${String(stray.source)}) while routing ${name}`,
            );
          if (bodies.length > 0) reached[rule.id] = bodies.length;
        }),
      );
      return reached;
    },
  };
}

/** Deploys the rules into the emulator and routes every event, one at a time; then the second engine, if given. */
export async function routeMatrix(
  topology: RouteTopology,
  events: RouteEvent[],
  emulator: RouteEmulator,
  options: { ruler?: RulerMatcher | RulerUnavailable } = {},
): Promise<RouteMatrix> {
  const { notDeployed } = await emulator.deploy(topology);
  const rows: RouteRow[] = [];
  for (const e of events) rows.push({ event: e.name, entry: e.entry, reached: await emulator.send(e) });
  const matrix: RouteMatrix = { rules: topology.rules, rows, notDeployed };
  if (isRulerMatcher(options.ruler)) matrix.second = await rulerRoutes(topology, events, options.ruler);
  else if (options.ruler) matrix.secondUnavailable = options.ruler.unavailable;
  return matrix;
}

const busKey = (accountId: string, region: string, bus: string) => `${accountId}/${region}/${bus}`;
const BUS_ARN = /^arn:[^:]+:events:([^:]*):(\d{12}):event-bus\/(.+)$/;
/** Forwarding hops followed per event (EventBridge forwards across at most a few buses). */
const MAX_HOPS = 4;

/**
 * The routes as the second engine finds them: each event (with the account and region EventBridge
 * stamps at its entry) matched against every rule's pattern by event-ruler, in one run of the Java
 * program; then followed from its entry bus through the rules of each bus it reaches and their
 * event-bus targets, as EventBridge delivers (forwarding keeps the event's content).
 */
export async function rulerRoutes(
  topology: RouteTopology,
  events: RouteEvent[],
  ruler: RulerMatcher,
): Promise<SecondRoutes> {
  const stamped = events.map((e) => ({ ...e.event, account: e.entry.accountId, region: e.entry.region }));
  const answers = await ruler.match(
    stamped.flatMap((event, i) =>
      topology.rules.map((rule, j) => ({ id: `${i}:${j}`, pattern: rule.pattern, event })),
    ),
  );
  const errors = new Set<string>();
  const rows: Record<string, Record<string, number>> = {};
  for (const [i, e] of events.entries()) {
    const reached: Record<string, number> = {};
    const queue = [{ bus: busKey(e.entry.accountId, e.entry.region, e.entry.bus), hops: 0 }];
    while (queue.length > 0) {
      const { bus, hops } = queue.shift()!;
      for (const [j, rule] of topology.rules.entries()) {
        if (busKey(rule.accountId, rule.region, rule.bus) !== bus) continue;
        const answer = answers.get(`${i}:${j}`)!;
        if ("error" in answer) {
          errors.add(`${rule.id}: ${answer.error}`);
          continue;
        }
        if (!answer.matches) continue;
        reached[rule.id] = (reached[rule.id] ?? 0) + 1;
        for (const t of rule.targets) {
          const m = BUS_ARN.exec(t.arn);
          if (m && hops < MAX_HOPS) queue.push({ bus: busKey(m[2], m[1], m[3]), hops: hops + 1 });
        }
      }
    }
    rows[e.name] = reached;
  }
  return { engine: ruler.engine, rows, errors: [...errors] };
}

export interface RouteExpectation {
  /** Event name -> the resource names of the rules it must reach (and no other). */
  intended: Record<string, string[]>;
  /** Cells where the emulator is known to answer wrongly, with the reason. */
  limitations: Array<{ event: string; rule: string; reason: string }>;
}

export interface RouteComparison {
  /** Cells where the emulator disagrees with the intent (and no known limitation explains it). */
  mismatches: string[];
  /** Cells the emulator could not prove (a known limitation), and what it answered. */
  unproven: string[];
  /** Limitations that no longer apply: the emulator now answers as intended. */
  staleLimitations: string[];
  /** Events delivered more than once to one rule. */
  duplicates: string[];
  /** Cells moto cannot evaluate (known limitation) that the second engine decided as intended. */
  decidedBySecond: string[];
  /** Cells where moto and the second engine disagree (moto's answer counted), and patterns it rejected. */
  disagreements: string[];
  /** Cells that moto decided and the second engine checked. */
  crossChecked: number;
  /** The second engine, or why none ran. */
  second?: string;
  secondUnavailable?: string;
}

export function compareRoutes(matrix: RouteMatrix, expectation: RouteExpectation): RouteComparison {
  const second = matrix.second;
  const out: RouteComparison = {
    mismatches: [],
    unproven: [],
    staleLimitations: [],
    duplicates: [],
    decidedBySecond: [],
    disagreements: second ? second.errors.map((e) => `${second.engine} rejects the pattern of ${e}`) : [],
    crossChecked: 0,
    ...(second ? { second: second.engine } : {}),
    ...(matrix.secondUnavailable ? { secondUnavailable: matrix.secondUnavailable } : {}),
  };
  const word = (reached: boolean) => (reached ? "reached" : "not reached");
  for (const row of matrix.rows) {
    const intended = expectation.intended[row.event];
    if (!intended) {
      out.mismatches.push(`${row.event}: no intended route given`);
      continue;
    }
    for (const want of intended) {
      if (!matrix.rules.some((r) => r.resourceName === want))
        out.mismatches.push(`${row.event}: intended rule ${want} is not declared`);
    }
    for (const rule of matrix.rules) {
      const should = intended.includes(rule.resourceName);
      const count = row.reached[rule.id] ?? 0;
      if (count > 1) out.duplicates.push(`${row.event} reached ${rule.id} ${count} times`);
      const limitation = expectation.limitations.find(
        (l) => l.event === row.event && l.rule === rule.resourceName,
      );
      const secondCount = second ? (second.rows[row.event]?.[rule.id] ?? 0) : undefined;
      if (limitation && should !== count > 0 && secondCount !== undefined) {
        // moto is known to answer this cell wrongly: the second engine decides it.
        if (secondCount > 1)
          out.duplicates.push(`${row.event} reached ${rule.id} ${secondCount} times (${second!.engine})`);
        const cell = `${row.event} x ${rule.id}: intended ${word(should)}, ${second!.engine} ${word(secondCount > 0)} (moto ${word(count > 0)}: ${limitation.reason})`;
        if (should === secondCount > 0) out.decidedBySecond.push(cell);
        else out.mismatches.push(cell);
        continue;
      }
      if (secondCount !== undefined) {
        out.crossChecked++;
        if (secondCount > 0 !== count > 0)
          out.disagreements.push(
            `${row.event} x ${rule.id}: moto ${word(count > 0)}, ${second!.engine} ${word(secondCount > 0)}`,
          );
      }
      if (should === count > 0) {
        if (limitation)
          out.staleLimitations.push(`${row.event} x ${rule.resourceName}: ${limitation.reason}`);
        continue;
      }
      const cell = `${row.event} x ${rule.id}: intended ${word(should)}, emulator ${word(count > 0)}`;
      if (limitation) out.unproven.push(`${cell} (${limitation.reason})`);
      else out.mismatches.push(cell);
    }
  }
  return out;
}

/**
 * Event x rule grid: "#" reached, "." not (moto); "+" reached, "-" not, as decided by the second
 * engine where moto is known to answer wrongly; "!" differs from the intent; "?" unproven (known
 * emulator limitation, no second engine); "%" moto and the second engine disagree (moto counted).
 */
export function formatRouteMatrix(matrix: RouteMatrix, expectation?: RouteExpectation): string {
  const second = matrix.second;
  const lines = matrix.rules.map(
    (r, i) => `  [${String(i + 1).padStart(2)}] ${r.id}  (${r.accountId} ${r.region} bus ${r.bus})`,
  );
  const width = Math.max(...matrix.rows.map((r) => r.event.length));
  lines.push(`  ${"".padEnd(width)}  ${matrix.rules.map((_, i) => String(i + 1).padStart(2)).join(" ")}`);
  for (const row of matrix.rows) {
    const cells = matrix.rules.map((rule) => {
      const got = (row.reached[rule.id] ?? 0) > 0;
      const secondGot = second ? (second.rows[row.event]?.[rule.id] ?? 0) > 0 : undefined;
      const intended = expectation?.intended[row.event];
      const should = intended?.includes(rule.resourceName);
      const limited =
        intended !== undefined &&
        should !== got &&
        expectation!.limitations.some((l) => l.event === row.event && l.rule === rule.resourceName);
      let mark: string;
      if (limited && secondGot !== undefined) mark = should !== secondGot ? "!" : secondGot ? "+" : "-";
      else if (limited) mark = "?";
      else if (intended !== undefined && should !== got) mark = "!";
      else if (secondGot !== undefined && secondGot !== got) mark = "%";
      else mark = got ? "#" : ".";
      return mark.padStart(2);
    });
    lines.push(`  ${row.event.padEnd(width)}  ${cells.join(" ")}`);
  }
  lines.push(
    `  # reached  . not reached (moto)${second ? `  + reached  - not reached (${second.engine}, where moto cannot evaluate)` : ""}`,
  );
  if (expectation || second)
    lines.push(
      `  ${[
        ...(expectation ? ["! differs from the intended route"] : []),
        ...(expectation && !second ? ["? intended, not provable in the emulator"] : []),
        ...(second ? [`% moto and ${second.engine} disagree (moto counted)`] : []),
      ].join("  ")}`,
    );
  if (second)
    lines.push(`  every other cell cross-checked with ${second.engine} (AWS's event-pattern matcher)`);
  if (matrix.secondUnavailable)
    lines.push(
      `  event-ruler not used (${matrix.secondUnavailable}): cells moto cannot evaluate stay unproven`,
    );
  for (const n of matrix.notDeployed) lines.push(`  target not deployed in the emulator (probe only): ${n}`);
  return lines.join("\n");
}
