// The hub in Slack app mode under Pulumi mocks: the bot token reaches the notifier only as KMS
// ciphertext bound to its name, the alert threads table is on-demand with TTL and the hub key, the
// notifier may only get and put its items, and the deploy role's policy covers every resource type.
import { strict as assert } from "assert";
import { MockedResource } from "../../verify/mockRuntime";
import { RESOURCE_ACTIONS, deployPolicyForTypes } from "../../verify/preflight/deployPolicy";
import {
  HUB_ACCOUNT,
  assertHubTtlTable,
  HUB_CONFIG,
  HUB_SECRET_KEYS,
  TEST_WEBHOOK,
  defaultHub,
  doc,
  evaluateStack,
  ofType,
  one,
} from "../helpers/stacks";

const TOKEN = "xoxb-111111111111-2222222222222-abcdefabcdefabcdefabcdef";

describe("hub stack in Slack app mode (slackBotToken + slackChannels)", function () {
  this.timeout(180_000);
  let resources: MockedResource[];
  before(async () => {
    const hub = await evaluateStack(
      "hub",
      { ...HUB_CONFIG, slackBotToken: TOKEN, slackChannels: { default: "C0SECURITY" } },
      { secretKeys: [...HUB_SECRET_KEYS, "slackBotToken"] },
    );
    resources = hub.resources;
  });

  const notifierFn = (rs: MockedResource[]) =>
    ofType(rs, "aws:lambda/function:Function").find((f) => f.props.name === "security-guard-notifier")!;

  it("passes the bot token to the notifier and the chat-ops worker only as ciphertext bound to each one's name", () => {
    for (const fn of ofType(resources, "aws:lambda/function:Function")) {
      const env = JSON.stringify(fn.props.environment ?? {});
      for (const s of [TOKEN, TEST_WEBHOOK])
        assert.ok(!env.includes(s), `${fn.props.name} env holds a plaintext secret`);
    }
    const vars = (notifierFn(resources).props.environment as { variables: Record<string, string> }).variables;
    assert.deepEqual(Object.keys(vars).sort(), ["SLACK_BOT_TOKEN_CIPHERTEXT", "SLACK_WEBHOOKS_CIPHERTEXT"]);
    const tokenCipher = ofType(resources, "aws:kms/ciphertext:Ciphertext").find(
      (c) => c.state.ciphertextBlob === vars.SLACK_BOT_TOKEN_CIPHERTEXT,
    );
    assert.ok(tokenCipher, "the token's ciphertext is a KMS Ciphertext resource");
    assert.deepEqual(tokenCipher.props.context, { LambdaFunctionName: "security-guard-notifier" });
    assert.deepEqual(tokenCipher.secretProps, ["plaintext"], "the plaintext input stays a Pulumi secret");
    const worker = ofType(resources, "aws:lambda/function:Function").find(
      (f) => f.props.name === "security-guard-chatops-worker",
    )!;
    const workerVars = (worker.props.environment as { variables: Record<string, string> }).variables;
    const workerCipher = ofType(resources, "aws:kms/ciphertext:Ciphertext").find(
      (c) => c.state.ciphertextBlob === workerVars.SLACK_BOT_TOKEN_CIPHERTEXT,
    );
    assert.ok(workerCipher, "the worker gets the token as its own KMS Ciphertext");
    assert.deepEqual(workerCipher.props.context, { LambdaFunctionName: "security-guard-chatops-worker" });
  });

  it("gives the chat-ops ack the bot token as its own ciphertext (Exempt's reason dialog), decryptable by it alone", () => {
    const ack = ofType(resources, "aws:lambda/function:Function").find(
      (f) => f.props.name === "security-guard-chatops-ack",
    )!;
    const vars = (ack.props.environment as { variables: Record<string, string> }).variables;
    assert.deepEqual(Object.keys(vars).sort(), [
      "COMMAND_TOPIC_ARN",
      "REPLAY_TABLE_NAME",
      "SLACK_BOT_TOKEN_CIPHERTEXT",
      "SLACK_SIGNING_SECRET_CIPHERTEXT",
    ]);
    const cipher = ofType(resources, "aws:kms/ciphertext:Ciphertext").find(
      (c) => c.state.ciphertextBlob === vars.SLACK_BOT_TOKEN_CIPHERTEXT,
    );
    assert.ok(cipher, "the ack gets the token as its own KMS Ciphertext");
    assert.deepEqual(cipher.props.context, { LambdaFunctionName: "security-guard-chatops-ack" });
    assert.deepEqual(cipher.secretProps, ["plaintext"]);
    const key = one(resources, "aws:kms/key:Key", "kms-key");
    const statements = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "chatops-ack-policy")).Statement;
    assert.deepEqual(
      statements.find((s) => s.Sid === "OwnSecretsOnly"),
      {
        Sid: "OwnSecretsOnly",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: key.state.arn,
        Condition: {
          StringEquals: { "kms:EncryptionContext:LambdaFunctionName": "security-guard-chatops-ack" },
        },
      },
    );
  });

  it("keeps alert threads in an on-demand table with TTL, encrypted with the hub key", () => {
    assertHubTtlTable(resources, "alert-threads", "security-guard-alert-threads");
  });

  it("lets the notifier get and put alert threads only (least privilege); no other function touches the table", () => {
    const statements = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "hub-notifier-policy")).Statement;
    const key = one(resources, "aws:kms/key:Key", "kms-key");
    assert.deepEqual(
      statements.filter((s) => JSON.stringify(s.Resource).includes("alert-threads")),
      [
        {
          Sid: "AlertThreads",
          Effect: "Allow",
          Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
          Resource: `arn:aws:dynamodb:us-east-1:${HUB_ACCOUNT}:table/security-guard-alert-threads`,
        },
      ],
    );
    // De-duplication's table (both modes): claim a key, release an unposted claim; no reads, no scans.
    assert.deepEqual(
      statements.filter((s) => JSON.stringify(s.Resource).includes("notifier-seen")),
      [
        {
          Sid: "DedupeSeenStore",
          Effect: "Allow",
          Action: ["dynamodb:PutItem", "dynamodb:DeleteItem"],
          Resource: `arn:aws:dynamodb:us-east-1:${HUB_ACCOUNT}:table/security-guard-notifier-seen`,
        },
      ],
    );
    assert.deepEqual(
      statements.find((s) => s.Sid === "UseEncryptedTable"),
      {
        Sid: "UseEncryptedTable",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
        Resource: key.state.arn,
        Condition: { StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" } },
      },
    );
    // The chat-ops worker only reads an alert's thread, to reply the outcome of a button click there.
    const worker = doc(one(resources, "aws:iam/rolePolicy:RolePolicy", "chatops-worker-policy")).Statement;
    assert.deepEqual(
      worker.filter((s) => JSON.stringify(s).includes("alert-threads")),
      [
        {
          Sid: "FindAlertThreads",
          Effect: "Allow",
          Action: "dynamodb:GetItem",
          Resource: `arn:aws:dynamodb:us-east-1:${HUB_ACCOUNT}:table/security-guard-alert-threads`,
        },
      ],
    );
    for (const policy of ofType(resources, "aws:iam/rolePolicy:RolePolicy").filter(
      (p) => !p.name.includes("notifier") && !p.name.includes("chatops-worker"),
    ))
      assert.ok(!JSON.stringify(doc(policy)).includes("alert-threads"), `${policy.name} reaches the table`);
  });

  it("webhook mode (no bot token) creates no alert threads table and grants the notifier no access to one", async () => {
    const hub = await defaultHub();
    assert.equal(
      ofType(hub.resources, "aws:dynamodb/table:Table").filter((t) => t.name.includes("alert-threads"))
        .length,
      0,
    );
    const statements = doc(
      one(hub.resources, "aws:iam/rolePolicy:RolePolicy", "hub-notifier-policy"),
    ).Statement;
    assert.ok(!JSON.stringify(statements).includes("alert-threads"));
  });

  it("the deploy role's policy covers every resource type the app-mode hub creates", () => {
    const types = [...new Set(resources.map((r) => r.type))].filter((t) => t.startsWith("aws:"));
    const policy = deployPolicyForTypes(types, HUB_ACCOUNT, "aws");
    const allowed = new Set(policy.Statement.flatMap((s) => s.Action));
    for (const t of types) for (const a of RESOURCE_ACTIONS[t]) assert.ok(allowed.has(a), `${t} needs ${a}`);
    assert.ok(types.includes("aws:dynamodb/table:Table"));
  });
});
