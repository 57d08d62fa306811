// GuardDuty Extended Threat Detection attack sequences ("GuardDuty Finding" of type
// AttackSequence:*): GuardDuty correlates several signals (its own findings and API activity) of
// one actor into one critical finding. The card shows the sequence whole: its signals in order, the
// resources and network endpoints involved, and the MITRE ATT&CK tactics. Finding types:
// https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-attack-sequence-finding-types.html;
// fields (service.detection.sequence): https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Sequence.html.
// The event is a "GuardDuty Finding", so the GuardDuty forwarding rule already carries it; this
// module is asked before the GuardDuty one and takes only the AttackSequence types.
import * as v from "valibot";
import { guardDutyFindingUrl, isRegionCode } from "../links";
import type { Actor, Observable, Resource, Signal } from "../model";
import { FINDING_CLASSES } from "../model";
import { bool, eventBridgeEvent, isEventBridge, list, number, object, parseLenient, text } from "../parse";
import { textItems } from "./fields";
import type { Draft, SourceModule } from "../source";

const DETAIL_TYPE = "GuardDuty Finding";
const SOURCE = "aws.guardduty";
const PREFIX = "AttackSequence:";
/** Signals listed on the card (GuardDuty allows 100); the rest are counted. */
const MAX_SIGNALS = 10;
const MAX_RESOURCES = 10;

/** Signals' and the sequence's times: ISO strings in events, epoch numbers in the API's JSON. */
function when() {
  return v.optional(
    v.union(
      [
        v.string(),
        v.pipe(
          v.number(),
          v.finite(),
          v.transform((n) => new Date(n < 1e12 ? n * 1000 : n).toISOString()),
        ),
      ],
      "a time",
    ),
  );
}

function schema() {
  const indicator = v.object({ key: text(), values: list(v.unknown()), title: text() });
  return eventBridgeEvent(
    object({
      id: text(),
      type: text(),
      title: text(),
      description: text(),
      accountId: text(),
      region: text(),
      partition: text(),
      severity: number(),
      updatedAt: text(),
      service: object({
        archived: bool(),
        count: number(),
        eventFirstSeen: text(),
        eventLastSeen: text(),
        detection: object({
          sequence: object({
            uid: text(),
            description: text(),
            actors: list(
              v.object({
                id: text(),
                user: object({ name: text(), uid: text(), type: text(), credentialUid: text() }),
                session: object({ mfaStatus: text() }),
              }),
            ),
            resources: list(
              v.object({
                uid: text(),
                name: text(),
                accountId: text(),
                resourceType: text(),
                region: text(),
                tags: list(v.object({ key: text(), value: text() })),
              }),
            ),
            endpoints: list(
              v.object({
                id: text(),
                ip: text(),
                domain: text(),
                location: object({ city: text(), country: text() }),
                autonomousSystem: object({ name: text(), number: number() }),
              }),
            ),
            signals: list(
              v.object({
                uid: text(),
                type: text(),
                name: text(),
                description: text(),
                severity: number(),
                count: number(),
                firstSeenAt: when(),
                lastSeenAt: when(),
              }),
            ),
            sequenceIndicators: list(indicator),
          }),
        }),
      }),
    }),
  );
}

type Sequence = NonNullable<
  NonNullable<
    NonNullable<NonNullable<v.InferOutput<ReturnType<typeof schema>>["detail"]>["service"]>["detection"]
  >["sequence"]
>;

/** GuardDuty's names for sequence indicator keys (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Indicator.html). */
const INDICATOR_NAMES: Readonly<Record<string, string>> = {
  ATTACK_TACTIC: "MITRE ATT&CK tactics",
  ATTACK_TECHNIQUE: "MITRE ATT&CK techniques",
  HIGH_RISK_API: "High-risk API calls",
  MALICIOUS_IP: "Malicious IPs",
  TOR_IP: "Tor exit nodes",
  SUSPICIOUS_USER_AGENT: "Suspicious user agents",
  SUSPICIOUS_NETWORK: "Suspicious networks",
  UNUSUAL_API_FOR_ACCOUNT: "APIs unusual for the account",
  UNUSUAL_ASN_FOR_ACCOUNT: "Networks unusual for the account",
  UNUSUAL_ASN_FOR_USER: "Networks unusual for the user",
  CRYPTOMINING_IP: "Cryptomining IPs",
  MALICIOUS_DOMAIN: "Malicious domains",
  MALICIOUS_PROCESS: "Malicious processes",
  SUSPICIOUS_PROCESS: "Suspicious processes",
};

