// The layout of a console sign-in: who, from where, the result, MFA, the CIS controls.
import type { KnownBlock } from "@slack/types";
import type { Finding } from "../../findings/model";
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
import { FormatContext, accountOf, accountPlain, accountText, footer, regionText, timeText } from "./common";
import { actorText, cisLine } from "./cloudtrail";

export function formatSignIn(f: Finding, ctx: FormatContext): ReturnType<typeof message> {
  const { settings, delivery, problems } = ctx;
  const accountId = accountOf(f);
  const root = f.actor?.type === "Root";
  const failed = f.status === "Failure";
  const noMfa = !failed && f.actor?.mfa !== true;
  const fields: Field[] = [
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(f.cloud.region) },
    { label: "Identity", value: actorText(f) },
    {
      label: "Result",
      value: failed ? `:x: failed${f.status_reason ? ` (${esc(f.status_reason)})` : ""}` : "succeeded",
    },
    { label: "MFA used", value: f.actor?.mfa_label ? esc(f.actor.mfa_label) : "not recorded" },
    { label: "Source IP", value: f.actor?.ip ? code(f.actor.ip) : "not recorded" },
    { label: "User agent", value: f.actor?.user_agent ? code(f.actor.user_agent) : "not recorded" },
    { label: "Time", value: timeText(f.time, "detail.eventTime", problems) },
  ];
  const blocks: KnownBlock[] = [header(f.title)];
  if (root)
    blocks.push(
      section(
        ":rotating_light: *The root user signed in.* Root should be used only for the few tasks that need it.",
      ),
    );
  blocks.push(...fieldSections(fields));
  if (f.controls?.length) blocks.push(context(esc(cisLine(f.controls))));
  blocks.push(...buttons(f.links), footer(f, delivery));
  const color: Severity = root ? "danger" : failed || noMfa ? "warning" : "neutral";
  return message(color, `${esc(f.title)} in ${esc(accountPlain(accountId, settings))}`, blocks);
}
