import { strict as assert } from "assert";
import { OfflineOptions, OfflineResource, runPoliciesOffline, Violation } from "../../verify/policy/offline";

/** Violations of one policy. */
export function violationsOf(
  policy: string,
  resources: OfflineResource[],
  options?: OfflineOptions,
): Violation[] {
  return runPoliciesOffline(resources, options).filter((v) => v.policy === policy);
}

/** Asserts the whole pack reports exactly one violation, of `policy`, whose message contains `text`. */
export function assertOnly(
  resources: OfflineResource[],
  policy: string,
  text: string,
  options?: OfflineOptions,
): Violation {
  const all = runPoliciesOffline(resources, options);
  assert.deepEqual(
    all.map((v) => v.policy),
    [policy],
    `expected exactly one ${policy} violation, got:\n${all.map((v) => `${v.policy}: ${v.message}`).join("\n")}`,
  );
  assert.ok(
    all[0].message.includes(text),
    `message ${JSON.stringify(all[0].message)} lacks ${JSON.stringify(text)}`,
  );
  return all[0];
}

export function assertNone(resources: OfflineResource[], options?: OfflineOptions): void {
  const all = runPoliciesOffline(resources, options);
  assert.deepEqual(all, [], all.map((v) => `${v.policy}: ${v.message}`).join("\n"));
}

/** Asserts `policy` reports nothing (other policies may). */
export function assertNoneOf(policy: string, resources: OfflineResource[], options?: OfflineOptions): void {
  const v = violationsOf(policy, resources, options);
  assert.deepEqual(v, [], v.map((x) => x.message).join("\n"));
}
