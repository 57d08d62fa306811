// "Why did (not) this reach Slack?": one event file through the rules the repo's stacks declare,
// by the engines the wiring checks use (the moto emulator's EventBridge, and AWS's event-ruler
// where it is provisioned), then through the hub's Config-topic filter policy when it arrives by
// SNS, and then through the notifier's own decision (severity, route, mute rule, skipped why).
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { REMEDIATION_EVENT_SOURCE } from "../../handlers/shared/constants";
import { unwrap } from "../../handlers/findings/envelopes";
import { renderRecord } from "../../handlers/notifier/render";
import { Decision, SignalSettings, decide } from "../../handlers/notifier/signal";
import { incidentKey } from "../../handlers/notifier/incidents/key";
import { DEFAULT_OWNER_TAG_KEYS, NotifierSettings } from "../../handlers/notifier/settings";
import { placeFromEvent } from "../../handlers/notifier/place/resolve";
import { resourceTagSource, tagCallText } from "../../handlers/notifier/place/spokeTags";
import { RoutePlace, routesUse } from "../../handlers/notifier/routing";
import { isObject } from "../../handlers/findings/parse";
import { RenderedMessage } from "../../handlers/notifier/pipeline";
import {
  GROUPING_DEFAULTS,
  GroupingSettings,
  postNowBecause,
  windowText,
} from "../../handlers/notifier/grouping";
import { HUB_BUS_NAME } from "../../stacks/names";
import { topicProbe } from "../topicProbe";
import { RouteEmulator, RouteEvent, RouteTopology, routeMatrix } from "./routes";
import { RulerMatcher, RulerUnavailable } from "./ruler";

export interface StackRules {
  stack: string;
  role: "hub" | "spoke";
  accountId: string;
  regions: string[];
  topology: RouteTopology;
}

export interface RuleMatch {
  /** "spoke": forwards to the hub bus; "hub": a rule on the hub bus. */
  stage: "spoke" | "hub";
  stack: string;
  region: string;
  /** Physical rule name. */
  rule: string;
  /** The rule's resource name in the stack ("hub-notify", "spoke-us-east-1-sg-changes"). */
  resource: string;
  /** Targets (ARNs) the rule delivers to. */
  targets: string[];
  /** What each engine answered; the match itself is event-ruler's answer where it ran, else moto's. */
  moto: boolean;
  eventRuler?: boolean;
}

export interface SnsPath {
  topic: string;
  /** The subscription's filter policy, when it has one. */
  filterPolicy?: Record<string, unknown>;
  /** Whether moto's SNS delivered the message to the notifier queue through that subscription. */
  delivered: boolean;
}

export interface NotifierView {
  recordId: string;
  kind: string;
  severity: string;
  severityWhy: string;
  route: string;
  webhook: string;
  email: boolean;
  mutedBy?: string;
  skipped?: string;
  dedupeKey?: string;
  /** Grouping on: "at once (it is critical)", or "in the digest posted every 15 minutes". */
  when?: string;
  /** The incident the event joins (the resource or AWS's own correlation), when it is about one. */
  incidentKey?: string;
  /**
   * Set for a passing verdict (a control that passes again, a finding resolved): it is never
   * posted on its own, it resolves the open incident under `incidentKey` or, when none is open, is
   * skipped. Which of the two depends on the incident store, which this tool does not read.
   */
  passing?: true;
  /** A route names owners: the owner the choice used, and where it came from (or why none). */
  owner?: string;
  /** A route names organizationalUnits: the account's OUs the choice used (or why none). */
  organizationalUnits?: string;
  /** The OU the chosen route matched. */
  matchedOu?: string;
}

export interface Explanation {
  /** How the event enters: a spoke's default bus, the hub bus, or an SNS topic. */
  entry: string;
  matches: RuleMatch[];
  sns?: SnsPath;
  /** Whether the notifier receives it (the hub notify or resolve rule matched, or SNS delivered it). */
  reachesNotifier: boolean;
  notifier: NotifierView[];
  notes: string[];
}

function stringField(o: Record<string, unknown>, key: string): string | undefined {
  return typeof o[key] === "string" ? (o[key] as string) : undefined;
}

/** Which spoke an event enters: `--stack`, else the spoke whose account sent it. */
function entrySpoke(event: Record<string, unknown>, spokes: StackRules[], stackName?: string): StackRules {
  if (stackName) {
    const s = spokes.find((x) => x.stack === stackName);
    if (!s)
      throw new Error(`no spoke stack named ${stackName} (spokes: ${spokes.map((x) => x.stack).join(", ")})`);
    return s;
  }
  const account = stringField(event, "account");
  const s = spokes.find((x) => x.accountId === account);
  if (!s)
    throw new Error(
      `no spoke stack has account ${account ?? "(the event names none)"}: pass --stack NAME (spokes: ${spokes.map((x) => x.stack).join(", ")})`,
    );
  return s;
}

