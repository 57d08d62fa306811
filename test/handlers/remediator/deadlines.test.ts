// Every AWS call the remediator makes has a real deadline: a proxy in front of moto holds one call
// at a time (never answers), the SDK's own request timeout is set far beyond the Lambda's time left,
// and the handler must still settle within its budget, naming the call that hung.
import * as assert from "assert";
import { createRemediatorHandler, isRemediationError } from "../../../handlers/remediator";
import { useMoto } from "../../helpers/moto";
import {
  SEOUL,
  SPOKE,
  authorizeEvent,
  createGroup,
  ingress,
  prefixList,
  reportSink,
  settings,
  spokeEc2,
  tcp,
  useFaultProxy,
} from "./support";

// The Lambda has 4 s left: 1 s is kept to log, a quarter of the rest (750 ms) to report.
const REMAINING_MS = 4_000;
const SLACK_MS = 1_500;

/** How the handler ends when `action` hangs: a failed step, or a report despite it. */
const cases: Array<{ action: string; what: string; ends: "fails" | "revoked" }> = [
  { action: "AssumeRole", what: "sts:AssumeRole", ends: "fails" },
  { action: "DescribeSecurityGroups", what: "ec2:DescribeSecurityGroups", ends: "fails" },
  { action: "DescribeConfigRules", what: "config:DescribeConfigRules", ends: "fails" },
  { action: "GetManagedPrefixListEntries", what: "ec2:GetManagedPrefixListEntries", ends: "fails" },
  // Rule ids are only a convenience for the report, and the record only matters on a retry.
  { action: "DescribeSecurityGroupRules", what: "ec2:DescribeSecurityGroupRules", ends: "revoked" },
  { action: "AuthorizeSecurityGroupIngress", what: "ec2:AuthorizeSecurityGroupIngress", ends: "fails" },
  { action: "RevokeSecurityGroupIngress", what: "ec2:RevokeSecurityGroupIngress", ends: "fails" },
  { action: "CreateTags", what: "ec2:CreateTags", ends: "revoked" },
  { action: "PutEvents", what: "events:PutEvents", ends: "fails" },
];

describe("remediator: a deadline on every AWS call (a proxy holds each call)", function () {
  const moto = useMoto();
  const { logs, withFaults } = useFaultProxy(moto);

  for (const c of cases) {
    it(`${c.what} held: the handler ${c.ends === "fails" ? "fails naming it" : "still reports"} within its time`, async () => {
      await reportSink();
      const spoke = await spokeEc2(SPOKE, SEOUL);
      const pl = await prefixList(spoke, ["10.0.0.0/8"]);
      // Every call happens for this group: a prefix list on port 22, a world-open range to narrow.
      const gid = await createGroup(spoke, "held", [
        tcp(20, 25, ["0.0.0.0/0"]),
        { IpProtocol: "tcp", FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: pl }] },
      ]);
      const proxy = await withFaults([{ action: c.action, times: Infinity, hang: true }]);
      const handler = createRemediatorHandler(settings({ requestTimeoutMs: 60_000 }));
      const event = authorizeEvent({
        account: SPOKE,
        region: SEOUL,
        groupId: gid,
        permissions: [{ proto: "tcp", from: 20, to: 25, v4: ["0.0.0.0/0"] }],
      });
      const context = { awsRequestId: "req-held", getRemainingTimeInMillis: () => REMAINING_MS };
      const started = Date.now();
      const settled = await handler(event, context).then(
        (reports) => ({ reports, error: undefined as Error | undefined }),
        (error: Error) => ({ reports: undefined, error }),
      );
      const took = Date.now() - started;
      assert.ok(took < REMAINING_MS - 1_000 + SLACK_MS, `settled after ${took} ms`);
      assert.ok((proxy.counts[c.action] ?? 0) >= 1, `${c.action} was called`);
      if (c.ends === "fails") {
        assert.ok(settled.error && isRemediationError(settled.error), String(settled.error));
        assert.match(
          settled.error.message,
          new RegExp(`DeadlineExceeded: ${c.what} did not answer within \\d+ ms`),
        );
        const failed = logs().lines.find((l) => l.message === "remediation failed");
        assert.strictEqual(failed?.requestId, "req-held");
      } else {
        assert.deepStrictEqual(
          settled.reports?.map((r) => r.outcome),
          ["revoked"],
          String(settled.error),
        );
        assert.ok(
          logs().lines.some(
            (l) => l.level === "warn" && String(l.error).includes(`${c.what} did not answer`),
          ),
          JSON.stringify(logs().lines),
        );
        process.env.AWS_ENDPOINT_URL = moto().endpoint;
        assert.deepStrictEqual(await ingress(spoke, gid), [
          `tcp 20-21 0.0.0.0/0`,
          `tcp 22-22 ${pl}`,
          `tcp 23-25 0.0.0.0/0`,
        ]);
      }
    });
  }
});
