// GuardDuty findings as EventBridge delivers them ("GuardDuty Finding"; finding format:
// https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-format.html). Severity bands:
// https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html
import type { KnownBlock } from "@slack/types";
import { Json, at, isObject, num, obj, str } from "../read";
import { guardDutyFindingUrl, isRegionCode } from "../../findings/links";
import { Field, Severity, buttons, code, esc, fieldSections, header, message, section } from "../slack";
import { FormatContext, Formatted, accountPlain, accountText, footer, regionText, timeText } from "./common";

/** GuardDuty's severity name for a numeric severity. */
export function guardDutySeverityName(severity: number | undefined): string {
  if (severity === undefined) return "Unknown";
  if (severity >= 9) return "Critical";
  if (severity >= 7) return "High";
  if (severity >= 4) return "Medium";
  return "Low";
}

const COLOR_BY_NAME: Record<string, Severity> = { Critical: "danger", High: "danger", Medium: "warning" };

const s = (o: unknown, path: string): string | undefined => {
  const v = at(o, path);
  return typeof v === "string" && v.trim() !== "" ? v : typeof v === "number" ? String(v) : undefined;
};

/** The affected resource, in a few words: "instance `i-0abc` (payments-bastion)". */
export function guardDutyResource(resource: Json | undefined): string {
  if (!resource) return "not recorded";
  const type = s(resource, "resourceType") ?? "unknown resource";
  switch (type) {
    case "Instance": {
      const id = s(resource, "instanceDetails.instanceId");
      const tags = at(resource, "instanceDetails.tags");
      const name = Array.isArray(tags)
        ? tags.filter(isObject).find((t) => t.key === "Name" && typeof t.value === "string")?.value
        : undefined;
      return `instance ${id ? code(id) : "(no id)"}${typeof name === "string" ? ` (${esc(name)})` : ""}`;
    }
    case "AccessKey": {
      const user = s(resource, "accessKeyDetails.userName");
      const key = s(resource, "accessKeyDetails.accessKeyId");
      const userType = s(resource, "accessKeyDetails.userType");
      return `access key ${key ? code(key) : "(no id)"} of ${esc(userType ?? "principal")} ${user ? code(user) : "(unknown)"}`;
    }
    case "S3Bucket": {
      const buckets = at(resource, "s3BucketDetails");
      const names = Array.isArray(buckets)
        ? buckets.map((b) => s(b, "name")).filter((n): n is string => !!n)
        : [];
      return `S3 bucket ${names.length ? names.map(code).join(", ") : "(no name)"}`;
    }
    case "EKSCluster":
      return `EKS cluster ${code(s(resource, "eksClusterDetails.name") ?? "(no name)")}`;
    case "RDSDBInstance":
      return `RDS instance ${code(s(resource, "rdsDbInstanceDetails.dbInstanceIdentifier") ?? "(no id)")}`;
    case "Lambda":
      return `Lambda function ${code(s(resource, "lambdaDetails.functionName") ?? "(no name)")}`;
    default:
      return esc(type);
  }
}

/** Who or what acted: the remote IP (with country and organization) or the domain. */
export function guardDutyActor(service: Json | undefined): string {
  const action = service ? at(service, "action") : undefined;
  if (!isObject(action)) return "not recorded";
  const candidates = [
    "networkConnectionAction.remoteIpDetails",
    "awsApiCallAction.remoteIpDetails",
    "kubernetesApiCallAction.remoteIpDetails",
    "rdsLoginAttemptAction.remoteIpDetails",
  ];
  const probe = at(action, "portProbeAction.portProbeDetails");
  const details = [
    ...candidates.map((p) => at(action, p)),
    Array.isArray(probe) && probe.length ? at(probe[0], "remoteIpDetails") : undefined,
  ].find(isObject);
  if (details) {
    const ip = s(details, "ipAddressV4") ?? s(details, "ipAddressV6");
    const where = [s(details, "country.countryName"), s(details, "organization.asnOrg")].filter(Boolean);
    if (ip) return `${code(ip)}${where.length ? ` (${esc(where.join(", "))})` : ""}`;
  }
  const domain = s(action, "dnsRequestAction.domain") ?? s(action, "awsApiCallAction.domainDetails.domain");
  if (domain) return `domain ${code(domain)}`;
  const api = s(action, "awsApiCallAction.api");
  return api ? `API call ${code(api)}` : esc(s(action, "actionType") ?? "not recorded");
}

export function formatGuardDuty(event: Json, ctx: FormatContext): Formatted {
  const { problems, settings, record } = ctx;
  const detail = obj(event, "detail", problems, true) ?? {};
  const d = (path: string, required = false) => str(detail, path, problems, required, `detail.${path}`);
  const type = d("type", true) ?? "unknown finding type";
  const title = d("title") ?? type;
  const findingId = d("id", true);
  const accountId = d("accountId") ?? str(event, "account", problems);
  const region = d("region") ?? str(event, "region", problems);
  const severity = num(detail, "severity", problems, "detail.severity");
  const severityName = guardDutySeverityName(severity);
  const service = obj(detail, "service", problems, false, "detail.service");
  const count = service ? num(service, "count", problems, "detail.service.count") : undefined;
  const archived = service?.archived === true;
  const resource = obj(detail, "resource", problems, false, "detail.resource");

  const fields: Field[] = [
    { label: "Severity", value: `${esc(severityName)}${severity !== undefined ? ` (${severity})` : ""}` },
    { label: "Finding type", value: code(type) },
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(region) },
    { label: "Resource", value: guardDutyResource(resource) },
    { label: "Actor", value: guardDutyActor(service) },
    { label: "Count", value: count !== undefined ? String(count) : "1" },
    {
      label: "First / last seen",
      value: `${timeText(str(service, "eventFirstSeen", problems), "detail.service.eventFirstSeen", problems)}\n${timeText(str(service, "eventLastSeen", problems), "detail.service.eventLastSeen", problems)}`,
    },
  ];
  const blocks: KnownBlock[] = [
    header(`GuardDuty: ${title}`),
    section(
      `*${esc(severityName)} severity* finding in ${esc(accountPlain(accountId, settings))}${archived ? " (archived)" : ""}`,
    ),
    ...fieldSections(fields),
  ];
  const description = d("description");
  if (description && description !== title) blocks.push(section(esc(description)));
  if (findingId && region && isRegionCode(region))
    blocks.push(...buttons([{ text: "Open in GuardDuty", url: guardDutyFindingUrl(region, findingId) }]));
  blocks.push(footer(record, "GuardDuty finding", findingId));
  const color = COLOR_BY_NAME[severityName] ?? "neutral";
  const fallback = `GuardDuty ${severityName}: ${esc(title)} in ${esc(accountPlain(accountId, settings))}${region ? ` ${esc(region)}` : ""}`;
  return {
    kind: "guardduty",
    accountId,
    eventId: findingId,
    region,
    message: message(color, fallback, blocks),
  };
}
