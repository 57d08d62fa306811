// The incident signal of one finding: the signals that are about a resource's security state join
// that resource's incident. Findings that are not (IAM calls, sign-ins, alarms) give none and are
// posted on their own, as before.
import type { Finding } from "../../findings/model";
import type { SeverityLevel } from "../severityLevels";
import { ocsfNoLongerFailing } from "../../findings/sources/securityHubOcsf";
import { resourceId } from "./key";
import type { IncidentSignal } from "./signal";

/** Remediation outcomes after which the resource is no longer exposed (shared/remediationReport.ts). */
// An array, not a Set: a module-level Set does not survive closure serialization (seen in the built package).
const CLOSING_OUTCOMES: readonly string[] = ["revoked", "already-compliant", "group-not-found"];

/** The finding's incident signal, or undefined when it is not one (posted on its own). */
export function incidentSignal(
  f: Finding | undefined,
  severity: SeverityLevel,
  title: string,
  eventId: string | undefined,
  owner?: string,
): IncidentSignal | undefined {
  if (!f || f.unreadable) return undefined;
  const time = f.time ?? new Date(0).toISOString();
  const accountId = f.cloud.account?.uid;
  const region = f.cloud.region;
  const first = f.resources[0];
  const resource = (uid: string | undefined) =>
    uid ? { resource: { uid, account: accountId, region, ...(owner !== undefined ? { owner } : {}) } } : {};
  const base = { severity, title, time };
  const status = f.status;
  switch (f.metadata.source) {
    case "cloudtrail":
      // Only a call that opened a security group to the internet is about its exposure.
      if (f.kind !== "security-group" || !f.evidence.world_ingress || f.api?.response?.error || !eventId)
        return undefined;
      return {
        ...base,
        uid: `cloudtrail|${eventId}`,
        source: "CloudTrail",
        effect: "fail",
        ...resource(first?.uid),
      };
    case "config-compliance": {
      const c = f.compliance?.status;
      if (c !== "NON_COMPLIANT" && c !== "COMPLIANT" && c !== "NOT_APPLICABLE") return undefined;
      return {
        ...base,
        uid: `config|${f.compliance?.control ?? ""}|${accountId ?? ""}|${region ?? ""}|${first?.uid ?? ""}`,
        source: "AWS Config",
        effect: c === "NON_COMPLIANT" ? "fail" : "pass",
        ...resource(first?.uid),
      };
    }
    case "remediation":
      if (!first?.uid) return undefined;
      return {
        ...base,
        uid: `remediation|${eventId ?? time}`,
        source: "Remediation",
        effect: CLOSING_OUTCOMES.includes(f.event_name ?? "") ? "remediated" : "fail",
        ...resource(first.uid),
      };
    case "securityhub": {
      if (!f.uid) return undefined;
      const w = f.evidence.workflow;
      const passing =
        f.compliance?.status === "PASSED" ||
        w?.record_state === "ARCHIVED" ||
        w?.status === "RESOLVED" ||
        w?.status === "SUPPRESSED";
      // Exposure findings are AWS's own correlation of several signals about one resource.
      const exposure = (f.compliance?.control ?? "").toLowerCase().includes("exposure");
      return {
        ...base,
        uid: f.uid,
        effect: passing ? "pass" : "fail",
        ...(exposure ? { correlation: { kind: "exposure" as const, uid: f.uid } } : {}),
        source: "Security Hub",
        ...resource(first?.uid),
      };
    }
    case "security-hub-ocsf": {
      // Security Hub's OCSF findings: a control that passes again ends its incident as the ASFF
      // form's PASSED does. The uid is the finding's own (metadata.uid), not prefixed: a control
      // finding posted in both formats under one id is then one signal, its second copy a repeat.
      if (!f.uid) return undefined;
      const passing = ocsfNoLongerFailing(f);
      const exposure = f.types?.includes("Exposure") ?? false;
      return {
        ...base,
        // The timeline names the source ("Security Hub: ..."): the title does not repeat it.
        title: title.replace(/^Security Hub: /, ""),
        uid: f.uid,
        effect: passing ? "pass" : "fail",
        ...(exposure ? { correlation: { kind: "exposure" as const, uid: f.uid } } : {}),
        source: "Security Hub",
        ...resource(first?.uid),
      };
    }
    case "guardduty":
    case "guardduty-attack-sequence": {
      if (!f.uid) return undefined;
      const effect = status === "ARCHIVED" ? "pass" : "fail";
      const members = (f.evidence.signals ?? [])
        .map((s) => s.uid)
        .filter((u): u is string => u !== undefined)
        .map(resourceId);
      return {
        ...base,
        uid: f.uid,
        effect,
        ...(f.metadata.source === "guardduty-attack-sequence"
          ? { correlation: { kind: "attack-sequence" as const, uid: f.uid, members } }
          : {}),
        source: "GuardDuty",
        ...resource(first?.uid),
      };
    }
    case "access-analyzer":
      if (!f.uid) return undefined;
      return {
        ...base,
        uid: `access-analyzer|${f.uid}`,
        source: "IAM Access Analyzer",
        effect: status === "ARCHIVED" || status === "RESOLVED" ? "pass" : "fail",
        ...resource(first?.uid_alt ?? first?.uid),
      };
    case "inspector":
      if (!f.uid) return undefined;
      return {
        ...base,
        uid: f.uid,
        effect: status === "ACTIVE" || status === undefined ? "fail" : "pass",
        source: "Inspector",
        ...resource(first?.uid),
      };
    default:
      return undefined;
  }
}
