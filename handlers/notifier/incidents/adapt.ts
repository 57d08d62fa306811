// The incident signal of one event, from what the notifier already read of it (its facts, severity
// and title) and, where the facts do not say it, the payload: a finding's own id and its
// compliance or record state. Events that are not about a resource's security state (IAM calls,
// sign-ins, alarms) give none and are posted on their own, as before.
import { at, isObject, Json } from "../read";
import type { EventFacts } from "../facts";
import type { SeverityLevel } from "../severityLevels";
import { resourceId } from "./key";
import type { IncidentSignal, SignalEffect } from "./signal";

const str = (o: unknown, path: string): string | undefined => {
  const v = at(o, path);
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
};

/** Remediation outcomes after which the resource is no longer exposed (shared/remediationReport.ts). */
// An array, not a Set: a module-level Set does not survive closure serialization (seen in the built package).
const CLOSING_OUTCOMES: readonly string[] = ["revoked", "already-compliant", "group-not-found"];

function securityHub(
  payload: Json,
): { uid: string; effect: SignalEffect; correlation?: IncidentSignal["correlation"] } | undefined {
  const list = at(payload, "detail.findings");
  const f = (Array.isArray(list) ? list : []).find(isObject);
  const id = f && str(f, "Id");
  if (!f || !id) return undefined;
  const compliance = str(f, "Compliance.Status");
  const passing =
    compliance === "PASSED" ||
    str(f, "RecordState") === "ARCHIVED" ||
    str(f, "Workflow.Status") === "RESOLVED" ||
    str(f, "Workflow.Status") === "SUPPRESSED";
  // Exposure findings are AWS's own correlation of several signals about one resource.
  const exposure = (str(f, "GeneratorId") ?? "").toLowerCase().includes("exposure");
  return {
    uid: id,
    effect: passing ? "pass" : "fail",
    ...(exposure ? { correlation: { kind: "exposure" as const, uid: id } } : {}),
  };
}

function guardDuty(
  payload: Json,
): { uid: string; effect: SignalEffect; correlation?: IncidentSignal["correlation"] } | undefined {
  const id = str(payload, "detail.id");
  if (!id) return undefined;
  const archived = at(payload, "detail.service.archived") === true;
  const type = str(payload, "detail.type") ?? "";
  if (!type.startsWith("AttackSequence:")) return { uid: id, effect: archived ? "pass" : "fail" };
  // An attack sequence lists the findings it correlates (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-attack-sequence-finding-details.html).
  const signals = at(payload, "detail.service.detection.sequence.signals");
  const members = (Array.isArray(signals) ? signals : [])
    .map((s) => str(s, "uid"))
    .filter((u): u is string => u !== undefined)
    .map(resourceId);
  return {
    uid: id,
    effect: archived ? "pass" : "fail",
    correlation: { kind: "attack-sequence", uid: id, members },
  };
}

function inspector(payload: Json): { uid: string; effect: SignalEffect; resource?: string } | undefined {
  const arn = str(payload, "detail.findingArn");
  if (!arn) return undefined;
  const status = str(payload, "detail.status");
  const resources = at(payload, "detail.resources");
  const first = Array.isArray(resources) ? resources.find(isObject) : undefined;
  return {
    uid: arn,
    effect: status === "ACTIVE" || status === undefined ? "fail" : "pass",
    resource: first && str(first, "id"),
  };
}

/** The event's incident signal, or undefined when it is not one (posted on its own). */
export function incidentSignal(
  payload: Json | undefined,
  facts: EventFacts,
  severity: SeverityLevel,
  title: string,
  eventId: string | undefined,
): IncidentSignal | undefined {
  if (!payload || facts.unreadable) return undefined;
  const time = facts.time ?? str(payload, "time") ?? new Date(0).toISOString();
  const resource = (uid: string | undefined) =>
    uid ? { resource: { uid, account: facts.accountId, region: facts.region } } : {};
  const base = { severity, title, time };
  switch (facts.kind) {
    case "security-group":
      // Only a call that opened the group to the internet is about its exposure.
      if (!facts.worldIngress || facts.failedCall || !eventId) return undefined;
      return {
        ...base,
        uid: `cloudtrail|${eventId}`,
        source: "CloudTrail",
        effect: "fail",
        ...resource(facts.resourceId),
      };
    case "config-compliance": {
      const c = facts.compliance;
      if (c !== "NON_COMPLIANT" && c !== "COMPLIANT" && c !== "NOT_APPLICABLE") return undefined;
      return {
        ...base,
        uid: `config|${facts.configRule ?? ""}|${facts.accountId ?? ""}|${facts.region ?? ""}|${facts.resourceId ?? ""}`,
        source: "AWS Config",
        effect: c === "NON_COMPLIANT" ? "fail" : "pass",
        ...resource(facts.resourceId),
      };
    }
    case "remediation":
      if (!facts.resourceId) return undefined;
      return {
        ...base,
        uid: `remediation|${eventId ?? time}`,
        source: "Remediation",
        effect: CLOSING_OUTCOMES.includes(facts.eventName ?? "") ? "remediated" : "fail",
        ...resource(facts.resourceId),
      };
    case "security-hub": {
      const sh = securityHub(payload);
      if (!sh) return undefined;
      return { ...base, ...sh, source: "Security Hub", ...resource(facts.resourceId) };
    }
    case "guardduty": {
      const gd = guardDuty(payload);
      if (!gd) return undefined;
      return { ...base, ...gd, source: "GuardDuty", ...resource(facts.resourceId) };
    }
    case "access-analyzer": {
      const id = str(payload, "detail.id");
      if (!id) return undefined;
      const status = facts.status;
      return {
        ...base,
        uid: `access-analyzer|${id}`,
        source: "IAM Access Analyzer",
        effect: status === "ARCHIVED" || status === "RESOLVED" ? "pass" : "fail",
        ...resource(facts.resourceArn ?? facts.resourceId),
      };
    }
    default: {
      if (
        str(payload, "source") === "aws.inspector2" &&
        str(payload, "detail-type") === "Inspector2 Finding"
      ) {
        const ins = inspector(payload);
        if (!ins) return undefined;
        return { ...base, uid: ins.uid, effect: ins.effect, source: "Inspector", ...resource(ins.resource) };
      }
      return undefined;
    }
  }
}