function signalsOf(seq: Sequence): Signal[] {
  // In the order they happened: that is the story the card tells.
  const all = [...(seq.signals ?? [])].sort((a, b) =>
    (a.firstSeenAt ?? "").localeCompare(b.firstSeenAt ?? ""),
  );
  const out: Signal[] = all.slice(0, MAX_SIGNALS).map((s) => ({
    name: s.name ?? s.uid ?? "signal",
    ...(s.uid ? { uid: s.uid } : {}),
    ...(s.type ? { type: s.type } : {}),
    // GuardDuty rates finding signals; API-activity signals carry 0.
    ...(s.severity ? { severity: String(s.severity) } : {}),
    ...(s.count !== undefined ? { count: s.count } : {}),
    ...(s.firstSeenAt ? { first_seen: s.firstSeenAt } : {}),
    ...(s.lastSeenAt ? { last_seen: s.lastSeenAt } : {}),
    ...(s.description ? { detail: s.description } : {}),
  }));
  if (all.length > out.length) out.push({ name: `(+${all.length - out.length} more signals)` });
  return out;
}

function indicatorsOf(seq: Sequence): Observable[] {
  const out: Observable[] = [];
  for (const i of seq.sequenceIndicators ?? []) {
    const values = textItems(i.values);
    if (!i.key || !values.length) continue;
    out.push({
      name: Object.hasOwn(INDICATOR_NAMES, i.key) ? INDICATOR_NAMES[i.key] : (i.title ?? i.key),
      value: values.join(", "),
    });
  }
  for (const ep of seq.endpoints ?? []) {
    const where = [ep.location?.city, ep.location?.country].filter(Boolean).join(", ");
    const as = ep.autonomousSystem?.name
      ? `${ep.autonomousSystem.name}${ep.autonomousSystem.number !== undefined ? `, AS${ep.autonomousSystem.number}` : ""}`
      : undefined;
    const what = ep.ip ?? ep.domain;
    if (what)
      out.push({
        name: "Network endpoint",
        value: `${what}${where || as ? ` (${[where, as].filter(Boolean).join("; ")})` : ""}`,
      });
  }
  return out;
}

function resourcesOf(seq: Sequence): Resource[] {
  const all = seq.resources ?? [];
  return all.slice(0, MAX_RESOURCES).map((r) => {
    const tags: Record<string, string> = {};
    for (const t of r.tags ?? []) if (t.key && t.value !== undefined) tags[t.key] = t.value;
    return {
      type: r.resourceType,
      uid: r.uid,
      ...(r.name ? { name: r.name } : {}),
      ...(r.region ? { region: r.region } : {}),
      ...(r.accountId ? { account_uid: r.accountId } : {}),
      ...(Object.keys(tags).length ? { tags } : {}),
    };
  });
}

function actorOf(seq: Sequence): Actor | undefined {
  const a = seq.actors?.[0];
  if (!a?.user) return undefined;
  const mfa = a.session?.mfaStatus;
  const ep = seq.endpoints?.[0];
  return {
    ...(a.user.type ? { type: a.user.type } : {}),
    name: `${a.user.type ?? "principal"} ${a.user.name ?? a.user.uid ?? "(unknown)"}${(seq.actors?.length ?? 0) > 1 ? ` (+${seq.actors!.length - 1} more)` : ""}`,
    ...(a.user.uid ? { uid: a.user.uid } : {}),
    ...(mfa === "ENABLED" || mfa === "DISABLED"
      ? { mfa: mfa === "ENABLED", mfa_label: mfa === "ENABLED" ? "Yes" : "No" }
      : {}),
    ...(ep?.ip ? { ip: ep.ip } : {}),
    ...(ep?.location?.country ? { location: { country: ep.location.country } } : {}),
    ...(ep?.autonomousSystem?.name ? { org: ep.autonomousSystem.name } : {}),
  };
}

