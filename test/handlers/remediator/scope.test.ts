// The restricted-ssh rule's scope holds on the CloudTrail path too: the remediator reads the rule
// (config:DescribeConfigRules through the spoke role) and leaves groups outside a tag scope alone.
import * as assert from "assert";
import { ConfigServiceClient, PutConfigRuleCommand } from "@aws-sdk/client-config-service";
import { createRemediatorHandler } from "../../../handlers/remediator";
import { useMoto } from "../../helpers/moto";
import {
  RULE,
  SEOUL,
  SPOKE,
  authorizeEvent,
  configEvent,
  createGroup,
  credentialsIn,
  ingress,
  reportSink,
  settings,
  spokeEc2,
  tcp,
  useFaultProxy,
} from "./support";
import { REMEDIATION_ROLE_NAME } from "../../../handlers/shared/constants";

/**
 * moto keeps a rule's tag scope but answers it as `"Tags": {key: value}` instead of the API's
 * TagKey/TagValue (moto/config/models.py, class Scope), which the SDK drops; this puts it back.
 */
function motoScopeFix(body: string): string {
  const json = JSON.parse(body) as { ConfigRules?: Array<{ Scope?: Record<string, unknown> }> };
  for (const rule of json.ConfigRules ?? []) {
    const tags = rule.Scope?.Tags as Record<string, string> | undefined;
    if (!tags) continue;
    const [[key, value]] = Object.entries(tags);
    delete rule.Scope!.Tags;
    Object.assign(rule.Scope!, { TagKey: key, ...(value ? { TagValue: value } : {}) });
  }
  return JSON.stringify(json);
}

describe("remediator: the restricted-ssh rule's tag scope on the CloudTrail path (moto)", function () {
  const moto = useMoto();
  const { logs, withFaults } = useFaultProxy(moto);

  async function scopedRule(scope: { TagKey: string; TagValue?: string }) {
    const config = new ConfigServiceClient({
      region: SEOUL,
      credentials: await credentialsIn(SPOKE, REMEDIATION_ROLE_NAME),
    });
    await config.send(
      new PutConfigRuleCommand({
        ConfigRule: {
          ConfigRuleName: RULE,
          Source: { Owner: "AWS", SourceIdentifier: "INCOMING_SSH_DISABLED" },
          Scope: scope,
        },
      }),
    );
    config.destroy();
  }

  it("revokes a tagged group, leaves an untagged or differently tagged one (logged, not reported)", async () => {
    const sink = await reportSink();
    await scopedRule({ TagKey: "env", TagValue: "prod" });
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const open = [tcp(22, 22, ["0.0.0.0/0"])];
    const tagged = await createGroup(spoke, "prod", open, { env: "prod" });
    const untagged = await createGroup(spoke, "none", open);
    const other = await createGroup(spoke, "dev", open, { env: "dev" });
    const proxy = await withFaults([
      { action: "DescribeConfigRules", times: Infinity, rewrite: motoScopeFix },
    ]);
    const handler = createRemediatorHandler(settings());
    const ct = (groupId: string) =>
      authorizeEvent({
        account: SPOKE,
        region: SEOUL,
        groupId,
        eventID: `ct-${groupId}`,
        permissions: [{ proto: "tcp", from: 22, to: 22, v4: ["0.0.0.0/0"] }],
      });
    const reports = [
      ...(await handler(ct(tagged))),
      ...(await handler(ct(untagged))),
      ...(await handler(ct(other))),
    ];
    assert.deepStrictEqual(
      reports.map((r) => [r.groupId, r.outcome]),
      [[tagged, "revoked"]],
    );
    assert.strictEqual(proxy.counts.DescribeConfigRules, 3);
    process.env.AWS_ENDPOINT_URL = moto().endpoint;
    assert.deepStrictEqual(await ingress(spoke, tagged), []);
    assert.deepStrictEqual(await ingress(spoke, untagged), ["tcp 22-22 0.0.0.0/0"]);
    assert.deepStrictEqual(await ingress(spoke, other), ["tcp 22-22 0.0.0.0/0"]);
    assert.deepStrictEqual(
      (await sink.drain()).map((r) => r.detail.groupId),
      [tagged],
    );
    assert.deepStrictEqual(
      logs()
        .lines.filter((l) => l.message === "no remediation needed")
        .map((l) => [l.eventId, l.reason]),
      [
        [
          `ct-${untagged}`,
          `${untagged} is outside the restricted-ssh scope: the group has no tag env=prod, which scopes rule ${RULE}`,
        ],
        [
          `ct-${other}`,
          `${other} is outside the restricted-ssh scope: the group has no tag env=prod, which scopes rule ${RULE}`,
        ],
      ],
    );
  });

  it("a Config verdict is acted on as sent (Config evaluates only what is in scope), without reading the rule", async () => {
    await reportSink();
    await scopedRule({ TagKey: "env", TagValue: "prod" });
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(spoke, "none", [tcp(22, 22, ["0.0.0.0/0"])]);
    const proxy = await withFaults([]);
    const reports = await createRemediatorHandler(settings())(
      configEvent({ account: SPOKE, region: SEOUL, groupId: gid }),
    );
    assert.deepStrictEqual(
      reports.map((r) => r.outcome),
      ["revoked"],
    );
    assert.strictEqual(proxy.counts.DescribeConfigRules, undefined);
  });

  it("without the rule in the region, a CloudTrail trigger is acted on (fails towards closing SSH)", async () => {
    await reportSink();
    const spoke = await spokeEc2(SPOKE, SEOUL);
    const gid = await createGroup(spoke, "none", [tcp(22, 22, ["0.0.0.0/0"])]);
    const reports = await createRemediatorHandler(settings())(
      authorizeEvent({
        account: SPOKE,
        region: SEOUL,
        groupId: gid,
        permissions: [{ proto: "tcp", from: 22, to: 22, v4: ["0.0.0.0/0"] }],
      }),
    );
    assert.deepStrictEqual(
      reports.map((r) => r.outcome),
      ["revoked"],
    );
  });
});
