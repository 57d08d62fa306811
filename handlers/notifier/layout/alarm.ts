// The layout of a CloudWatch alarm state change (EventBridge or SNS alarm action: one model).
import type { KnownBlock } from "@slack/types";
import type { Finding } from "../../findings/model";
import { Field, Severity, buttons, code, esc, fieldSections, header, message, section } from "../slack";
import { FormatContext, accountOf, accountPlain, accountText, footer, regionText, timeText } from "./common";

export function formatAlarm(f: Finding, ctx: FormatContext): ReturnType<typeof message> {
  const { settings, delivery, problems } = ctx;
  const accountId = accountOf(f);
  const region = f.cloud.region;
  const state = f.status ?? "UNKNOWN";
  const severity: Severity = state === "ALARM" ? "danger" : state === "OK" ? "good" : "neutral";
  const fields: Field[] = [
    { label: "Account", value: accountText(accountId, settings) },
    {
      label: "Region",
      value: region ? regionText(region) : f.cloud.region_label ? esc(f.cloud.region_label) : "unknown",
    },
    { label: "State", value: `${f.status_previous ? `${code(f.status_previous)} → ` : ""}*${esc(state)}*` },
    { label: "Changed at", value: timeText(f.time, "state change time", problems) },
  ];
  if (f.evidence.metric) fields.push({ label: "Metric", value: esc(f.evidence.metric) });
  if (f.evidence.condition) fields.push({ label: "Condition", value: esc(f.evidence.condition) });
  const blocks: KnownBlock[] = [header(f.title)];
  if (f.desc) blocks.push(section(esc(f.desc)));
  blocks.push(...fieldSections(fields));
  if (f.status_reason) blocks.push(section(`*Reason*\n${esc(f.status_reason)}`));
  blocks.push(...buttons(f.links), footer(f, delivery));
  const fallback = `${severity === "danger" ? ":red_circle: " : ""}${esc(f.title)} in ${esc(accountPlain(accountId, settings))}${region ? ` ${esc(region)}` : ""}`;
  return message(severity, fallback, blocks);
}
