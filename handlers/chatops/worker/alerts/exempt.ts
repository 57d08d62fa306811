// Exempt: tags the security group with the remediation's exemption tag (so neither the automatic
// SSH remediation nor Revert closes it), with the reason and who gave it. EC2 tag values hold at
// most 256 characters (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions).
import { CreateTagsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { MAX_EXEMPT_REASON_CHARS } from "../../../shared/alertActions";
import { errorCode } from "../../../shared/errors";
import { escapeSlack } from "../format";
import { ActionContext, ActionResult } from "./context";

/** Tags written next to the exemption tag (the spoke's operator role may write only these keys). */
export const EXEMPT_REASON_TAG = "security-guard:exempt-reason";
export const EXEMPTED_BY_TAG = "security-guard:exempted-by";
const MAX_TAG_VALUE = MAX_EXEMPT_REASON_CHARS;

/** At most `max` characters, counted as EC2 counts them (code points: no half of an emoji). */
const tagValue = (v: string, max = MAX_TAG_VALUE): string => Array.from(v).slice(0, max).join("");

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
  const ec2 = new EC2Client({ region: ref.region, credentials: ctx.credentials });
  try {
    await ctx.call("EC2 CreateTags", (abortSignal) =>
      ec2.send(
        new CreateTagsCommand({
          Resources: [groupId],
          Tags: [
            { Key: settings.exemptTagKey, Value: "true" },
            { Key: EXEMPT_REASON_TAG, Value: tagValue(reason) },
            { Key: EXEMPTED_BY_TAG, Value: tagValue(`slack-${ctx.userId}`) },
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
    text: `Exempted ${where} (tag \`${settings.exemptTagKey}=true\`): ${escapeSlack(tagValue(reason))}.${skipped}`,
    done: true,
  };
}
