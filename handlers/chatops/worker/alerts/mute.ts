// Mute (24 h; critical alerts: the shorter time their record sets): writes a mute rule for alerts like this one to the hub's mutes table, with the user,
// the reason and the expiry: the same account, region and kind, and the event name and resource
// (security group, or the resource id or ARN the alert names) when the alert has them - the
// fields the notifier's mute rules match on. The notifier reads the table (besides the stack's
// mute rules) and holds matching alerts back until the rule expires; DynamoDB's TTL removes the
// item afterwards. The item is written with the credentials of the hub's alert-actions role
// assumed as the Slack user (the worker's own role may not write the table), so CloudTrail names
// the user.
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { MUTE_HOURS } from "../../../shared/alertActions";
import { RuntimeMute, muteItem } from "../../../shared/runtimeMutes";
import { escapeSlack } from "../format";
import { ActionContext, ActionResult } from "./context";

export { MUTE_HOURS };

export function muteFor(ctx: Pick<ActionContext, "ref" | "userId" | "userName" | "now">): RuntimeMute {
  const { ref } = ctx;
  const who = ctx.userName ? `${ctx.userName} (${ctx.userId})` : ctx.userId;
  const at = ctx.now();
  const resource = ref.groupId ?? ref.resource;
  // From the alert's server-side record, never the button: a crafted click cannot lengthen it.
  const hours = ref.muteHours ?? MUTE_HOURS;
  return {
    id: `slack:${ref.accountId}:${ref.region}:${ref.kind}:${ref.eventName ?? "-"}:${resource ?? "-"}:${at}`,
    createdBy: `slack-${ctx.userId}`,
    createdAt: new Date(at).toISOString(),
    rule: {
      name: `muted from Slack by ${who}`,
      accounts: [ref.accountId],
      regions: [ref.region],
      kinds: [ref.kind],
      ...(ref.eventName ? { eventNames: [ref.eventName] } : {}),
      ...(resource ? { resources: [resource] } : {}),
      reason: `muted for ${hours} h from Slack by ${who}`,
      expires: new Date(at + hours * 3_600_000).toISOString(),
    },
  };
}

export async function muteSimilar(ctx: ActionContext): Promise<ActionResult> {
  if (!ctx.credentials) throw new Error("Mute needs the alert-actions role's session (none was assumed)");
  const mute = muteFor(ctx);
  const db = new DynamoDBClient({ credentials: ctx.credentials });
  try {
    await ctx.call("DynamoDB PutItem", (abortSignal) =>
      db.send(new PutItemCommand({ TableName: ctx.settings.mutesTable, Item: muteItem(mute) }), {
        abortSignal,
      }),
    );
  } finally {
    db.destroy();
  }
  const until = mute.rule.expires.replace("T", " ").replace(/\.\d{3}Z$/, " UTC");
  const { ref } = ctx;
  const resource = ref.groupId ?? ref.resource;
  // Names from the button's value are shown escaped: a crafted value cannot mention or link.
  const what = [
    ref.eventName ? `\`${escapeSlack(ref.eventName)}\`` : `${escapeSlack(ref.kind)} alerts`,
    ...(resource ? [`on \`${escapeSlack(resource)}\``] : []),
  ].join(" ");
  return {
    outcome: "ok",
    text: `Muted until ${until}: ${what} in ${ctx.accountLabel} ${ref.region} (mute \`${escapeSlack(mute.id)}\`).`,
    done: true,
  };
}