export const guardDutyAttackSequence: SourceModule = {
  id: "guardduty-attack-sequence",
  name: "GuardDuty attack sequences (Extended Threat Detection)",
  kinds: ["guardduty"],
  detects: [
    {
      what: "GuardDuty attack sequences: several signals of one actor correlated into one attack, on one card",
      from: "GuardDuty, every region (with the GuardDuty findings)",
      rules: ["guardduty-findings"],
    },
  ],
  recognise: (p) =>
    isEventBridge(p, DETAIL_TYPE, SOURCE) &&
    typeof (p.detail as { type?: unknown } | undefined)?.type === "string" &&
    (p.detail as { type: string }).type.startsWith(PREFIX),

  map(payload, ctx): Draft {
    const e = parseLenient(schema(), payload, {
      problems: ctx.problems,
      required: ["detail", "detail.id", "detail.type", "detail.service.detection.sequence"],
    });
    const d = e.detail ?? {};
    const seq: Sequence = d.service?.detection?.sequence ?? {};
    const region = d.region ?? e.region;
    const signals = signalsOf(seq);
    const count = seq.signals?.length ?? 0;
    return {
      ...FINDING_CLASSES.detection,
      class_name: "detection",
      kind: "guardduty",
      severity_source: {
        label: "Critical",
        ...(d.severity !== undefined ? { score: d.severity } : {}),
        level: "critical",
      },
      uid: d.id,
      event_name: d.type,
      status: d.service?.archived ? "ARCHIVED" : undefined,
      time: d.updatedAt ?? e.time,
      first_seen: d.service?.eventFirstSeen,
      last_seen: d.service?.eventLastSeen,
      count: count || undefined,
      title: `GuardDuty attack sequence: ${d.title ?? d.type ?? "attack sequence"}`,
      desc: d.description ?? seq.description,
      cloud: {
        ...(d.partition ? { partition: d.partition } : {}),
        account: { uid: d.accountId ?? e.account },
        region,
      },
      resources: resourcesOf(seq),
      actor: actorOf(seq),
      types: d.type ? [d.type] : [],
      evidence: { signals, indicators: indicatorsOf(seq) },
      remediation: {
        desc: "Treat the actor's credentials as compromised: revoke its sessions and keys, then review what each signal changed.",
        references: [
          "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-remediate-compromised-aws-credentials.html",
        ],
      },
      links:
        d.id && region && isRegionCode(region)
          ? [{ text: "Open in GuardDuty", url: guardDutyFindingUrl(region, d.id) }]
          : [],
      dedupe_uid: d.id ? `guardduty|${d.id}@${d.updatedAt ?? ""}` : undefined,
      // AWS's own correlation: an update of the same sequence belongs with it.
      correlation_uid: seq.uid
        ? `guardduty-sequence|${seq.uid}`
        : d.id
          ? `guardduty-sequence|${d.id}`
          : undefined,
      metadata: {
        source: "guardduty-attack-sequence",
        event_uid: d.id,
        event_label: "GuardDuty finding",
        event_type: DETAIL_TYPE,
      },
    };
  },

  severity: [
    {
      severity: "info",
      when: "a GuardDuty attack sequence that is archived",
      test: (f) => f.status === "ARCHIVED",
    },
    {
      severity: "critical",
      when: "a GuardDuty attack sequence (GuardDuty rates every one critical)",
      test: (f) => f.kind === "guardduty",
    },
  ],

  // Forwarded by the GuardDuty findings rule (same detail-type). The hub lets every sequence through,
  // whatever the minimum GuardDuty severity says.
  notify: () => [{ source: [SOURCE], "detail-type": [DETAIL_TYPE], detail: { type: [{ prefix: PREFIX }] } }],
  fixtures: ["findings/guardduty-attack-sequence-iam-compromised-credentials.json"],
};
