// The layout of an IAM Access Analyzer external-access finding: what is shared, with whom, which
// actions under which conditions, and whether it is public.
import type { KnownBlock } from "@slack/types";
import type { Finding, Observable } from "../../findings/model";
import { Field, buttons, code, esc, fieldSections, header, message, section } from "../slack";
import { FormatContext, accountOf, accountPlain, accountText, footer, regionText, timeText } from "./common";

const MAX_ACTIONS = 10;

/** "anyone (public)" for a `*` principal, else the principal values as given. */
export function externalPrincipal(principals: readonly Observable[] | undefined): string {
  const parts = (principals ?? []).map((p) =>
    p.value === "*" ? `anyone (${esc(p.name)} \`*\`)` : `${esc(p.name)} ${code(p.value)}`,
  );
  return parts.join(", ") || "not recorded";
}

export function formatAccessAnalyzer(f: Finding, ctx: FormatContext): ReturnType<typeof message> {
  const { settings, delivery, problems } = ctx;
  const e = f.evidence;
  const accountId = accountOf(f);
  const region = f.cloud.region;
  const resource = f.resources[0]?.uid ?? "unknown resource";
  const resourceType = f.resources[0]?.type ?? f.event_name ?? "resource";
  const isPublic = !!e.public;
  const status = f.status ?? "unknown";
  const actions = e.actions ?? [];
  const conditions = e.conditions ?? [];
  const fields: Field[] = [
    { label: "Resource", value: `${esc(resourceType)}\n${code(resource)}` },
    { label: "Shared with", value: externalPrincipal(e.principals) },
    {
      label: "Actions",
      value: actions.length
        ? actions.slice(0, MAX_ACTIONS).map(code).join(", ") +
          (actions.length > MAX_ACTIONS ? ` and ${actions.length - MAX_ACTIONS} more` : "")
        : "not recorded",
    },
    { label: "Public", value: isPublic ? ":warning: yes" : "no" },
    { label: "Status", value: esc(status) },
    { label: "Conditions", value: conditions.length ? conditions.map(code).join(", ") : "none" },
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(region) },
    { label: "Analyzed", value: timeText(f.last_seen, "detail.analyzedAt", problems) },
  ];
  const summary = isPublic
    ? `:rotating_light: *${esc(resourceType)} is public*: anyone can use it.`
    : `*${esc(resourceType)} is shared outside the account or organization.*`;
  const blocks: KnownBlock[] = [header(f.title), section(summary), ...fieldSections(fields)];
  blocks.push(...buttons(f.links), footer(f, delivery));
  const fallback = `Access Analyzer: ${esc(resource)} ${isPublic ? "is public" : "is shared externally"} in ${esc(accountPlain(accountId, settings))}`;
  return message(isPublic ? "danger" : status === "ACTIVE" ? "warning" : "neutral", fallback, blocks);
}
