// The remediation function's own reports (source security-guard.remediation, detail-type
// "SSH Remediation Result", detail = RemediationReport from handlers/shared/remediationReport.ts).
// They are put on the hub bus by the hub itself: nothing forwards them from a spoke.
import * as v from "valibot";
import { REMEDIATION_DETAIL_TYPE, REMEDIATION_EVENT_SOURCE } from "../../shared/constants";
import type { RemediationOutcome } from "../../shared/remediationReport";
import { cloudTrailEventUrl, configRuleUrl, isRegionCode, securityGroupUrl } from "../links";
import type { Link, PermissionChange } from "../model";
import { FINDING_CLASSES } from "../model";
import { eventBridgeEvent, isEventBridge, list, number, object, own, parseLenient, text } from "../parse";
import type { Draft, SourceModule } from "../source";

/** The outcomes a report may carry, and its headline for each. */
export const REMEDIATION_TITLES: Readonly<Record<RemediationOutcome, (group: string) => string>> = {
  revoked: (g) => `Revoked SSH open to the internet on ${g}`,
  "dry-run": (g) => `Dry run: would revoke SSH open to the internet on ${g}`,
  exempt: (g) => `Exempt: ${g} keeps SSH open to the internet`,
  "already-compliant": (g) => `No action: ${g} has no SSH open to the internet`,
  "group-not-found": (g) => `No action: ${g} no longer exists`,
};

function schema() {
  return eventBridgeEvent(
    object({
      outcome: text(),
      accountId: text(),
      region: text(),
      groupId: text(),
      groupName: text(),
      vpcId: text(),
      reason: text(),
      openedBy: text(),
      openedAt: text(),
      trigger: object({ kind: text(), eventId: text(), eventName: text(), configRuleName: text() }),
      permissions: list(v.unknown()),
    }),
  );
}

function permissionSchema() {
  return v.object({
    ipProtocol: text(),
    fromPort: number(),
    toPort: number(),
    cidrs: list(v.unknown()),
    ruleIds: list(v.unknown()),
  });
}

const strings = (xs: unknown[] | undefined) => (xs ?? []).filter((x): x is string => typeof x === "string");

export const remediation: SourceModule = {
  id: "remediation",
  name: "The guard's SSH remediation reports",
  kinds: ["remediation"],
  detects: [
    {
      what: "SSH opened to the world, revoked by the guard (or left: dry run, exempt group), with why",
      from: "the hub's remediation function, on Config verdicts and CloudTrail calls",
      rules: [],
    },
  ],
  recognise: (p) => isEventBridge(p, REMEDIATION_DETAIL_TYPE, REMEDIATION_EVENT_SOURCE),

  map(payload, ctx): Draft {
    const { problems } = ctx;
    const e = parseLenient(schema(), payload, {
      problems,
      required: ["detail", "detail.outcome", "detail.accountId", "detail.region", "detail.groupId"],
    });
    const d = e.detail ?? {};
    if (d.outcome !== undefined && !own(REMEDIATION_TITLES, d.outcome))
      problems.push(
        `detail.outcome "${d.outcome}" is not one of ${Object.keys(REMEDIATION_TITLES).join(", ")}`,
      );
    const permissions: PermissionChange[] = (d.permissions ?? []).map((raw, i) => {
      const label = `detail.permissions[${i}]`;
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        problems.push(`${label} is not an object`);
        return { cidrs: [], rule_uids: [], unreadable: true };
      }
      const p = parseLenient(permissionSchema(), raw, { problems, prefix: label, required: ["ipProtocol"] });
      return {
        protocol: p.ipProtocol,
        fromPort: p.fromPort,
        toPort: p.toPort,
        cidrs: strings(p.cidrs),
        rule_uids: strings(p.ruleIds),
      };
    });
    if (!permissions.length && (d.outcome === "revoked" || d.outcome === "dry-run"))
      problems.push("detail.permissions is empty for a revoke report");
    const accountId = d.accountId ?? e.account;
    const region = d.region ?? e.region;
    const group = d.groupId ?? "unknown group";
    const title =
      (d.outcome !== undefined ? own(REMEDIATION_TITLES, d.outcome) : undefined)?.(group) ??
      `Remediation report for ${group}: ${d.outcome ?? "no outcome"}`;
    const eventId = e.id ?? ctx.delivery.snsMessageId ?? ctx.delivery.recordId;
    const t = d.trigger;
    const links: Link[] = [];
    if (region && isRegionCode(region)) {
      if (d.groupId) links.push({ text: "Open security group", url: securityGroupUrl(region, d.groupId) });
      if (t?.kind === "cloudtrail" && t.eventId)
        links.push({ text: "Open trigger in CloudTrail", url: cloudTrailEventUrl(region, t.eventId) });
      if (t?.kind === "config-compliance" && t.configRuleName)
        links.push({ text: "Open rule in AWS Config", url: configRuleUrl(region, t.configRuleName) });
    }
    return {
      ...FINDING_CLASSES.remediation,
      class_name: "remediation",
      kind: "remediation",
      uid: eventId,
      event_name: d.outcome,
      status: d.outcome,
      // The report's EventBridge time is when the remediation function acted.
      time: e.time,
      ...(d.openedAt ? { first_seen: d.openedAt } : {}),
      title,
      desc: d.reason,
      cloud: { account: { uid: accountId }, region },
      resources: d.groupId
        ? [
            {
              uid: d.groupId,
              type: "AWS::EC2::SecurityGroup",
              ...(d.groupName ? { name: d.groupName } : {}),
              ...(d.vpcId ? { data: { vpc: d.vpcId } } : {}),
            },
          ]
        : [],
      ...(d.openedBy ? { actor: { uid: d.openedBy } } : {}),
      evidence: {
        trigger: {
          ...(t?.kind ? { kind: t.kind } : {}),
          ...(t?.eventId ? { event_uid: t.eventId } : {}),
          ...(t?.eventName ? { event_name: t.eventName } : {}),
          ...(t?.configRuleName ? { rule: t.configRuleName } : {}),
        },
        permissions,
      },
      links,
      actions: { none: true },
      metadata: {
        source: "remediation",
        event_uid: eventId,
        event_label: "EventBridge event",
        event_type: REMEDIATION_DETAIL_TYPE,
      },
    };
  },

  severity: [
    {
      severity: "critical",
      when: "remediation in dry run: SSH stays open to the world",
      test: (f) => f.status === "dry-run",
    },
    {
      severity: "high",
      when: "remediation revoked SSH from the world, or the group is exempt",
      test: (f) => f.status === "revoked" || f.status === "exempt",
    },
    {
      severity: "info",
      when: "remediation found nothing to do",
      test: (f) => f.status === "already-compliant" || f.status === "group-not-found",
    },
  ],
  notifyAll: [REMEDIATION_EVENT_SOURCE],
  fixtures: [
    "eventbridge/remediation-already-compliant-config-trigger.json",
    "eventbridge/remediation-dry-run.json",
    "eventbridge/remediation-exempt.json",
    "eventbridge/remediation-revoked.json",
  ],
};
