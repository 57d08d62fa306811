// Write-back to Security Hub: the notifier records a Security Hub finding's Id and ProductArn with
// the alert it posts; Acknowledge and Mute clicked through the deployed ack and worker set the
// finding's workflow status (NOTIFIED, SUPPRESSED) with a note naming who and why, as the Slack
// user through the hub's alert-actions role. moto has no BatchUpdateFindings, so a recording proxy
// in front of moto answers it and keeps the exact request; everything else goes to moto. An OCSF
// finding of the new Security Hub is updated the same way through BatchUpdateFindingsV2 (by its
// metadata uid, to status In Progress or Suppressed), which the proxy answers too.
import { strict as assert } from "assert";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { createNotifierHandler, NotifierSettings, SlackMessage } from "../../../handlers/notifier";
import { ALERT_ACTIONS } from "../../../handlers/shared/alertActions";
import { listRuntimeMutes } from "../../../handlers/shared/runtimeMutes";
import { buildDeployedPackages, invokeDeployed } from "../../helpers/deployed";
import { withCapturedLogs } from "../../helpers/logs";
import { useMoto } from "../../helpers/moto";
import { createSeenTable } from "../../helpers/seenTable";
import { useSlackServer } from "../../helpers/slackServer";
import { topicProbe, TopicProbe } from "../../../verify/topicProbe";
import { fixture } from "../notifier/fixtures";
import { Fault, startFaultProxy } from "../remediator/faultProxy";
import { createRecordsTable, RECORDS_TABLE, recordOf } from "./alertRecord";
import { blockActionsPayload, signedInteraction, snsEvent } from "./events";
import * as w from "./world";

const ACK = "security-guard-chatops-ack";
const WORKER = "security-guard-chatops-worker";
const SECRET = "write-back-signing-secret-0123456";
const HUB = "111111111111";
const LEAD = "U2CERLKJA"; // operator in the example hub stack
const FIXTURE = "findings/securityhub-imported-ec2-19-critical.json";
const FINDING_ID =
  "arn:aws:securityhub:ap-northeast-1:444444444444:security-control/EC2.19/finding/5f0c0a2e-3b1d-4e7a-9c21-6d8e2f4a1b3c";
const PRODUCT_ARN = "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub";

const OCSF_FIXTURE = "findings/securityhub-v2-ocsf-compliance-s3-public-write-high.json";
const OCSF_UID =
  "arn:aws:securityhub:eu-west-1:333333333333:security-control/S3.3/finding/0f7d2c1e-4a5b-4c6d-8e9f-a0b1c2d3e4f5";

const NOTIFIER: NotifierSettings = {
  accountNames: { "444444444444": "web", "333333333333": "data" },
  routes: [],
  alertActions: true,
  alertRecordsTable: RECORDS_TABLE,
};

type Block = { block_id?: string; elements?: Array<Record<string, unknown>> };

