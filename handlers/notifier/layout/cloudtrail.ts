// The layout of an API call (CloudTrail): who called what on which resource, the result, what
// changed (security-group rules, else the request parameters), the CIS controls it falls under.
import type { KnownBlock } from "@slack/types";
import type { ControlRef, Finding, RuleChange } from "../../findings/model";
import { DESTRUCTIVE_NAME } from "../../findings/sources/cloudTrail";
import {
  Field,
  Severity,
  buttons,
  code,
  context,
  esc,
  fieldSections,
  header,
  message,
  section,
} from "../slack";
import { alertButtons } from "../alertButtons";
import { DEFAULT_WORLD_PREFIXES, WorldPrefixes, isWorldCidr } from "../../shared/world";
import { FormatContext, accountOf, accountPlain, accountText, footer, regionText, timeText } from "./common";

/** "This opens SSH to the whole internet (0.0.0.0/1, 2000::/3).": the world ranges the change adds. */
function worldNotice(
  rules: ReadonlyArray<{ world: boolean; peers: string[] }>,
  ssh: boolean,
  limits: WorldPrefixes = DEFAULT_WORLD_PREFIXES,
): string {
  const ranges = new Set(
    rules.flatMap((r) => (r.world ? r.peers.filter((p) => isWorldCidr(p, limits)) : [])),
  );
  const list = ranges.size ? ` (${[...ranges].join(", ")})` : "";
  return `This opens ${ssh ? "SSH" : "ingress"} to the whole internet${list}.`;
}

/** "CIS 4.2 (Security Hub CloudWatch.3): Console sign-in without MFA". */
export function cisLine(controls: readonly ControlRef[]): string {
  return controls
    .map(
      (c) => `CIS ${c.cis}${c.securityHub !== "none" ? ` (Security Hub ${c.securityHub})` : ""}: ${c.title}`,
    )
    .join(" · ");
}

/** "IAM user alice\n`arn:...`": the actor and the principal behind it. */
export function actorText(f: Finding): string {
  const a = f.actor;
  const principal = a?.type === "AWSService" ? (a.invoked_by ?? a.uid) : a?.uid;
  return `${esc(a?.name ?? "unknown identity")}${principal ? `\n${code(principal)}` : ""}`;
}

function ruleLine(r: RuleChange): string {
  const peers = r.peers.length ? r.peers.map(code).join(", ") : "no source given";
  const world = r.world ? " :warning: *open to the internet*" : "";
  const id = r.rule_uid ? ` (${code(r.rule_uid)})` : "";
  const desc = r.description ? ` "${esc(r.description)}"` : "";
  return `• ${r.direction} ${esc(r.what)} ${r.direction === "egress" ? "to" : "from"} ${peers}${id}${desc}${world}`;
}

function changeLines(f: Finding): string {
  const e = f.evidence;
  const lines: string[] = [];
  if (e.new_group) {
    const g = e.new_group;
    lines.push(
      `• new group ${g.name ? code(g.name) : "(no name)"}${g.vpc ? ` in ${code(g.vpc)}` : ""}${g.description ? `: "${esc(g.description)}"` : ""}`,
    );
  }
  for (const r of e.rules ?? []) lines.push(ruleLine(r));
  for (const r of e.rule_uids ?? []) lines.push(`• ${r.direction} rule ${code(r.uid)}`);
  if (lines.length) return lines.join("\n");
  if (!e.parameters) return "no request parameters were recorded";
  const params = e.parameters.items.map((p) =>
    p.counted
      ? `• ${code(p.name)}: ${p.value}`
      : p.values
        ? `• ${code(p.name)}: ${p.values.map(code).join(", ")}`
        : `• ${code(p.name)}: ${code(p.value)}`,
  );
  if (e.parameters.more) params.push(`… ${e.parameters.more} more parameter(s)`);
  return params.length ? params.join("\n") : "no parameters recorded";
}

export function formatCloudTrail(f: Finding, ctx: FormatContext): ReturnType<typeof message> {
  const { settings, delivery, problems } = ctx;
  const accountId = accountOf(f);
  const region = f.cloud.region;
  const eventName = f.api?.operation ?? "unknown API call";
  const target = f.resources[0]?.uid;
  const error = f.api?.response?.error;
  const root = f.actor?.type === "Root" && !f.actor.invoked_by;
  const world = !!f.evidence.world_ingress;
  const severity: Severity = DESTRUCTIVE_NAME.test(eventName) || world || root ? "danger" : "neutral";
  const who = f.actor?.name ?? "unknown identity";
  const summary =
    `*${esc(who)}* called ${code(eventName)}${target ? ` on ${code(target)}` : ""} ` +
    `in ${esc(accountPlain(accountId, settings))}` +
    (world
      ? `\n:rotating_light: *${esc(worldNotice(f.evidence.rules ?? [], !!f.evidence.world_ssh, settings.worldPrefixes))}*`
      : "") +
    (root ? "\n:rotating_light: *Made with the root user's credentials.*" : "");
  const fields: Field[] = [
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(region) },
    { label: "Actor", value: actorText(f) },
    { label: "Source IP", value: f.actor?.ip ? code(f.actor.ip) : "not recorded" },
    { label: "Event time", value: timeText(f.time, "detail.eventTime", problems) },
    {
      label: "Result",
      value: error
        ? `:x: ${code(error)}${f.api?.response?.message ? ` ${esc(f.api.response.message)}` : ""}`
        : "succeeded",
    },
  ];
  const blocks: KnownBlock[] = [header(f.title), section(summary), ...fieldSections(fields)];
  blocks.push(section(`*What changed*\n${changeLines(f)}`));
  if (f.controls?.length) blocks.push(context(esc(cisLine(f.controls))));
  blocks.push(...buttons(f.links));
  const group = f.actions?.security_group;
  if (settings.alertActions && group && accountId && region) {
    const actions = alertButtons(
      {
        accountId,
        region,
        kind: f.kind,
        eventName,
        groupId: group.uid,
        eventId: f.uid,
        permissions: group.added,
      },
      settings.worldPrefixes,
    );
    if (actions) blocks.push(actions);
  }
  blocks.push(footer(f, delivery));
  const fallback =
    `${severity === "danger" ? ":red_circle: " : ""}${esc(f.title)} by ${esc(who)} in ${esc(accountPlain(accountId, settings))}` +
    `${region ? ` ${esc(region)}` : ""}${world ? " (opens ingress to the internet)" : ""}`;
  return message(severity, fallback, blocks);
}
