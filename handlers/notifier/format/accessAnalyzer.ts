// IAM Access Analyzer findings ("Access Analyzer Finding": a resource shared outside the zone of
// trust, https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-eventbridge.html).
import type { KnownBlock } from "@slack/types";
import { Json, at, isObject, obj, str } from "../read";
import { accessAnalyzerFindingUrl, isRegionCode, parseArn } from "../../findings/links";
import { Field, buttons, code, esc, fieldSections, header, message, section } from "../slack";
import { FormatContext, Formatted, accountPlain, accountText, footer, regionText, timeText } from "./common";

const MAX_ACTIONS = 10;

/** "anyone (public)" for a `*` principal, else the principal values as given. */
export function externalPrincipal(principal: unknown): string {
  if (!isObject(principal)) return "not recorded";
  const parts: string[] = [];
  for (const [k, v] of Object.entries(principal)) {
    const values = Array.isArray(v) ? v : [v];
    for (const x of values)
      parts.push(x === "*" ? `anyone (${esc(k)} \`*\`)` : `${esc(k)} ${code(String(x))}`);
  }
  return parts.join(", ") || "not recorded";
}

export function formatAccessAnalyzer(event: Json, ctx: FormatContext): Formatted {
  const { problems, settings, record } = ctx;
  const detail = obj(event, "detail", problems, true) ?? {};
  const d = (path: string, required = false) => str(detail, path, problems, required, `detail.${path}`);
  const findingId = d("id", true);
  const resource = d("resource", true) ?? "unknown resource";
  const resourceType = d("resourceType") ?? "resource";
  const status = d("status") ?? "unknown";
  const accountId = d("accountId") ?? str(event, "account", problems);
  const region = d("region") ?? str(event, "region", problems);
  const isPublic = detail.isPublic === true;
  const actions = (Array.isArray(detail.action) ? detail.action : []).filter(
    (a): a is string => typeof a === "string",
  );
  const conditionKeys = isObject(detail.condition) ? Object.keys(detail.condition) : [];
  const analyzerArn = Array.isArray(event.resources)
    ? event.resources.find((r) => typeof r === "string")
    : undefined;
  const analyzerName =
    typeof analyzerArn === "string" ? parseArn(analyzerArn)?.resource.replace(/^analyzer\//, "") : undefined;

  const fields: Field[] = [
    { label: "Resource", value: `${esc(resourceType)}\n${code(resource)}` },
    { label: "Shared with", value: externalPrincipal(at(detail, "principal")) },
    {
      label: "Actions",
      value: actions.length
        ? actions.slice(0, MAX_ACTIONS).map(code).join(", ") +
          (actions.length > MAX_ACTIONS ? ` and ${actions.length - MAX_ACTIONS} more` : "")
        : "not recorded",
    },
    { label: "Public", value: isPublic ? ":warning: yes" : "no" },
    { label: "Status", value: esc(status) },
    { label: "Conditions", value: conditionKeys.length ? conditionKeys.map(code).join(", ") : "none" },
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(region) },
    { label: "Analyzed", value: timeText(d("analyzedAt") ?? d("updatedAt"), "detail.analyzedAt", problems) },
  ];
  const summary = isPublic
    ? `:rotating_light: *${esc(resourceType)} is public*: anyone can use it.`
    : `*${esc(resourceType)} is shared outside the account or organization.*`;
  const blocks: KnownBlock[] = [
    header(`Access Analyzer: ${resourceType} ${isPublic ? "public" : "shared externally"}`),
    section(summary),
    ...fieldSections(fields),
  ];
  if (findingId && analyzerName && region && isRegionCode(region))
    blocks.push(
      ...buttons([
        { text: "Open in Access Analyzer", url: accessAnalyzerFindingUrl(region, analyzerName, findingId) },
      ]),
    );
  blocks.push(footer(record, "Access Analyzer finding", findingId));
  const fallback = `Access Analyzer: ${esc(resource)} ${isPublic ? "is public" : "is shared externally"} in ${esc(accountPlain(accountId, settings))}`;
  return {
    kind: "access-analyzer",
    accountId,
    eventId: findingId,
    region,
    message: message(isPublic ? "danger" : status === "ACTIVE" ? "warning" : "neutral", fallback, blocks),
  };
}
