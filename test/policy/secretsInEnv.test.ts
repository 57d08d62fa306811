import { strict as assert } from "assert";
import { CIPHERTEXT, res } from "./fixtures";
import { assertNoneOf, violationsOf } from "./run";

const FN = "aws:lambda/function:Function";
const POLICY = "no-plaintext-secrets-in-lambda-env";
const WEBHOOK = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX";

function fn(name: string, variables: Record<string, unknown>) {
  return res(FN, name, { name, runtime: "nodejs24.x", environment: { variables } });
}

describe("policy no-plaintext-secrets-in-lambda-env", () => {
  it("flags webhook URLs and Slack tokens by value, whatever the variable name, without echoing them", () => {
    const v = violationsOf(POLICY, [
      fn("a", {
        NOTIFY: WEBHOOK,
        BOT: "xoxb-123-456-abcdef",
        USER: "xoxp-1-2",
        CONFIG: `{"url":"${WEBHOOK}"}`,
      }),
    ]);
    assert.deepEqual(
      v.map((x) => x.message.split("\n")[1]),
      [
        "Environment variable NOTIFY holds a Slack webhook URL.",
        "Environment variable BOT holds a Slack token.",
        "Environment variable USER holds a Slack token.",
        "Environment variable CONFIG holds a Slack webhook URL.",
      ],
    );
    for (const x of v) {
      assert.ok(
        !x.message.includes("hooks.slack.com") && !x.message.includes("xox"),
        "secret echoed in message",
      );
      assert.equal(x.level, "mandatory");
    }
  });

  it("flags secret-like names with plaintext values (the LOCAL_RUN-only variables must not ship)", () => {
    const v = violationsOf(POLICY, [
      fn("b", {
        SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
        SLACK_WEBHOOKS: '{"default":"x"}',
        DB_PASSWORD: "hunter2",
        API_TOKEN: "abc",
      }),
    ]);
    assert.deepEqual(
      v.map((x) => x.message.split("\n")[1]),
      [
        "Environment variable SLACK_SIGNING_SECRET has a secret-like name and a plaintext value.",
        "Environment variable SLACK_WEBHOOKS has a secret-like name and a plaintext value.",
        "Environment variable DB_PASSWORD has a secret-like name and a plaintext value.",
        "Environment variable API_TOKEN has a secret-like name and a plaintext value.",
      ],
    );
  });

  it("passes our own variables: *_CIPHERTEXT, *_ARN, COMMAND_TOPIC_ARN, REPORT_EVENT_BUS, and ciphertext values", () => {
    assertNoneOf(POLICY, [
      fn("security-guard-notifier", {
        SLACK_WEBHOOKS_CIPHERTEXT: CIPHERTEXT,
        SLACK_SIGNING_SECRET_CIPHERTEXT: CIPHERTEXT,
        COMMAND_TOPIC_ARN: "arn:aws:sns:us-east-1:999999999999:commands",
        REPORT_EVENT_BUS: "arn:aws:events:us-east-1:999999999999:event-bus/security-guard",
        SECRET_TOKEN_KMS: CIPHERTEXT, // name looks secret, value is KMS ciphertext
        EMPTY_SECRET: "",
        LOG_LEVEL: "info",
      }),
    ]);
  });

  it("does not judge unknown values, but still flags a webhook URL in a _CIPHERTEXT-named variable", () => {
    const v = violationsOf(POLICY, [
      fn("c", {
        SLACK_SIGNING_SECRET: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        SLACK_WEBHOOKS_CIPHERTEXT: WEBHOOK,
      }),
    ]);
    assert.deepEqual(
      v.map((x) => x.message.split("\n")[1]),
      ["Environment variable SLACK_WEBHOOKS_CIPHERTEXT holds a Slack webhook URL."],
    );
  });

  it("honours configured name patterns and suffixes", () => {
    const resources = [fn("d", { MY_CREDENTIAL: "plain", SLACK_TOKEN_REF: "ssm-param-name" })];
    assert.deepEqual(
      violationsOf(POLICY, resources, {
        config: { [POLICY]: { secretNamePattern: "CREDENTIAL|TOKEN", allowedNameSuffixes: ["_REF"] } },
      }).map((x) => x.message.split("\n")[1]),
      ["Environment variable MY_CREDENTIAL has a secret-like name and a plaintext value."],
    );
  });
});