export interface ExplainOptions {
  stacks: StackRules[];
  /** The hub's notifier settings and the signal settings it derives. */
  notifier: NotifierSettings & SignalSettings;
  /** The hub's Config-topic subscription filter policy. */
  configTopicFilter?: Record<string, unknown>;
  stackName?: string;
  emulator: RouteEmulator;
  ruler?: RulerMatcher | RulerUnavailable;
  now: number;
  /** What the notifier's lookups would find (--owner, --ou): nothing is looked up here. */
  place?: RoutePlace;
}

/** When a record that posts goes out, with grouping on. */
function postingTime(r: RenderedMessage, grouping: GroupingSettings, appMode: boolean): string {
  const now = postNowBecause(r, grouping.immediateSeverity ?? GROUPING_DEFAULTS.immediateSeverity, appMode);
  return now ? `at once (${now})` : `in the digest posted ${windowText(grouping.windowMinutes)}`;
}

/** What the notifier would read for the owner of `resource` (nothing is read here). */
function ownerLookupText(resource: { uid?: string; uid_alt?: string } | undefined): string {
  const source = resourceTagSource(resource ?? {});
  return "skip" in source
    ? `the notifier does not look it up either: ${source.skip}`
    : `the notifier reads ${source.resourceId}'s tags with ${tagCallText(source)} in its account`;
}

/** The owner and OUs the route choice used, and where they came from, where a route names them. */
function placeView(
  settings: NotifierSettings,
  r: RenderedMessage,
  given: RoutePlace,
  place: RoutePlace,
): Pick<NotifierView, "owner" | "organizationalUnits"> {
  const out: Pick<NotifierView, "owner" | "organizationalUnits"> = {};
  if (routesUse(settings.routes, "owners")) {
    const fromEvent = placeFromEvent(r.finding, settings.ownerTagKeys ?? DEFAULT_OWNER_TAG_KEYS);
    out.owner =
      given.owner !== undefined
        ? `${given.owner} (given with --owner)`
        : fromEvent.owner !== undefined
          ? `${fromEvent.owner} (the event's tag ${fromEvent.ownerKey})`
          : `unknown here (the event carries no owner tag; ${ownerLookupText(r.finding?.resources[0])}: pass --owner to try a value)`;
  }
  if (routesUse(settings.routes, "organizationalUnits"))
    out.organizationalUnits = place.organizationalUnits?.length
      ? `${place.organizationalUnits.join(" < ")} (given with --ou)`
      : "not looked up here (the notifier lists the account's parents in the organization: pass --ou ou-...,ou-... nearest first)";
  return out;
}

function notifierView(
  event: unknown,
  settings: NotifierSettings & SignalSettings,
  now: number,
  given: RoutePlace = {},
): NotifierView[] {
  return unwrap(event).map((record) => {
    const r = renderRecord(record, settings, given);
    // The finding the notifier read (a record a source skips has none: its kind and account decide).
    const subject = r.finding ?? { skipped: r.skipped ?? "", kind: r.kind, accountId: r.accountId };
    const place = {
      ...placeFromEvent(r.finding, settings.ownerTagKeys ?? DEFAULT_OWNER_TAG_KEYS),
      ...given,
    };
    const d: Decision = decide(subject, r.eventId, settings, now, place);
    const skipped = r.skipped ?? d.skipped;
    const incident = settings.incidents && r.signal && incidentKey(r.signal);
    // The notifier resolves an open incident with it, or skips it (incidents/delivery.ts correlate).
    const passing = !!incident && !skipped && r.signal?.effect === "pass";
    return {
      recordId: r.recordId,
      kind: d.facts.kind,
      severity: d.severity,
      severityWhy: d.severityWhy,
      route: d.route.route,
      webhook: d.route.webhook,
      email: d.route.email,
      ...(d.muted ? { mutedBy: d.muted.name } : {}),
      ...(skipped ? { skipped } : {}),
      ...(d.dedupeKey ? { dedupeKey: d.dedupeKey } : {}),
      ...(settings.grouping && !skipped && !passing
        ? { when: postingTime(r, settings.grouping, !!settings.app) }
        : {}),
      ...(incident ? { incidentKey: incident } : {}),
      ...(passing ? { passing: true as const } : {}),
      ...placeView(settings, r, given, place),
      ...(d.route.organizationalUnit ? { matchedOu: d.route.organizationalUnit } : {}),
    };
  });
}

