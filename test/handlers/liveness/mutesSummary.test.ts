// The weekly list of mutes and exemptions as deployed (npm run lambdas packages, separate
// processes, moto + the Slack fake): a mute written from Slack in the hub's mutes table and an
// exemption tag on a spoke's security group; the Monday run puts the list on the hub bus next to
// the coverage summary, and the notifier posts both entries to Slack.
import { strict as assert } from "assert";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateSecurityGroupCommand, CreateTagsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DEFAULT_EXEMPT_TAG_KEY } from "../../../handlers/shared/constants";
import { formatExemption } from "../../../handlers/shared/exemption";
import { muteItem } from "../../../handlers/shared/runtimeMutes";
import { buildDeployedPackages, invokeDeployed } from "../../helpers/deployed";
import { createLivenessTable } from "../../helpers/livenessTable";
import { ciphertextFor } from "../../helpers/kms";
import { envWith, livenessEventsQueue, sessionAs } from "../../helpers/livenessBus";
import { useMoto } from "../../helpers/moto";
import { createSeenTable } from "../../helpers/seenTable";
import { useSlackServer } from "../../helpers/slackServer";

const HUB = "111111111111";
const SPOKE = "222222222222";
const REGION = "ap-northeast-2";

interface BusEvent {
  id: string;
  source: string;
  "detail-type": string;
  detail: Record<string, unknown>;
}

describe("liveness as deployed: the weekly mutes and exemptions list reaches Slack (moto + Slack fake)", function () {
  this.timeout(240_000);
  const moto = useMoto();
  const slack = useSlackServer();
  let livenessDir: string;
  let notifierDir: string;

  before(async function () {
    this.timeout(300_000);
    const { manifest } = await buildDeployedPackages({ grouping: false });
    const dir = (name: string) => manifest.functions.find((f) => f.function === name)!.dir;
    livenessDir = dir("security-guard-liveness");
    notifierDir = dir("security-guard-notifier");
  });
  after(async () => slack?.stop());

  const session = (roleArn: string) => sessionAs(roleArn, "t");

  it("lists the Slack mute (scope, who, until, why) and the exempt group (who, why, expiring within 7 days)", async () => {
    const credentials = await session(`arn:aws:iam::${HUB}:role/security-guard-liveness-role`);
    const env = envWith(moto().env, credentials);
    const region = "us-east-1";
    await createLivenessTable(new DynamoDBClient({ region, credentials }));
    // A mute written from Slack, in force for another day.
    await createSeenTable("security-guard-alert-mutes", region, credentials);
    const now = Date.now();
    const muteUntil = new Date(now + 24 * 3600_000).toISOString();
    await new DynamoDBClient({ region, credentials }).send(
      new PutItemCommand({
        TableName: "security-guard-alert-mutes",
        Item: muteItem({
          id: "mute-1",
          createdBy: "slack-U024BE7LH",
          createdAt: new Date(now - 3600_000).toISOString(),
          rule: {
            accounts: [SPOKE],
            eventNames: ["ConsoleLogin"],
            reason: "break-glass drill",
            expires: muteUntil,
          },
        }),
      }),
    );
    // A spoke group exempt for three more days (Exempt's tag value).
    const spoke = await session(`arn:aws:iam::${SPOKE}:role/test-admin`);
    const ec2 = new EC2Client({ region: REGION, credentials: spoke });
    const groupId = (
      await ec2.send(new CreateSecurityGroupCommand({ GroupName: "bastion", Description: "bastion" }))
    ).GroupId!;
    const exemptUntil = new Date(Math.floor((now + 3 * 86_400_000) / 1000) * 1000)
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
    await ec2.send(
      new CreateTagsCommand({
        Resources: [groupId],
        Tags: [
          {
            Key: DEFAULT_EXEMPT_TAG_KEY,
            Value: formatExemption({ expiresAt: exemptUntil, by: "slack-U07QAZ1X2", why: "vendor support" }),
          },
        ],
      }),
    );
    // The hub bus, and a queue that shows what the notify rule would receive.
    const received = await livenessEventsQueue<BusEvent>(credentials, "weekly", region);

    // The spoke region is known from its heartbeat; then the Monday run.
    const heartbeat = {
      version: "0",
      id: "hb-1",
      source: "security-guard.heartbeat",
      "detail-type": "Security Guard Heartbeat",
      account: SPOKE,
      region: REGION,
      time: new Date().toISOString(),
      resources: [],
      detail: { path: "forwarding", intervalMinutes: 15 },
    };
    const run = await invokeDeployed(
      livenessDir,
      [heartbeat, { "security-guard": "coverage-summary" }],
      env,
      { timeoutMs: 120_000 },
    );
    assert.deepEqual(
      run.results.map((r) => r.value),
      [
        { action: "heartbeat", alerts: 0 },
        { action: "summary", alerts: 2 },
      ],
      run.stderr,
    );
    const put = await received();
    assert.deepEqual(put.map((e) => e["detail-type"]).sort(), [
      "Coverage Summary",
      "Mutes And Exemptions Summary",
    ]);
    const listed = put.find((e) => e["detail-type"] === "Mutes And Exemptions Summary")!;
    assert.equal(listed.source, "security-guard.liveness");
    const { generatedAt, ...detail } = listed.detail;
    assert.ok(typeof generatedAt === "string" && !Number.isNaN(Date.parse(generatedAt)));
    assert.deepEqual(detail, {
      muteCount: 1,
      mutes: [
        {
          id: "mute-1",
          by: "slack-U024BE7LH",
          since: new Date(now - 3600_000).toISOString(),
          until: muteUntil,
          scope: `accounts=${SPOKE} eventNames=ConsoleLogin`,
          reason: "break-glass drill",
        },
      ],
      exemptionCount: 1,
      exemptions: [
        {
          account: SPOKE,
          region: REGION,
          groupId,
          groupName: "bastion",
          by: "slack-U07QAZ1X2",
          why: "vendor support",
          until: exemptUntil,
        },
      ],
      problems: [],
    });

    // The notifier as deployed posts it.
    // EventBridge stamps the putting account on the event; moto's leaves it out.
    const posted = await invokeDeployed(notifierDir, [{ ...listed, account: HUB }], {
      ...moto().env,
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS_CIPHERTEXT: await ciphertextFor(
        "security-guard-notifier",
        JSON.stringify({ default: slack.url("/services/default") }),
      ),
    });
    assert.deepEqual(
      posted.results.map((r) => (r.value as { posted: number }).posted),
      [1],
      posted.stderr,
    );
    const [message] = slack.delivered().map((r) => r.json as { text: string });
    assert.equal(
      message.text,
      `[low] Weekly mutes and exemptions: 1 mute(s) from Slack, 1 exemption(s) from remediation, 1 expiring within 7 days in security (${HUB})`,
    );
    const body = JSON.stringify(message);
    const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
    assert.ok(
      body.includes(
        `exemption EXPIRES ${utc(exemptUntil)}: ${groupId} (bastion) in ${SPOKE} ${REGION}, by slack-U07QAZ1X2: vendor support`,
      ),
      body,
    );
    assert.ok(
      body.includes(
        `mute until ${utc(muteUntil)} by slack-U024BE7LH: accounts=${SPOKE} eventNames=ConsoleLogin; break-glass drill`,
      ),
      body,
    );
  });
});
