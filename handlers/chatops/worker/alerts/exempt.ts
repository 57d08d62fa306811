// Exempt: tags the security group with the remediation's exemption tag (so neither the automatic
// SSH remediation nor Revert closes it until it expires), its value recording the expiry, who
// gave it and why (../../../shared/exemption.ts); the whole reason and who gave it also go in tags
// of their own. EC2 tag values hold at most 256 characters
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions).
import { CreateTagsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DEFAULT_EXEMPTION_DAYS } from "../../../shared/alertActions";
import { errorCode } from "../../../shared/errors";
import {
  EXEMPTED_BY_TAG,
  EXEMPT_REASON_TAG,
  cutTagValue as tagValue,
  expiryAfter,
  formatExemption,
} from "../../../shared/exemption";
import { escapeSlack } from "../format";
import { ActionContext, ActionResult } from "./context";

/** Tags written next to the exemption tag (the spoke's operator role may write only these keys). */
export { EXEMPTED_BY_TAG, EXEMPT_REASON_TAG };

/** The reason typed in the modal, or one naming the user. */
export function exemptReason(ctx: Pick<ActionContext, "reason" | "userId" | "userName">): string {
  const typed = ctx.reason?.trim();
  if (typed) return typed;
  return `exempted from Slack by ${ctx.userName ? `${ctx.userName} (${ctx.userId})` : ctx.userId}`;
}

export async function exemptGroup(ctx: ActionContext): Promise<ActionResult> {
  const { ref, settings } = ctx;
  const groupId = ref.groupId;
  if (!groupId) return { outcome: "not-applicable", text: "Exempt applies to security-group alerts only." };
  const where = `\`${groupId}\` in ${ctx.accountLabel} ${ref.region}`;
  const reason = exemptReason(ctx);
  const days = settings.exemptionDays ?? DEFAULT_EXEMPTION_DAYS;
  const expiryDays = ctx.expiryDays ?? days.defaultDays;
  // The ack checks the dialog too; this covers a message that did not come through it.
  if (!Number.isInteger(expiryDays) || expiryDays < 1 || expiryDays > days.maxDays)
    return {
      outcome: "invalid",
      text: `Not exempted: an exemption lasts 1 to ${days.maxDays} days (asked: ${expiryDays}).`,
    };
  const expiresAt = expiryAfter(ctx.now(), expiryDays);
  const by = `slack-${ctx.userId}`;
  const ec2 = new EC2Client({ region: ref.region, credentials: ctx.credentials });
  try {
    await ctx.call("EC2 CreateTags", (abortSignal) =>
      ec2.send(
        new CreateTagsCommand({
          Resources: [groupId],
          Tags: [
            { Key: settings.exemptTagKey, Value: formatExemption({ expiresAt, by, why: reason }) },
            { Key: EXEMPT_REASON_TAG, Value: tagValue(reason) },
            { Key: EXEMPTED_BY_TAG, Value: tagValue(by) },
          ],
        }),
        { abortSignal },
      ),
    );
  } catch (err) {
    if (errorCode(err) === "InvalidGroup.NotFound" || errorCode(err) === "InvalidID")
      return { outcome: "not-found", text: `Not exempted: ${where} no longer exists.` };
    throw err;
  } finally {
    ec2.destroy();
  }
  // The typed reason is shown as text: escaped, so it cannot mention @channel or forge links.
  const skipped = ctx.modalSkipped ? ` (No reason dialog: ${escapeSlack(ctx.modalSkipped)}.)` : "";
  return {
    outcome: "ok",
    text: `Exempted ${where} until ${expiresAt} (tag \`${settings.exemptTagKey}\`): ${escapeSlack(tagValue(reason))}.${skipped}`,
    done: true,
  };
}
