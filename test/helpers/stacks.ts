// Builds hub and spoke stacks under the Pulumi mock runtime from config objects, for tests.
import { strict as assert } from "assert";
import { CONFIG_NAMESPACE } from "../../stacks/configSchema";
import { loadStackConfig, readRawConfig } from "../../stacks/loadConfig";
import { runProgram } from "../../stacks/program";
import { Evaluation, MockedResource, evaluate } from "../../verify/mockRuntime";

export const HUB_ACCOUNT = "111111111111";
export const SPOKE_ACCOUNT = "222222222222";
export const ORG_ID = "o-a1b2c3d4e5";
export const HUB_STACK_REF = "acme/security-guard/hub";
export const TEST_WEBHOOK = "https://hooks.slack.com/services/T00000000/B00000000/testtesttesttest";
export const TEST_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

export const HUB_CONFIG: Record<string, unknown> = {
  role: "hub",
  accountId: HUB_ACCOUNT,
  regions: ["us-east-1"],
  organizationId: ORG_ID,
  accountNames: { [HUB_ACCOUNT]: "security", [SPOKE_ACCOUNT]: "payments" },
  slackWebhooks: { default: TEST_WEBHOOK },
  chatops: {
    enabled: true,
    teamId: "T0001",
    defaultAccount: "payments",
    regions: ["us-east-1", "ap-northeast-2"],
    users: { U2CERLKJA: { access: "operator", accounts: ["*"] } },
  },
  slackSigningSecret: TEST_SIGNING_SECRET,
};
export const HUB_SECRET_KEYS = ["slackWebhooks", "slackSigningSecret"];

export const SPOKE_CONFIG: Record<string, unknown> = {
  role: "spoke",
  accountId: SPOKE_ACCOUNT,
  regions: ["us-east-1", "ap-northeast-1", "ap-northeast-2"],
  hubStack: HUB_STACK_REF,
};

function toPulumiConfig(values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    out[`${CONFIG_NAMESPACE}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

export async function evaluateStack(
  stack: string,
  values: Record<string, unknown>,
  options: { secretKeys?: string[]; hubOutputs?: Record<string, unknown> } = {},
): Promise<Evaluation<unknown>> {
  return evaluate({
    stack,
    config: toPulumiConfig(values),
    secretKeys: (options.secretKeys ?? []).map((k) => `${CONFIG_NAMESPACE}:${k}`),
    stackOutputs: options.hubOutputs ? { [HUB_STACK_REF]: options.hubOutputs } : {},
    program: () => runProgram(loadStackConfig(readRawConfig(`Pulumi.${stack}.yaml`))),
  });
}

const cache: { hub?: Promise<Evaluation<unknown>> } = {};

/** The default test hub, evaluated once per test process (its functions take a while to serialize). */
export function defaultHub(): Promise<Evaluation<unknown>> {
  if (!cache.hub) cache.hub = evaluateStack("hub", HUB_CONFIG, { secretKeys: HUB_SECRET_KEYS });
  return cache.hub;
}

export async function spokeWith(values: Record<string, unknown> = {}): Promise<Evaluation<unknown>> {
  const hub = await defaultHub();
  return evaluateStack(
    "spoke",
    { ...SPOKE_CONFIG, ...values },
    { hubOutputs: hub.outputs as Record<string, unknown> },
  );
}

export function ofType(resources: MockedResource[], type: string): MockedResource[] {
  return resources.filter((r) => r.type === type);
}

export function one(resources: MockedResource[], type: string, nameSuffix: string): MockedResource {
  const found = resources.filter((r) => r.type === type && r.name.endsWith(nameSuffix));
  if (found.length !== 1) {
    throw new Error(
      `expected one ${type} named *${nameSuffix}, found ${found.map((r) => r.name).join(", ") || "none"}`,
    );
  }
  return found[0];
}

export function doc(r: MockedResource, prop = "policy"): { Statement: Array<Record<string, any>> } {
  const v = r.props[prop];
  return typeof v === "string" ? JSON.parse(v) : (v as { Statement: Array<Record<string, any>> });
}

/**
 * Asserts that the table named *`nameSuffix` is `name`: on demand, keyed by the string `id`, items
 * expiring through the `expiresAt` TTL attribute, encrypted with the hub's KMS key. Returns it.
 */
export function assertHubTtlTable(
  resources: MockedResource[],
  nameSuffix: string,
  name: string,
): MockedResource {
  const table = one(resources, "aws:dynamodb/table:Table", nameSuffix);
  const key = one(resources, "aws:kms/key:Key", "kms-key");
  assert.deepEqual(
    {
      name: table.props.name,
      billingMode: table.props.billingMode,
      hashKey: table.props.hashKey,
      attributes: table.props.attributes,
      ttl: table.props.ttl,
      serverSideEncryption: table.props.serverSideEncryption,
    },
    {
      name,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "id",
      attributes: [{ name: "id", type: "S" }],
      ttl: { attributeName: "expiresAt", enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: key.state.arn },
    },
  );
  return table;
}