describe("Acknowledge and Mute write back to Security Hub (deployed ack and worker, recording proxy)", function () {
  this.timeout(300_000);
  const moto = useMoto();
  const slack = useSlackServer();
  const dirs: Record<string, string> = {};
  let topic: TopicProbe;
  let n = 0;

  before(async function () {
    this.timeout(300_000);
    const { manifest } = await buildDeployedPackages();
    for (const name of [ACK, WORKER]) dirs[name] = manifest.functions.find((f) => f.function === name)!.dir;
  });

  beforeEach(async () => {
    await createSeenTable("security-guard-chatops-requests");
    await createRecordsTable();
    await createSeenTable("security-guard-alert-mutes", "us-east-1", await w.credsFor(HUB));
    await new EventBridgeClient({ region: "us-east-1" }).send(
      new CreateEventBusCommand({ Name: "security-guard-events" }),
    );
    topic = await topicProbe("security-guard-chatops-commands");
  });

  /** The finding's alert as the notifier posts it (its record written to moto). */
  async function postFinding(event: unknown = fixture(FIXTURE)): Promise<SlackMessage> {
    const env = {
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS: JSON.stringify({ default: slack.url("/services/alerts") }),
    };
    await withCapturedLogs(() => createNotifierHandler(NOTIFIER, env)(event, { awsRequestId: "req-notify" }));
    const posts = slack.posts("/services/alerts") as SlackMessage[];
    slack.reset();
    assert.equal(posts.length, 1);
    return posts[0];
  }

  const buttonValue = (alert: SlackMessage, action: keyof typeof ALERT_ACTIONS): string => {
    const actions = (alert.attachments[0].blocks as Block[]).find(
      (b) => b.block_id === "guard_alert_actions",
    );
    const button = actions?.elements?.find((e) => e.action_id === ALERT_ACTIONS[action]);
    assert.ok(button, `the alert has ${action}`);
    return String(button.value);
  };

  /** One click through the deployed ack and worker; the worker's AWS calls go through the proxy. */
  async function click(
    alert: SlackMessage,
    action: "acknowledge" | "mute",
    answer: Partial<Fault>,
    api: "BatchUpdateFindings" | "BatchUpdateFindingsV2" = "BatchUpdateFindings",
  ) {
    const at = `/write-back/${++n}`;
    const payload = blockActionsPayload({
      actionId: ALERT_ACTIONS[action],
      value: buttonValue(alert, action),
      responseUrl: slack.url(at),
      userId: LEAD,
      userName: "alice",
      message: alert,
    });
    const acked = await invokeDeployed(
      dirs[ACK],
      [signedInteraction({ secret: SECRET, timestamp: Math.floor(Date.now() / 1000), payload })],
      {
        ...moto().env,
        LOCAL_RUN: "1",
        SLACK_SIGNING_SECRET: SECRET,
        COMMAND_TOPIC_ARN: topic.topicArn,
        REPLAY_TABLE_NAME: "security-guard-chatops-requests",
      },
    );
    assert.ok(acked.results[0].ok, acked.stderr);
    const message = ((await topic.published()) as Array<{ responseUrl: string }>).find(
      (m) => m.responseUrl === slack.url(at),
    );
    assert.ok(message);
    const proxy = await startFaultProxy(moto().endpoint, [
      { action: api, times: 1, contentType: "application/json", ...answer },
    ]);
    const done = await invokeDeployed(
      dirs[WORKER],
      [snsEvent([{ id: `m-${n}`, message: JSON.stringify(message) }])],
      { ...moto().env, AWS_ENDPOINT_URL: proxy.url, LOCAL_RUN: "1" },
    ).finally(() => proxy.close());
    assert.ok(done.results[0].ok, `${done.results[0].error}\n${done.stderr}`);
    const assumed = (proxy.bodies.AssumeRole ?? []).map((b) => Object.fromEntries(new URLSearchParams(b)));
    return {
      outcome: (done.results[0].value as { results: Array<{ outcome: string }> }).results[0].outcome,
      requests: (proxy.bodies[api] ?? []).map((b) => JSON.parse(b)),
      other:
        proxy.counts[api === "BatchUpdateFindings" ? "BatchUpdateFindingsV2" : "BatchUpdateFindings"] ?? 0,
      assumed,
      posts: slack.posts(at) as Array<Record<string, unknown>>,
    };
  }

  const processed = {
    status: 200,
    body: JSON.stringify({
      ProcessedFindings: [{ Id: FINDING_ID, ProductArn: PRODUCT_ARN }],
      UnprocessedFindings: [],
    }),
  };

  it("the notifier records the finding's Id and ProductArn with the alert it posts", async () => {
    const alert = await postFinding();
    const recorded = await recordOf(buttonValue(alert, "acknowledge"));
    assert.ok(recorded.ok);
    assert.deepEqual(recorded.ref.securityHubFinding, { id: FINDING_ID, productArn: PRODUCT_ARN });
    assert.equal(recorded.ref.kind, "security-hub");
    assert.equal(recorded.ref.accountId, "444444444444");
  });

  it("Acknowledge sets the workflow status to NOTIFIED with a note naming the user, and says so", async () => {
    const alert = await postFinding();
    const r = await click(alert, "acknowledge", processed);
    assert.equal(r.outcome, "ok");
    assert.deepEqual(r.requests, [
      {
        FindingIdentifiers: [{ Id: FINDING_ID, ProductArn: PRODUCT_ARN }],
        Workflow: { Status: "NOTIFIED" },
        Note: { Text: `Acknowledged in Slack by alice (${LEAD}): acknowledged`, UpdatedBy: `slack-${LEAD}` },
      },
    ]);
    // Through the hub's alert-actions role, assumed as the Slack user.
    assert.deepEqual(
      r.assumed.map((a) => [a.RoleArn, a.SourceIdentity]),
      [[`arn:aws:iam::${HUB}:role/security-guard-alert-actions`, `slack-${LEAD}`]],
    );
    assert.equal(r.posts.length, 1);
    assert.equal(r.posts[0].replace_original, true);
    assert.match(
      JSON.stringify(r.posts[0]),
      /Acknowledged by <@U2CERLKJA> at [^"]+ UTC\. Security Hub: the finding's workflow status is now NOTIFIED\./,
    );
  });

  it("Mute sets it to SUPPRESSED with who and why, after writing the mute", async () => {
    const alert = await postFinding();
    const r = await click(alert, "mute", processed);
    assert.equal(r.outcome, "ok");
    assert.deepEqual(r.requests, [
      {
        FindingIdentifiers: [{ Id: FINDING_ID, ProductArn: PRODUCT_ARN }],
        Workflow: { Status: "SUPPRESSED" },
        Note: { Text: `Suppressed in Slack by alice (${LEAD}): muted for 24 h`, UpdatedBy: `slack-${LEAD}` },
      },
    ]);
    const { mutes } = await listRuntimeMutes(
      new DynamoDBClient({ region: "us-east-1", credentials: await w.credsFor(HUB) }),
      "security-guard-alert-mutes",
      Date.now(),
      (_w, f) => f(new AbortController().signal),
    );
    assert.equal(mutes.length, 1);
    assert.match(
      JSON.stringify(r.posts[0]),
      /Muted until .*Security Hub: the finding's workflow status is now SUPPRESSED\./,
    );
  });

  it("a refused or unprocessed update is shown in the reply; the Slack action itself stands", async () => {
    const alert = await postFinding();
    const denied = await click(alert, "acknowledge", {
      status: 403,
      body: JSON.stringify({ __type: "AccessDeniedException", Message: "not the administrator account" }),
    });
    assert.equal(denied.outcome, "ok");
    assert.equal(denied.requests.length, 1);
    assert.match(JSON.stringify(denied.posts[0]), /Security Hub was not updated \(AccessDeniedException\)\./);

    const unprocessed = await click(alert, "mute", {
      status: 200,
      body: JSON.stringify({
        ProcessedFindings: [],
        UnprocessedFindings: [
          {
            FindingIdentifier: { Id: FINDING_ID, ProductArn: PRODUCT_ARN },
            ErrorCode: "FindingNotFound",
            ErrorMessage: "Finding Not Found",
          },
        ],
      }),
    });
    assert.equal(unprocessed.outcome, "ok");
    assert.match(
      JSON.stringify(unprocessed.posts[0]),
      /Security Hub was not updated \(FindingNotFound: Finding Not Found\)\./,
    );
  });

  it("an alert that did not come from Security Hub makes no Security Hub call", async () => {
    const alert = await postFinding(fixture("eventbridge/cloudtrail-iam-createuser-root.json"));
    const r = await click(alert, "acknowledge", processed);
    assert.equal(r.outcome, "ok");
    assert.deepEqual(r.requests, []);
    assert.equal(r.other, 0);
    assert.doesNotMatch(JSON.stringify(r.posts[0]), /workflow status|Security Hub was not updated/);
  });

  describe("an OCSF finding of the new Security Hub (BatchUpdateFindingsV2)", () => {
    const v2Processed = {
      status: 200,
      body: JSON.stringify({ ProcessedFindings: [{ MetadataUid: OCSF_UID }], UnprocessedFindings: [] }),
    };

    it("the notifier records the finding's metadata uid with its account and Region", async () => {
      const alert = await postFinding(fixture(OCSF_FIXTURE));
      const recorded = await recordOf(buttonValue(alert, "acknowledge"));
      assert.ok(recorded.ok);
      assert.equal(recorded.ref.securityHubOcsfUid, OCSF_UID);
      assert.equal(recorded.ref.securityHubFinding, undefined);
      assert.deepEqual([recorded.ref.accountId, recorded.ref.region], ["333333333333", "eu-west-1"]);
    });

    it("Acknowledge sets its status to In Progress (2) with a comment naming the user, and says so", async () => {
      const alert = await postFinding(fixture(OCSF_FIXTURE));
      const r = await click(alert, "acknowledge", v2Processed, "BatchUpdateFindingsV2");
      assert.equal(r.outcome, "ok");
      assert.deepEqual(r.requests, [
        {
          MetadataUids: [OCSF_UID],
          StatusId: 2,
          Comment: `Acknowledged in Slack by alice (${LEAD}): acknowledged`,
        },
      ]);
      assert.equal(r.other, 0);
      assert.deepEqual(
        r.assumed.map((a) => [a.RoleArn, a.SourceIdentity]),
        [[`arn:aws:iam::${HUB}:role/security-guard-alert-actions`, `slack-${LEAD}`]],
      );
      assert.equal(r.posts.length, 1);
      assert.match(
        JSON.stringify(r.posts[0]),
        /Acknowledged by <@U2CERLKJA> at [^"]+ UTC\. Security Hub: the finding's status is now In Progress\./,
      );
    });

    it("Mute sets it to Suppressed (3) with who and why, after writing the mute", async () => {
      const alert = await postFinding(fixture(OCSF_FIXTURE));
      const r = await click(alert, "mute", v2Processed, "BatchUpdateFindingsV2");
      assert.equal(r.outcome, "ok");
      assert.deepEqual(r.requests, [
        {
          MetadataUids: [OCSF_UID],
          StatusId: 3,
          Comment: `Suppressed in Slack by alice (${LEAD}): muted for 24 h`,
        },
      ]);
      assert.match(
        JSON.stringify(r.posts[0]),
        /Muted until .*Security Hub: the finding's status is now Suppressed\./,
      );
    });

    it("a refused or unprocessed update is shown in the reply; the Slack action itself stands", async () => {
      const alert = await postFinding(fixture(OCSF_FIXTURE));
      const denied = await click(
        alert,
        "acknowledge",
        {
          status: 403,
          body: JSON.stringify({
            __type: "AccessDeniedException",
            Message: "not the delegated administrator",
          }),
        },
        "BatchUpdateFindingsV2",
      );
      assert.equal(denied.outcome, "ok");
      assert.equal(denied.requests.length, 1);
      assert.match(
        JSON.stringify(denied.posts[0]),
        /Security Hub was not updated \(AccessDeniedException\)\./,
      );

      const unprocessed = await click(
        alert,
        "mute",
        {
          status: 200,
          body: JSON.stringify({
            ProcessedFindings: [],
            UnprocessedFindings: [
              {
                MetadataUid: OCSF_UID,
                ErrorCode: "ResourceNotFoundException",
                ErrorMessage: "Finding not found",
              },
            ],
          }),
        },
        "BatchUpdateFindingsV2",
      );
      assert.equal(unprocessed.outcome, "ok");
      assert.match(
        JSON.stringify(unprocessed.posts[0]),
        /Security Hub was not updated \(ResourceNotFoundException: Finding not found\)\./,
      );
    });
  });
});
