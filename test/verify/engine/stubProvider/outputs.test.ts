// The stub AWS provider's answers: ids and outputs shaped like AWS's, derived from the type token.
import { strict as assert } from "assert";
import { placementOf, stubResource } from "../../../../verify/engine/stubProvider/outputs";

const tokyo = { region: "ap-northeast-1", accountId: "222222222222" };
const east = { region: "us-east-1", accountId: "111111111111" };

describe("stub AWS provider outputs", () => {
  it("gives each service's ARN layout, with the provider's account and region", () => {
    const arn = (type: string, inputs: Record<string, unknown>, at = east) =>
      stubResource(type, "r", inputs, at).outputs.arn;
    assert.equal(
      arn("aws:cloudwatch/eventBus:EventBus", { name: "security-guard-events" }),
      "arn:aws:events:us-east-1:111111111111:event-bus/security-guard-events",
    );
    assert.equal(
      arn("aws:cloudwatch/eventRule:EventRule", { name: "notify", eventBusName: "security-guard-events" }),
      "arn:aws:events:us-east-1:111111111111:rule/security-guard-events/notify",
    );
    assert.equal(
      arn("aws:cloudwatch/eventRule:EventRule", { name: "sg-changes", eventBusName: "default" }, tokyo),
      "arn:aws:events:ap-northeast-1:222222222222:rule/sg-changes",
    );
    assert.equal(arn("aws:sns/topic:Topic", { name: "alerts" }), "arn:aws:sns:us-east-1:111111111111:alerts");
    assert.equal(arn("aws:sqs/queue:Queue", { name: "q" }), "arn:aws:sqs:us-east-1:111111111111:q");
    assert.equal(arn("aws:iam/role:Role", { name: "fwd" }), "arn:aws:iam::111111111111:role/fwd");
    assert.equal(
      arn("aws:iam/policy:Policy", { name: "p", path: "/guard/" }),
      "arn:aws:iam::111111111111:policy/guard/p",
    );
    assert.equal(
      arn("aws:lambda/function:Function", { name: "notifier" }),
      "arn:aws:lambda:us-east-1:111111111111:function:notifier",
    );
    assert.equal(
      arn("aws:cloudwatch/logGroup:LogGroup", { name: "/aws/lambda/notifier" }),
      "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/notifier",
    );
    assert.equal(
      arn("aws:cloudwatch/metricAlarm:MetricAlarm", { name: "dlq" }),
      "arn:aws:cloudwatch:us-east-1:111111111111:alarm:dlq",
    );
    assert.equal(arn("aws:s3/bucket:Bucket", { bucket: "config-logs" }), "arn:aws:s3:::config-logs");
    assert.match(
      String(arn("aws:kms/key:Key", {})),
      /^arn:aws:kms:us-east-1:111111111111:key\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.match(
      String(arn("aws:cfg/rule:Rule", { name: "restricted-ssh" })),
      /^arn:aws:config:us-east-1:111111111111:config-rule\/config-rule-[0-9a-f]{6}$/,
    );
    assert.equal(
      arn("aws:cloudtrail/trail:Trail", { name: "guard" }),
      "arn:aws:cloudtrail:us-east-1:111111111111:trail/guard",
    );
  });

  it("derives an ARN for a type it has no rule for from the token (module -> service, type -> resource)", () => {
    const { outputs } = stubResource("aws:dynamodb/table:Table", "seen", { name: "seen" }, east);
    assert.equal(outputs.arn, "arn:aws:dynamodb:us-east-1:111111111111:table/seen");
    const { outputs: ssm } = stubResource("aws:ssm/parameter:Parameter", "p", { name: "slack" }, tokyo);
    assert.equal(ssm.arn, "arn:aws:ssm:ap-northeast-1:222222222222:parameter/slack");
  });

  it("auto-names like Pulumi (logical name plus a suffix), the same on every run", () => {
    const a = stubResource("aws:sqs/queue:Queue", "notifier-dlq", {}, east);
    const b = stubResource("aws:sqs/queue:Queue", "notifier-dlq", {}, east);
    assert.match(String(a.outputs.name), /^notifier-dlq-[0-9a-f]{7}$/);
    assert.deepEqual(a, b);
  });

  it("answers the URL, endpoint and ids the program reads", () => {
    const queue = stubResource("aws:sqs/queue:Queue", "q", { name: "notifier" }, tokyo).outputs;
    assert.equal(queue.url, "https://sqs.ap-northeast-1.amazonaws.com/222222222222/notifier");
    const api = stubResource("aws:apigatewayv2/api:Api", "slack", { name: "guard" }, east);
    assert.match(api.id, /^[a-z][0-9a-f]{9}$/);
    assert.equal(api.outputs.apiEndpoint, `https://${api.id}.execute-api.us-east-1.amazonaws.com`);
    assert.equal(api.outputs.executionArn, `arn:aws:execute-api:us-east-1:111111111111:${api.id}`);
    assert.equal(api.outputs.arn, `arn:aws:apigateway:us-east-1::/apis/${api.id}`);
    const stage = stubResource(
      "aws:apigatewayv2/stage:Stage",
      "s",
      { apiId: api.id, name: "$default" },
      east,
    );
    assert.equal(stage.outputs.invokeUrl, `https://${api.id}.execute-api.us-east-1.amazonaws.com/`);
    const fn = stubResource("aws:lambda/function:Function", "f", { name: "ack" }, east).outputs;
    assert.equal(
      fn.invokeArn,
      "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111111111111:function:ack/invocations",
    );
    assert.match(stubResource("aws:ec2/securityGroup:SecurityGroup", "sg", {}, east).id, /^sg-[0-9a-f]{17}$/);
    const role = stubResource("aws:iam/role:Role", "r", { name: "x" }, east).outputs;
    assert.match(String(role.uniqueId), /^AROA[0-9A-F]{17}$/);
  });

  it("keeps every input as given, over what it computes (an EventTarget's arn is its target)", () => {
    const c = stubResource("aws:kms/ciphertext:Ciphertext", "c", { keyId: "k", context: { fn: "n" } }, east);
    assert.equal(
      Buffer.from(String(c.outputs.ciphertextBlob), "base64").toString(),
      'stub-ciphertext:{"fn":"n"}',
    );
    const t = stubResource(
      "aws:sns/topic:Topic",
      "t",
      { name: "a", kmsMasterKeyId: "alias/x" },
      east,
    ).outputs;
    assert.equal(t.kmsMasterKeyId, "alias/x");
    const bus = "arn:aws:events:us-east-1:111111111111:event-bus/security-guard-events";
    const target = stubResource(
      "aws:cloudwatch/eventTarget:EventTarget",
      "t",
      { rule: "r", arn: bus },
      tokyo,
    );
    assert.equal(target.outputs.arn, bus);
  });

  it("uses a resource's own region over its provider's (provider v7 per-resource region)", () => {
    const q = stubResource("aws:sqs/queue:Queue", "q", { name: "n", region: "eu-west-1" }, east).outputs;
    assert.equal(q.arn, "arn:aws:sqs:eu-west-1:111111111111:n");
  });

  it("reads the placement from provider config as the engine sends it (JSON-encoded lists)", () => {
    assert.deepEqual(placementOf({ region: "ap-northeast-2", allowedAccountIds: '["333333333333"]' }), {
      region: "ap-northeast-2",
      accountId: "333333333333",
    });
    assert.deepEqual(
      placementOf({
        region: "us-west-2",
        assumeRoles: '[{"roleArn":"arn:aws:iam::444444444444:role/deploy"}]',
      }),
      { region: "us-west-2", accountId: "444444444444" },
    );
  });

  it("refuses a type token that is not an AWS resource", () => {
    assert.throws(
      () => stubResource("pulumi:providers:aws", "p", {}, east),
      /not an aws resource type token/,
    );
  });
});
