// Can one passing control match both hub rules (notify and resolve)? Decided by AWS's event-ruler on
// the ASFF and OCSF fixtures of a control that passes again: with the default settings no (the
// notify rule takes MEDIUM and up, workflow NEW); with settings that post informational and resolved
// findings yes, and the notifier then receives the event twice (the incident store keeps it to one
// resolution: test/handlers/notifier/incidents/passedTwice.test.ts).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { notifyPattern, resolvePattern } from "../../../handlers/findings/registry";
import type { NotifyFilters } from "../../../handlers/findings/notifyFilters";
import { DEFAULT_FILTERS, type Json, load, matches } from "./sourceCheck";

const ASFF_PASSED = JSON.parse(
  fs.readFileSync(
    path.resolve(__dirname, "../../fixtures/incidents/ssh-sequence/5-securityhub-ec2-13-passed.json"),
    "utf8",
  ),
) as Json;
const ASFF_PASSED_ARCHIVED = load("findings/securityhub-imported-ec2-19-resolved-archived.json");
const OCSF_PASSED = load("findings/securityhub-v2-ocsf-compliance-s3-public-write-passed.json");

/** Both formats posted at every severity, in every workflow status and record state but suppressed. */
const EVERYTHING: NotifyFilters = {
  ...DEFAULT_FILTERS,
  securityHubMinSeverity: "INFORMATIONAL",
  securityHubWorkflowStatuses: ["NEW", "NOTIFIED", "RESOLVED"],
  securityHubRecordStates: ["ACTIVE", "ARCHIVED"],
};

/** [notify, resolve] for each event under `filters`. */
async function bothRules(filters: NotifyFilters, events: Json[]): Promise<boolean[][]> {
  const notify = notifyPattern(filters);
  const resolve = resolvePattern(filters)!;
  const answers = await matches(
    events.flatMap((event) => [
      { pattern: notify, event },
      { pattern: resolve, event },
    ]),
  );
  return events.map((_, i) => answers.slice(2 * i, 2 * i + 2));
}

describe("a passing control and the hub's two rules (event-ruler)", () => {
  it("default settings: only the resolve rule takes the ASFF and OCSF passing controls", async () => {
    assert.deepEqual(await bothRules(DEFAULT_FILTERS, [ASFF_PASSED, ASFF_PASSED_ARCHIVED, OCSF_PASSED]), [
      [false, true],
      [false, true],
      [false, true],
    ]);
  });

  it("settings that post informational, resolved and archived findings: both rules take them (the notifier gets two copies)", async () => {
    assert.deepEqual(await bothRules(EVERYTHING, [ASFF_PASSED, ASFF_PASSED_ARCHIVED, OCSF_PASSED]), [
      [true, true],
      [true, true],
      [true, true],
    ]);
  });
});
