// Mute 24 h: writes a mute rule for alerts like this one (same account, region, kind, event name
// and security group) to the hub's mutes table, with the user, the reason and the expiry. The
// notifier reads the table (besides the stack's mute rules) and holds matching alerts back until
// the rule expires; DynamoDB's TTL removes the item afterwards. The item is written with the
// credentials of the hub's alert-actions role assumed as the Slack user (the worker's own role may
// not write the table), so CloudTrail names the user.
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { RuntimeMute, muteItem } from "../../../shared/runtimeMutes";
import { ActionContext, ActionResult } from "./context";

export const MUTE_HOURS = 24;

export function muteFor(ctx: Pick<ActionContext, "ref" | "userId" | "userName" | "now">): RuntimeMute {
  const { ref } = ctx;
  const who = ctx.userName ? `${ctx.userName} (${ctx.userId})` : ctx.userId;
  const at = ctx.now();
  return {
    id: `slack:${ref.accountId}:${ref.region}:${ref.groupId}:${ref.eventName}:${at}`,
    createdBy: `slack-${ctx.userId}`,
    createdAt: new Date(at).toISOString(),
    rule: {
      name: `muted from Slack by ${who}`,
      accounts: [ref.accountId],
      regions: [ref.region],
      kinds: [ref.kind],
      eventNames: [ref.eventName],
      resources: [ref.groupId],
      reason: `muted for ${MUTE_HOURS} h from Slack by ${who}`,
      expires: new Date(at + MUTE_HOURS * 3_600_000).toISOString(),
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
  return {
    outcome: "ok",
    text:
      `Muted until ${until}: \`${ctx.ref.eventName}\` on \`${ctx.ref.groupId}\` in ${ctx.accountLabel} ${ctx.ref.region} ` +
      `(mute \`${mute.id}\`).`,
    done: true,
  };
}
