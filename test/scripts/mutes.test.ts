// `npm run mutes`: runs scripts/mutes.ts as a user would (ts-node, separate process) against moto:
// the mutes the Mute button wrote that are in force, none that expired, and unreadable items named.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as path from "path";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateSecurityGroupCommand } from "@aws-sdk/client-ec2";
import { formatExemption } from "../../handlers/shared/exemption";
import { spokeEc2 } from "../handlers/remediator/support";
import { muteFor } from "../../handlers/chatops/worker/alerts/mute";
import { muteItem } from "../../handlers/shared/runtimeMutes";
import { useMoto } from "../helpers/moto";
import { createSeenTable } from "../helpers/seenTable";

const REPO = path.resolve(__dirname, "..", "..");
const TABLE = "security-guard-alert-mutes";

function mutes(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/mutes.ts", ...args],
      { cwd: REPO, env: { PATH: process.env.PATH ?? "", ...env } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run mutes (moto)", function () {
  this.timeout(60_000);
  const moto = useMoto();

  const ref = {
    accountId: "222222222222",
    region: "ap-northeast-2",
    kind: "security-group",
    eventName: "AuthorizeSecurityGroupIngress",
    groupId: "sg-0a1b2c3d4e5f60718",
    permissions: [],
  };

  it("lists the mutes in force with their conditions, user, reason and expiry; not the expired ones", async () => {
    await createSeenTable(TABLE);
    const db = new DynamoDBClient({ region: "us-east-1" });
    const now = Date.now();
    const live = muteFor({ ref, userId: "U0OPERATOR", userName: "alice", now: () => now });
    const expired = muteFor({ ref, userId: "U0OPERATOR", now: () => now - 25 * 3_600_000 });
    for (const m of [live, expired])
      await db.send(new PutItemCommand({ TableName: TABLE, Item: muteItem(m) }));

    const json = await mutes(moto().env, "--json");
    assert.equal(json.code, 0, json.stderr);
    const listing = JSON.parse(json.stdout);
    assert.deepEqual([listing.table, listing.region, listing.problems], [TABLE, "us-east-1", []]);
    assert.deepEqual(listing.mutes, [JSON.parse(JSON.stringify(live))]);

    const text = await mutes(moto().env);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trimEnd().split("\n");
    assert.match(
      lines[0],
      /^1 mute\(s\) written from Slack in force in security-guard-alert-mutes \(us-east-1\) at .* UTC:$/,
    );
    assert.deepEqual(lines.slice(1, 2), [`  ${live.id}`]);
    assert.match(lines[2], /^ {4}until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, by slack-U0OPERATOR at /);
    assert.equal(
      lines[3],
      "    accounts=222222222222 regions=ap-northeast-2 kinds=security-group eventNames=AuthorizeSecurityGroupIngress resources=sg-0a1b2c3d4e5f60718",
    );
    assert.equal(lines[4], "    reason: muted for 24 h from Slack by alice (U0OPERATOR)");
  });

  it("lists the exemptions in force in the stack files' spokes (who, why, expiry); not expired or unreadable ones", async () => {
    await createSeenTable(TABLE);
    // Pulumi.spoke-payments.yaml: account 222222222222, regions include ap-northeast-2.
    const ec2 = await spokeEc2("222222222222", "ap-northeast-2");
    const group = async (name: string, value: string, extra: Record<string, string> = {}) =>
      (
        await ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: name,
            Description: name,
            TagSpecifications: [
              {
                ResourceType: "security-group",
                Tags: Object.entries({ "security-guard:ssh-exempt": value, ...extra }).map(
                  ([Key, Value]) => ({
                    Key,
                    Value,
                  }),
                ),
              },
            ],
          }),
        )
      ).GroupId!;
    const far = new Date(Date.now() + 10 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const live = await group(
      "bastion",
      formatExemption({ expiresAt: far, by: "slack-U0OPERATOR", why: "CHG-1234" }),
    );
    const legacy = await group("vendor", "true", {
      "security-guard:exempt-reason": "vendor appliance",
      "security-guard:exempted-by": "slack-U0OLD",
    });
    await group("over", formatExemption({ expiresAt: "2020-01-01T00:00:00Z", by: "slack-U1", why: "old" }));
    await group("typo", "yes");

    const json = await mutes(moto().env, "--json");
    assert.equal(json.code, 0, json.stderr);
    const listing = JSON.parse(json.stdout);
    assert.deepEqual(listing.exemptionProblems, []);
    assert.deepEqual(listing.exemptions, [
      {
        accountId: "222222222222",
        region: "ap-northeast-2",
        groupId: live,
        groupName: "bastion",
        by: "slack-U0OPERATOR",
        why: "CHG-1234",
        expiresAt: far,
      },
      {
        accountId: "222222222222",
        region: "ap-northeast-2",
        groupId: legacy,
        groupName: "vendor",
        by: "slack-U0OLD",
        why: "vendor appliance",
      },
    ]);
    const text = await mutes(moto().env);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trimEnd().split("\n");
    const at = lines.indexOf("2 exemption(s) from SSH remediation in force:");
    assert.ok(at > 0, text.stdout);
    assert.deepEqual(lines.slice(at + 1), [
      `  ${live} (bastion) in 222222222222 ap-northeast-2`,
      `    until ${far.replace("T", " ").replace("Z", " UTC")}, by slack-U0OPERATOR`,
      "    reason: CHG-1234",
      `  ${legacy} (vendor) in 222222222222 ap-northeast-2`,
      "    no expiry yet (the daily check gives it the default), by slack-U0OLD",
      "    reason: vendor appliance",
    ]);
  });

  it("names an unreadable item and exits 1; a missing table is a clear error", async () => {
    await createSeenTable(TABLE);
    const db = new DynamoDBClient({ region: "us-east-1" });
    await db.send(
      new PutItemCommand({ TableName: TABLE, Item: { id: { S: "hand-made" }, rule: { S: "{not json" } } }),
    );
    const bad = await mutes(moto().env);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /\n {2}unreadable: mute hand-made: rule is not JSON$/m);

    const missing = await mutes(moto().env, "--table", "no-such-table");
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /^mutes: cannot read no-such-table in us-east-1: Requested resource not found$/m,
    );
  });
});
