// Console sign-ins ("AWS Console Sign In via CloudTrail"): the CIS sign-in controls, i.e. root
// sign-ins, sign-ins without MFA and authentication failures
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html).
import type { KnownBlock } from "@slack/types";
import { CIS_ROOT_USAGE, CIS_SIGN_IN_FAILURES, CIS_SIGN_IN_WITHOUT_MFA } from "../../shared/cisControls";
import { Json, obj, str } from "../read";
import { describeActor } from "../identity";
import { cloudTrailEventUrl, isRegionCode } from "../../findings/links";
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
import { FormatContext, Formatted, accountPlain, accountText, footer, regionText, timeText } from "./common";

export interface CisLabel {
  cis: string;
  securityHub: string;
  title: string;
}

/** "CIS 4.2 (Security Hub CloudWatch.3): Console sign-in without MFA". */
export function cisLine(controls: CisLabel[]): string {
  return controls
    .map(
      (c) => `CIS ${c.cis}${c.securityHub !== "none" ? ` (Security Hub ${c.securityHub})` : ""}: ${c.title}`,
    )
    .join(" · ");
}

export function formatSignIn(event: Json, ctx: FormatContext): Formatted {
  const { problems, settings, record } = ctx;
  const detail = obj(event, "detail", problems, true) ?? {};
  const d = (path: string, required = false) => str(detail, path, problems, required, `detail.${path}`);
  const actor = describeActor(detail, problems);
  const result = d("responseElements.ConsoleLogin") ?? "unknown";
  const mfa = d("additionalEventData.MFAUsed");
  const region = d("awsRegion") ?? str(event, "region", problems);
  const accountId = d("recipientAccountId") ?? str(event, "account", problems) ?? d("userIdentity.accountId");
  const eventId = d("eventID", true);
  const root = actor.type === "Root";
  const failed = result === "Failure";
  const noMfa = !failed && mfa !== "Yes";

  const controls: CisLabel[] = [];
  if (root) controls.push(CIS_ROOT_USAGE);
  if (failed) controls.push(CIS_SIGN_IN_FAILURES);
  else if (noMfa && actor.type === "IAMUser") controls.push(CIS_SIGN_IN_WITHOUT_MFA);

  const who = root ? "the root user" : actor.summary;
  const headline = failed
    ? `Console sign-in failed: ${who}`
    : `Console sign-in${noMfa ? " without MFA" : ""}: ${who}`;
  const fields: Field[] = [
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(region) },
    {
      label: "Identity",
      value: `${esc(actor.summary)}${actor.principal ? `\n${code(actor.principal)}` : ""}`,
    },
    {
      label: "Result",
      value: failed ? `:x: failed${d("errorMessage") ? ` (${esc(d("errorMessage")!)})` : ""}` : "succeeded",
    },
    { label: "MFA used", value: mfa ? esc(mfa) : "not recorded" },
    { label: "Source IP", value: d("sourceIPAddress") ? code(d("sourceIPAddress")!) : "not recorded" },
    { label: "User agent", value: d("userAgent") ? code(d("userAgent")!) : "not recorded" },
    {
      label: "Time",
      value: timeText(d("eventTime") ?? str(event, "time", problems), "detail.eventTime", problems),
    },
  ];
  const blocks: KnownBlock[] = [header(headline)];
  if (root)
    blocks.push(
      section(
        ":rotating_light: *The root user signed in.* Root should be used only for the few tasks that need it.",
      ),
    );
  blocks.push(...fieldSections(fields));
  if (controls.length) blocks.push(context(esc(cisLine(controls))));
  if (eventId && region && isRegionCode(region))
    blocks.push(...buttons([{ text: "Open in CloudTrail", url: cloudTrailEventUrl(region, eventId) }]));
  blocks.push(footer(record, "CloudTrail event", eventId));
  const color: Severity = root ? "danger" : failed || noMfa ? "warning" : "neutral";
  const fallback = `${esc(headline)} in ${esc(accountPlain(accountId, settings))}`;
  return { kind: "sign-in", accountId, eventId, region, message: message(color, fallback, blocks) };
}
