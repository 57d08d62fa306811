// Exempt: tags the security group with the remediation's exemption tag (so neither the automatic
// SSH remediation nor Revert closes it), with the reason and who gave it. EC2 tag values hold at
// most 256 characters (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions).
import { CreateTagsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { errorCode } from "../../../shared/errors";
import { ActionContext, ActionResult } from "./context";

/** Tags written next to the exemption tag (the spoke's operator role may write only these keys). */
export const EXEMPT_REASON_TAG = "security-guard:exempt-reason";
export const EXEMPTED_BY_TAG = "security-guard:exempted-by";
const MAX_TAG_VALUE = 256;

/** The reason typed in the modal, or one naming the user. */
export function exemptReason(ctx: Pick<ActionContext, "reason" | "userId" | "userName">): string {
  const typed = ctx.reason?.trim();
  if (typed) return typed;
  return `exempted from Slack by ${ctx.userName ? `${ctx.userName} (${ctx.userId})` : ctx.userId}`;
}

export async function exemptGroup(ctx: ActionContext): Promise<ActionResult> {
  const { ref, settings } = ctx;
  const where = `\`${ref.groupId}\` in ${ctx.accountLabel} ${ref.region}`;
  const reason = exemptReason(ctx);
  const ec2 = new EC2Client({ region: ref.region, credentials: ctx.credentials });
  try {
    await ctx.call("EC2 CreateTags", (abortSignal) =>
      ec2.send(
        new CreateTagsCommand({
          Resources: [ref.groupId],
          Tags: [
            { Key: settings.exemptTagKey, Value: "true" },
            { Key: EXEMPT_REASON_TAG, Value: reason.slice(0, MAX_TAG_VALUE) },
            { Key: EXEMPTED_BY_TAG, Value: `slack-${ctx.userId}`.slice(0, MAX_TAG_VALUE) },
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
  return {
    outcome: "ok",
    text: `Exempted ${where} (tag \`${settings.exemptTagKey}=true\`): ${reason}.`,
    done: true,
  };
}