/** Delivers `message` through a topic with `filterPolicy` (scope MessageBody) to a queue in moto. */
async function snsDelivers(
  message: string,
  filterPolicy: Record<string, unknown> | undefined,
): Promise<boolean> {
  const run = Math.random().toString(36).slice(2, 8);
  const probe = await topicProbe(`routes-probe-${run}`, `routes-probe-${run}`, {
    raw: false,
    ...(filterPolicy
      ? { filterPolicy: JSON.stringify(filterPolicy), filterPolicyScope: "MessageBody" as const }
      : {}),
  });
  const sns = new SNSClient({});
  await sns.send(new PublishCommand({ TopicArn: probe.topicArn, Message: message }));
  return (await probe.published()).length > 0;
}

/** The SNS messages an event file holds when it is not a raw EventBridge event. */
function snsMessages(event: Record<string, unknown>): string[] {
  if (Array.isArray(event.Records))
    return event.Records.flatMap((r: unknown) => {
      if (!isObject(r)) return [];
      if (isObject(r.Sns) && typeof r.Sns.Message === "string") return [r.Sns.Message];
      if (typeof r.body === "string") {
        try {
          const body = JSON.parse(r.body) as unknown;
          if (isObject(body) && typeof body.Message === "string") return [body.Message];
        } catch {
          // not an SNS notification document: the body itself is the message
        }
        return [r.body];
      }
      return [];
    });
  if (event.Type === "Notification" && typeof event.Message === "string") return [event.Message];
  return [JSON.stringify(event)];
}

export async function explainEvent(event: unknown, options: ExplainOptions): Promise<Explanation> {
  if (!isObject(event)) throw new Error("the event file must hold a JSON object");
  const notes: string[] = [];
  const hub = options.stacks.find((s) => s.role === "hub");
  if (!hub) throw new Error("no hub stack among the stack files");
  const spokes = options.stacks.filter((s) => s.role === "spoke");
  const isEventBridge = typeof event["detail-type"] === "string" && typeof event.source === "string";

  if (!isEventBridge) {
    // Config notifications and alarm actions arrive at the hub's topics by SNS, not EventBridge.
    const messages = snsMessages(event);
    const config = messages.some((m) =>
      /"messageType"\s*:\s*"(Configuration|Compliance|ConfigRules|Oversized)/.test(m),
    );
    const topic = config ? "security-guard-config" : "security-guard-alarms";
    const filterPolicy = config ? options.configTopicFilter : undefined;
    const delivered: boolean[] = [];
    for (const m of messages) delivered.push(await snsDelivers(m, filterPolicy));
    const reaches = delivered.some((d) => d);
    if (!reaches)
      notes.push(`the ${topic} subscription's filter policy drops it: the notifier is never invoked`);
    return {
      entry: `SNS topic ${topic} (hub ${hub.stack})`,
      matches: [],
      sns: { topic, ...(filterPolicy ? { filterPolicy } : {}), delivered: reaches },
      reachesNotifier: reaches,
      notifier: reaches ? notifierView(event, options.notifier, options.now, options.place) : [],
      notes,
    };
  }

  const fromGuard = event.source === REMEDIATION_EVENT_SOURCE;
  let entry;
  let stamped = event;
  if (fromGuard) {
    entry = { accountId: hub.accountId, region: hub.regions[0], bus: HUB_BUS_NAME };
  } else {
    const spoke = entrySpoke(event, spokes, options.stackName);
    const region = stringField(event, "region") ?? spoke.regions[0];
    if (stringField(event, "account") !== spoke.accountId) {
      notes.push(
        `the event names account ${stringField(event, "account") ?? "none"}; routed as ${spoke.stack} (${spoke.accountId})`,
      );
      stamped = { ...event, account: spoke.accountId };
    }
    // Rules the stack deploys in that region (its own regions, or only a sign-in rule elsewhere).
    const there = spoke.topology.rules.filter((r) => r.region === region).map((r) => r.resourceName);
    if (!spoke.regions.includes(region))
      notes.push(
        there.length
          ? `${region} is not one of ${spoke.stack}'s regions (${spoke.regions.join(", ")}); it deploys only ${there.join(", ")} there`
          : `${spoke.stack} deploys no rules in ${region} (its regions: ${spoke.regions.join(", ")})`,
      );
    entry = { accountId: spoke.accountId, region, bus: "default" };
  }
  const topology: RouteTopology = {
    rules: options.stacks.flatMap((s) => s.topology.rules),
    buses: options.stacks.flatMap((s) => s.topology.buses),
  };
  const routeEvent: RouteEvent = { name: "event", event: stamped, entry };
  const matrix = await routeMatrix(topology, [routeEvent], options.emulator, { ruler: options.ruler });
  if (matrix.secondUnavailable) notes.push(`event-ruler not used: ${matrix.secondUnavailable}`);
  for (const e of matrix.second?.errors ?? []) notes.push(`event-ruler rejects a pattern: ${e}`);
  const reachedMoto = matrix.rows[0].reached;
  const reachedRuler = matrix.second?.rows.event;
  const matches: RuleMatch[] = [];
  for (const rule of topology.rules) {
    const moto = (reachedMoto[rule.id] ?? 0) > 0;
    const ruler = reachedRuler ? (reachedRuler[rule.id] ?? 0) > 0 : undefined;
    if (!(ruler ?? moto)) {
      if (moto)
        notes.push(
          `moto matched ${rule.stack} ${rule.resourceName}, event-ruler did not (event-ruler counted)`,
        );
      continue;
    }
    if (ruler !== undefined && ruler !== moto)
      notes.push(
        `event-ruler matched ${rule.stack} ${rule.resourceName}, moto did not (event-ruler counted; moto does not match fields inside arrays)`,
      );
    const stage = options.stacks.find((s) => s.stack === rule.stack)?.role ?? "spoke";
    matches.push({
      stage,
      stack: rule.stack,
      region: rule.region,
      rule: rule.name,
      resource: rule.resourceName,
      targets: rule.targets.map((t) => t.arn),
      moto,
      ...(ruler !== undefined ? { eventRuler: ruler } : {}),
    });
  }
  matches.sort((a, b) => (a.stage === b.stage ? 0 : a.stage === "spoke" ? -1 : 1));
  // The notify rule, or the resolve rule (passing verdicts), both target the notifier's events topic.
  const reachesNotifier = matches.some((m) => m.stage === "hub" && /-(notify|resolve)$/.test(m.resource));
  if (!reachesNotifier) notes.push("no hub notify or resolve rule matches it: the notifier never sees it");
  return {
    entry: fromGuard
      ? `hub bus ${HUB_BUS_NAME} (${hub.stack})`
      : `default bus of ${entry.accountId} in ${entry.region}`,
    matches,
    reachesNotifier,
    notifier: reachesNotifier ? notifierView(stamped, options.notifier, options.now, options.place) : [],
    notes,
  };
}

