// Policy test fixtures: the good hub and spoke are this repository's program run under the mock
// runtime (test/helpers/stacks.ts, the resources the policy pack sees in `npm run plan`), so they
// cannot drift from what we deploy; small builders make the bad resources. Policies are tested by
// breaking one thing at a time.
import type { OfflineResource } from "../../verify/policy/offline";
import { toPolicyResources } from "../../verify/policy/resources";
import { HUB_ACCOUNT, ORG_ID, SPOKE_ACCOUNT, defaultHub, spokeWith } from "../helpers/stacks";

export { HUB_ACCOUNT, ORG_ID, SPOKE_ACCOUNT };
/** The hub's central event bus, as the program names it. */
export const HUB_BUS_ARN = `arn:aws:events:us-east-1:${HUB_ACCOUNT}:event-bus/security-guard-events`;
/** Looks like a base64 KMS ciphertext blob (version header "AQICAH..."), as aws.kms.Ciphertext returns. */
export const CIPHERTEXT = "AQICAHh" + "x".repeat(180) + "==";

export function urnOf(type: string, name: string, stack = "test"): string {
  return `urn:pulumi:${stack}::security-guard::${type}::${name}`;
}

export function res(
  type: string,
  name: string,
  props: Record<string, unknown>,
  extra: Partial<OfflineResource> = {},
): OfflineResource {
  return { type, name, urn: urnOf(type, name), props, ...extra };
}

export function provider(account: string, region: string): OfflineResource {
  return res("pulumi:providers:aws", `${account}-${region}`, {
    region,
    allowedAccountIds: [account],
    assumeRoles: [{ roleArn: `arn:aws:iam::${account}:role/deploy`, sessionName: "security-guard-deploy" }],
  });
}

export function doc(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

const good: { hub?: OfflineResource[]; spoke?: OfflineResource[] } = {};

// Evaluated once per test process, before any test (the hub's functions take a while to serialize).
before(async function () {
  this.timeout(300_000);
  good.hub = toPolicyResources((await defaultHub()).resources);
  good.spoke = toPolicyResources((await spokeWith()).resources);
});

function copyOf(resources: OfflineResource[] | undefined): OfflineResource[] {
  if (!resources) throw new Error("the good stacks are evaluated in a before hook: use them inside tests");
  return structuredClone(resources);
}

/** The program's hub (test/helpers/stacks.ts HUB_CONFIG: us-east-1, organization mode, chat-ops on). */
export function goodHub(): OfflineResource[] {
  return copyOf(good.hub);
}

/** The program's spoke (SPOKE_CONFIG: us-east-1, ap-northeast-1, ap-northeast-2), forwarding to the hub bus. */
export function goodSpoke(): OfflineResource[] {
  return copyOf(good.spoke);
}

/**
 * The resources a key names: "name" when only one resource has that name, or "Type::name" (component
 * resources often share their name with the resource they wrap).
 */
function matches(r: OfflineResource, key: string): boolean {
  return key.includes("::") ? `${r.type}::${r.name}` === key : r.name === key;
}

function find(resources: OfflineResource[], key: string): void {
  const found = resources.filter((r) => matches(r, key));
  if (found.length === 0) throw new Error(`fixture has no resource named ${key}`);
  if (found.length > 1)
    throw new Error(
      `${key} names ${found.length} resources (${found.map((r) => r.type).join(", ")}): use Type::name`,
    );
}

/** Replace the props of the resource `key` names (returns a new list). */
export function withProps(
  resources: OfflineResource[],
  key: string,
  change: (props: Record<string, unknown>) => Record<string, unknown>,
): OfflineResource[] {
  find(resources, key);
  return resources.map((r) => (matches(r, key) ? { ...r, props: change(structuredClone(r.props)) } : r));
}

export function without(resources: OfflineResource[], ...keys: string[]): OfflineResource[] {
  for (const k of keys) find(resources, k);
  return resources.filter((r) => !keys.some((k) => matches(r, k)));
}
