// No silent click: the deployed ack (npm run lambdas package, separate process) with KMS Decrypt,
// DynamoDB PutItem (the replay check) or SNS Publish held by a loopback proxy in front of moto.
// Slack ignores the body of the 200 a click gets, so the only thing the user can see is a post to
// the click's response_url: each held dependency must still end in one, inside Slack's 3 s.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ciphertextFor } from "../../helpers/kms";
import { buildDeployedPackages, invokeDeployed } from "../../helpers/deployed";
import { useMoto } from "../../helpers/moto";
import { createSeenTable } from "../../helpers/seenTable";
import { useSlackServer } from "../../helpers/slackServer";
import { topicProbe } from "../../../verify/topicProbe";
import { ALERT_ACTIONS, AlertAction, encodeAlertRef } from "../../../handlers/shared/alertActions";
import { blockActionsPayload, signedInteraction } from "./events";
import { FaultProxy, startFaultProxy } from "../remediator/faultProxy";

const ACK = "security-guard-chatops-ack";
const TABLE = "security-guard-chatops-requests";
const TOPIC = "security-guard-chatops-commands";
const SECRET = "deployed-signing-secret-0123456789";
const hub = parse(
  fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "Pulumi.hub.yaml"), "utf8"),
).config;
const chatops = hub["security-guard:chatops"];
const OPERATOR = Object.keys(chatops.users).find((u) => chatops.users[u].access === "operator")!;

const LABEL: Record<AlertAction, string> = {
  revert: "Revert",
  exempt: "Exempt",
  mute: "Mute",
  acknowledge: "Acknowledge",
};

/** What the user is told, per held call. */
const TOLD: Record<string, (label: string) => RegExp> = {
  Decrypt: () =>
    /^Sorry, your click could not be checked as coming from Slack in time \(KMS Decrypt did not answer within \d+ ms\); nothing was run\. Please try again \(request id req-\d\)\.$/,
  PutItem: (label) =>
    new RegExp(
      `^Sorry, ${label} could not be handed to the worker \\(DeadlineExceeded: DynamoDB PutItem did not answer within \\d+ ms\\); nothing was changed\\. Please try again \\(request id req-\\d\\)\\.$`,
    ),
  Publish: (label) =>
    new RegExp(
      `^Sorry, ${label} could not be confirmed as handed to the worker in time \\(SNS Publish did not answer within \\d+ ms\\)\\. If it got through, the alert will show the outcome in a moment \\(request id req-\\d\\)\\.$`,
    ),
};

describe("no silent click: the deployed ack with a hung dependency still tells the user", function () {
  this.timeout(120_000);
  const moto = useMoto();
  const slack = useSlackServer();
  let ackDir = "";
  let proxy: FaultProxy | undefined;

  before(async function () {
    this.timeout(300_000);
    const { manifest } = await buildDeployedPackages();
    ackDir = manifest.functions.find((f) => f.function === ACK)!.dir;
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  const ciphertext = () => ciphertextFor(ACK, SECRET, "us-east-1");

  const value = encodeAlertRef({
    accountId: "222222222222",
    region: "ap-northeast-2",
    kind: "security-group",
    eventName: "AuthorizeSecurityGroupIngress",
    groupId: "sg-0123456789abcdef0",
    eventId: "e0c4c7a6-0d6a-4a49-9d8a-6a0e6b1c2d3e",
    permissions: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidr: "0.0.0.0/0" }],
  });

  for (const held of Object.keys(TOLD)) {
    it(`${held} held: a click on each button ends in a note at its response_url, inside 3 s`, async () => {
      await createSeenTable(TABLE);
      const topic = await topicProbe(TOPIC);
      const env = {
        ...moto().env,
        LOCAL_RUN: "1",
        SLACK_SIGNING_SECRET_CIPHERTEXT: await ciphertext(),
        COMMAND_TOPIC_ARN: topic.topicArn,
        REPLAY_TABLE_NAME: TABLE,
      };
      proxy = await startFaultProxy(moto().endpoint, [{ action: held, times: Infinity, hang: true }]);
      const actions = Object.keys(ALERT_ACTIONS) as AlertAction[];
      const clicks = actions.map((action, i) =>
        signedInteraction({
          secret: SECRET,
          timestamp: Math.floor(Date.now() / 1000),
          requestId: `req-${i}`,
          payload: blockActionsPayload({
            actionId: ALERT_ACTIONS[action],
            value,
            responseUrl: slack.url(`/actions/T0001/${held}/${action}`),
            userId: OPERATOR,
          }),
        }),
      );
      const { results, durations, stderr } = await invokeDeployed(
        ackDir,
        clicks,
        { ...env, AWS_ENDPOINT_URL: proxy.url },
        { remainingMs: 5000 },
      );
      for (const [i, action] of actions.entries()) {
        assert.deepEqual(results[i], {
          ok: true,
          value: { statusCode: 200, headers: { "content-type": "text/plain" }, body: "" },
        });
        assert.ok(durations[i] < 3000, `${action} answered after ${durations[i]} ms`);
        const posts = slack.posts(`/actions/T0001/${held}/${action}`) as Array<Record<string, unknown>>;
        assert.equal(posts.length, 1, `${action}: ${JSON.stringify(posts)}\n${stderr}`);
        assert.equal(posts[0].response_type, "ephemeral");
        assert.equal(posts[0].replace_original, false);
        assert.match(String(posts[0].text), TOLD[held](LABEL[action]));
      }
      assert.ok((proxy.counts[held] ?? 0) >= 1);
      assert.deepEqual(await topic.published(), []);
    });
  }
});