export function formatExplanation(file: string, x: Explanation): string {
  const lines = [`${file}: enters the ${x.entry}`];
  if (x.sns) {
    lines.push(
      `  SNS ${x.sns.topic} -> notifier queue: ${x.sns.delivered ? "delivered" : "dropped"}${x.sns.filterPolicy ? ` by filter policy ${JSON.stringify(x.sns.filterPolicy)}` : ""} (moto)`,
    );
  }
  const spoke = x.matches.filter((m) => m.stage === "spoke");
  const hub = x.matches.filter((m) => m.stage === "hub");
  if (!x.sns) {
    lines.push(spoke.length ? "  spoke rules that forward it:" : "  spoke rules that forward it: none");
    for (const m of spoke) lines.push(`    ${m.stack}  ${m.region}  ${m.rule}`);
    lines.push(hub.length ? "  hub rules that match it:" : "  hub rules that match it: none");
    for (const m of hub)
      lines.push(`    ${m.stack}  ${m.resource} (${m.rule}) -> ${m.targets.join(", ") || "(no target)"}`);
  }
  for (const n of x.notifier) {
    const what = n.skipped
      ? `skipped: ${n.skipped}`
      : n.passing
        ? `a passing verdict, not posted on its own: it resolves the open incident ${n.incidentKey}, or is skipped when none is open (nothing to resolve)`
        : `posted to webhook ${n.webhook}${n.email ? " and emailed" : ""}${n.when ? ` ${n.when}` : ""}`;
    lines.push(
      `  notifier (record ${n.recordId}): ${n.kind}, severity ${n.severity} (${n.severityWhy}), route ${n.route}; ${what}`,
    );
    if (n.owner !== undefined) lines.push(`    owner: ${n.owner}`);
    if (n.organizationalUnits !== undefined)
      lines.push(
        `    organizational units: ${n.organizationalUnits}${n.matchedOu ? `; route ${n.route} matched ${n.matchedOu}` : ""}`,
      );
    if (n.incidentKey)
      lines.push(
        n.passing
          ? `    incident: ${n.incidentKey} (the routes tool cannot read the incident store, so it cannot tell which: resolved or skipped)`
          : `    incident: ${n.incidentKey} (signals about it within the join window share one message)`,
      );
  }
  for (const n of x.notes) lines.push(`  note: ${n}`);
  return lines.join("\n");
}
