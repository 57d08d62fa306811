// Wiring, routes: the hub's and a three-region spoke's EventBridge rules, as the program declares
// them, deployed into moto's EventBridge and fed real-shaped events (see verify/wiring); the
// cells moto cannot evaluate decided, and every other cell cross-checked, by AWS's event-ruler.
import { strict as assert } from "assert";
import { EventBridgeClient, TestEventPatternCommand } from "@aws-sdk/client-eventbridge";
import {
  MOTO_ARRAY_LIMITATION,
  SECURITY_HUB_ARRAY_LIMITATION,
  ROUTE_CORPUS,
  loadCorpus,
  routeExpectation,
} from "../../../verify/wiring/corpus";
import {
  RouteMatrix,
  RouteTopology,
  collectRules,
  compareRoutes,
  formatRouteMatrix,
  mergeTopologies,
  motoEmulator,
  RouteEvent,
  routeMatrix,
  rulerRoutes,
} from "../../../verify/wiring/routes";
import { RulerMatcher, isRulerMatcher, loadRulerMatcher } from "../../../verify/wiring/ruler";
import { forwardingPatterns } from "../../../stacks/components/spokeRegion";
import { useMoto } from "../../helpers/moto";
import { HUB_ACCOUNT, SPOKE_ACCOUNT, SPOKE_CONFIG, defaultHub, spokeWith } from "../../helpers/stacks";

const SPOKE_REGIONS = SPOKE_CONFIG.regions as string[];
const HUB_BUS = { accountId: HUB_ACCOUNT, region: "us-east-1", bus: "security-guard-events" };

function reachedRules(matrix: RouteMatrix, event: string): string[] {
  const row = matrix.rows.find((r) => r.event === event);
  if (!row) throw new Error(`no row for ${event}`);
  return matrix.rules
    .filter((r) => (row.reached[r.id] ?? 0) > 0)
    .map((r) => r.resourceName)
    .sort();
}

/** The same, as the second engine (event-ruler) routes the event. */
function reachedBySecond(matrix: RouteMatrix, event: string): string[] {
  const row = matrix.second?.rows[event];
  if (!row) throw new Error(`no event-ruler row for ${event}`);
  return matrix.rules
    .filter((r) => (row[r.id] ?? 0) > 0)
    .map((r) => r.resourceName)
    .sort();
}

/** event-ruler as provisioned by `node scripts/ensure-event-ruler.js` (the pretest step); required here. */
function requireRuler(): RulerMatcher {
  const ruler = loadRulerMatcher();
  if (!isRulerMatcher(ruler)) throw new Error(`event-ruler unavailable: ${ruler.unavailable}`);
  return ruler;
}

describe("wiring: EventBridge routes in moto", function () {
  this.timeout(120_000);
  const moto = useMoto();
  let topology: RouteTopology;

  before(async () => {
    const hub = await defaultHub();
    const spoke = await spokeWith();
    topology = mergeTopologies(collectRules("hub", hub.resources), collectRules("spoke", spoke.resources));
  });

  it("takes every rule of the hub and the three-region spoke from the program", () => {
    assert.deepEqual(
      topology.rules.map((r) => `${r.resourceName} ${r.accountId} ${r.region} ${r.bus}`).sort(),
      [
        "hub-liveness-account-joins 111111111111 us-east-1 security-guard-events",
        "hub-liveness-heartbeats 111111111111 us-east-1 security-guard-events",
        "hub-notify 111111111111 us-east-1 security-guard-events",
        // The organization analyzer's findings about member accounts, on the hub account's default bus.
        "hub-org-findings-rule 111111111111 us-east-1 default",
        "hub-remediate 111111111111 us-east-1 security-guard-events",
        "hub-resolve 111111111111 us-east-1 security-guard-events",
        // Every region: every source module's rules (security groups, Config verdicts, alarms, the
        // CIS change controls, root activity, the finding services, console sign-in, the two
        // heartbeat paths; the pattern snapshot test pins them); us-east-1 also IAM, Organizations.
        ...["ap-northeast-1", "ap-northeast-2", "us-east-1"].flatMap((region) =>
          Object.keys(forwardingPatterns(region, {})).map(
            (kind) => `spoke-${region}-${kind} 222222222222 ${region} default`,
          ),
        ),
        // Where CloudTrail records IAM users' console sign-ins beyond the spoke's regions.
        ...["us-east-2", "eu-north-1", "ap-southeast-2"].map(
          (region) => `spoke-${region}-console-sign-in 222222222222 ${region} default`,
        ),
      ].sort(),
    );
    // Every spoke rule forwards to the hub bus with the forwarder role; the hub rules feed SNS and Lambda.
    for (const r of topology.rules.filter((x) => x.stack === "spoke")) {
      assert.deepEqual(r.targets, [
        {
          arn: "arn:aws:events:us-east-1:111111111111:event-bus/security-guard-events",
          roleArn: "arn:aws:iam::222222222222:role/security-guard-forwarder",
        },
      ]);
    }
    assert.deepEqual(
      topology.buses.map((b) => b.arn),
      ["arn:aws:events:us-east-1:111111111111:event-bus/security-guard-events"],
    );
  });

  it("moto does not implement TestEventPattern (empty answer), hence rules + SQS probes + PutEvents", async () => {
    const client = new EventBridgeClient({ region: "us-east-1" });
    const out = await client.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify({ source: ["aws.ec2"] }),
        Event: JSON.stringify({
          id: "1",
          source: "aws.ec2",
          "detail-type": "x",
          account: SPOKE_ACCOUNT,
          time: "2026-11-20T00:00:00Z",
          region: "us-east-1",
          resources: [],
          detail: {},
        }),
      }),
    );
    // If this starts failing, moto answers TestEventPattern: prefer it in routes.ts.
    assert.equal(out.Result, undefined);
  });

  it("moto's matcher on the pattern features our rules use: $or, booleans, nesting, prefix; not arrays of objects", async () => {
    const rule = (name: string, pattern: Record<string, unknown>) => ({
      id: `probe:${name}`,
      stack: "probe",
      resourceName: name,
      accountId: SPOKE_ACCOUNT,
      region: "us-east-1",
      bus: "default",
      name,
      pattern,
      targets: [],
    });
    const probe: RouteTopology = {
      buses: [],
      rules: [
        rule("or", {
          $or: [{ source: ["nope"] }, { detail: { eventName: ["AuthorizeSecurityGroupIngress"] } }],
        }),
        rule("bool-false", { detail: { readOnly: [false] } }),
        rule("string-false", { detail: { readOnly: ["false"] } }),
        rule("nested", { detail: { userIdentity: { type: ["IAMUser"] } } }),
        rule("prefix", { detail: { eventName: [{ prefix: "Authorize" }] } }),
        rule("array-of-objects", {
          detail: {
            requestParameters: {
              ipPermissions: { items: { ipRanges: { items: { cidrIp: ["0.0.0.0/0"] } } } },
            },
          },
        }),
      ],
    };
    const [seoul] = loadCorpus(
      { spokeAccount: SPOKE_ACCOUNT, spokeRegions: SPOKE_REGIONS, hubBus: HUB_BUS },
      [{ ...ROUTE_CORPUS[0], enters: "spoke" }],
    );
    const matrix = await routeMatrix(
      probe,
      [{ ...seoul, entry: { ...seoul.entry, region: "us-east-1" } }],
      motoEmulator(),
    );
    // The event has readOnly false, userIdentity.type IAMUser and ipRanges.items[0].cidrIp 0.0.0.0/0.
    // EventBridge would also match "array-of-objects"; moto does not (MOTO_ARRAY_LIMITATION).
    assert.deepEqual(reachedRules(matrix, seoul.name), ["bool-false", "nested", "or", "prefix"]);
    assert.match(MOTO_ARRAY_LIMITATION, /arrays/);
    // AWS's event-ruler matches the field inside the array of objects, and agrees on the rest.
    const second = await rulerRoutes(
      probe,
      [{ ...seoul, entry: { ...seoul.entry, region: "us-east-1" } }],
      requireRuler(),
    );
    assert.deepEqual(second.errors, []);
    assert.deepEqual(Object.keys(second.rows[seoul.name]).sort(), [
      "probe:array-of-objects",
      "probe:bool-false",
      "probe:nested",
      "probe:or",
      "probe:prefix",
    ]);
  });

  describe("the route matrix of the corpus", () => {
    let matrix: RouteMatrix;
    const expectation = routeExpectation({ spokeRegions: SPOKE_REGIONS });

    before(async () => {
      // Hooks of this suite run before the suite-wide reset of the next test: start from a clean emulator.
      await moto().reset();
      const events = loadCorpus({
        spokeAccount: SPOKE_ACCOUNT,
        spokeRegions: SPOKE_REGIONS,
        hubBus: HUB_BUS,
      });
      matrix = await routeMatrix(topology, events, motoEmulator(), { ruler: requireRuler() });
      console.log(`\n${formatRouteMatrix(matrix, expectation)}\n`);
    });

    it("is the intended matrix; the cells moto cannot evaluate are decided by event-ruler, every other cell agrees with it", () => {
      const cmp = compareRoutes(matrix, expectation);
      assert.deepEqual(cmp.mismatches, []);
      assert.deepEqual(cmp.duplicates, []);
      assert.deepEqual(cmp.staleLimitations, []);
      assert.deepEqual(cmp.unproven, []);
      assert.match(cmp.second!, /^event-ruler \d+\.\d+\.\d+$/);
      assert.deepEqual(cmp.decidedBySecond, [
        `sg world ssh Seoul x hub:hub-remediate: intended reached, ${cmp.second} reached (moto not reached: ${MOTO_ARRAY_LIMITATION})`,
        `sg world ssh ipv6 Tokyo x hub:hub-remediate: intended reached, ${cmp.second} reached (moto not reached: ${MOTO_ARRAY_LIMITATION})`,
        `sg private https Virginia x hub:hub-remediate: intended reached, ${cmp.second} reached (moto not reached: ${MOTO_ARRAY_LIMITATION})`,
        `securityhub critical new Tokyo x hub:hub-notify: intended reached, ${cmp.second} reached (moto not reached: ${SECURITY_HUB_ARRAY_LIMITATION})`,
        `securityhub resolved archived Tokyo x hub:hub-resolve: intended reached, ${cmp.second} reached (moto not reached: ${SECURITY_HUB_ARRAY_LIMITATION})`,
        `securityhub EC2.13 passed Seoul x hub:hub-resolve: intended reached, ${cmp.second} reached (moto not reached: ${SECURITY_HUB_ARRAY_LIMITATION})`,
      ]);
      // The cross-check: both engines route every other cell the same way.
      assert.deepEqual(cmp.disagreements, []);
      assert.equal(cmp.crossChecked, matrix.rows.length * matrix.rules.length - 6);
      assert.deepEqual(matrix.second!.errors, []);
      const text = formatRouteMatrix(matrix, expectation);
      const remediate = matrix.rules.findIndex((r) => r.resourceName === "hub-remediate");
      for (const e of ["sg world ssh Seoul", "sg world ssh ipv6 Tokyo"]) {
        const line = text.split("\n").find((l) => l.startsWith(`  ${e} `))!;
        assert.equal(
          line
            .slice(-3 * matrix.rules.length)
            .split(" ")
            .filter(Boolean)[remediate],
          "+",
          line,
        );
      }
      const rows = text.split("\n").filter((l) => matrix.rows.some((r) => l.startsWith(`  ${r.event} `)));
      assert.equal(rows.length, matrix.rows.length);
      assert.deepEqual(
        rows.filter((l) => /[?%!]/.test(l)),
        [],
      );
      // The hub's SNS and Lambda targets cannot be delivered to by moto: their probes stand in.
      assert.deepEqual(matrix.notDeployed.sort(), [
        "hub:hub-liveness-account-joins -> arn:aws:lambda:us-east-1:111111111111:function:security-guard-liveness",
        "hub:hub-liveness-heartbeats -> arn:aws:lambda:us-east-1:111111111111:function:security-guard-liveness",
        "hub:hub-notify -> arn:aws:sns:us-east-1:111111111111:security-guard-events",
        "hub:hub-remediate -> arn:aws:lambda:us-east-1:111111111111:function:security-guard-remediator",
        "hub:hub-resolve -> arn:aws:sns:us-east-1:111111111111:security-guard-events",
      ]);
    });

    it("without event-ruler (no Java), those cells stay not provable and the matrix says so", () => {
      const withoutSecond: RouteMatrix = {
        ...matrix,
        second: undefined,
        secondUnavailable: "no Java runtime (java: spawn java ENOENT)",
      };
      const cmp = compareRoutes(withoutSecond, expectation);
      assert.deepEqual(cmp.mismatches, []);
      assert.deepEqual(cmp.decidedBySecond, []);
      assert.equal(cmp.crossChecked, 0);
      assert.deepEqual(cmp.unproven, [
        `sg world ssh Seoul x hub:hub-remediate: intended reached, emulator not reached (${MOTO_ARRAY_LIMITATION})`,
        `sg world ssh ipv6 Tokyo x hub:hub-remediate: intended reached, emulator not reached (${MOTO_ARRAY_LIMITATION})`,
        `sg private https Virginia x hub:hub-remediate: intended reached, emulator not reached (${MOTO_ARRAY_LIMITATION})`,
        `securityhub critical new Tokyo x hub:hub-notify: intended reached, emulator not reached (${SECURITY_HUB_ARRAY_LIMITATION})`,
        `securityhub resolved archived Tokyo x hub:hub-resolve: intended reached, emulator not reached (${SECURITY_HUB_ARRAY_LIMITATION})`,
        `securityhub EC2.13 passed Seoul x hub:hub-resolve: intended reached, emulator not reached (${SECURITY_HUB_ARRAY_LIMITATION})`,
      ]);
      const text = formatRouteMatrix(withoutSecond, expectation);
      assert.match(text, /\? intended, not provable in the emulator/);
      assert.match(
        text,
        /event-ruler not used \(no Java runtime .*\): cells moto cannot evaluate stay unproven/,
      );
    });

    it("security-group changes reach the forwarder of their own region and the hub bus rules", () => {
      assert.deepEqual(reachedRules(matrix, "sg modify rules Seoul"), [
        "hub-notify",
        "hub-remediate",
        "spoke-ap-northeast-2-sg-changes",
      ]);
      // moto misses the remediation rule for world-open SSH (arrays); event-ruler reaches it.
      assert.deepEqual(reachedRules(matrix, "sg world ssh Seoul"), [
        "hub-notify",
        "spoke-ap-northeast-2-sg-changes",
      ]);
      for (const [e, forwarder] of [
        ["sg world ssh Seoul", "spoke-ap-northeast-2-sg-changes"],
        ["sg world ssh ipv6 Tokyo", "spoke-ap-northeast-1-sg-changes"],
      ])
        assert.deepEqual(reachedBySecond(matrix, e), ["hub-notify", "hub-remediate", forwarder], e);
      assert.deepEqual(reachedRules(matrix, "sg revoke Tokyo"), [
        "hub-notify",
        "spoke-ap-northeast-1-sg-changes",
      ]);
      assert.deepEqual(reachedRules(matrix, "sg private https Virginia"), [
        "hub-notify",
        "spoke-us-east-1-sg-changes",
      ]);
    });

    it("IAM events match only the us-east-1 IAM forwarder; read-only calls and other services match nothing", () => {
      for (const e of ["iam CreateUser Virginia", "iam AttachRolePolicy Virginia"]) {
        assert.deepEqual(reachedRules(matrix, e), ["hub-notify", "spoke-us-east-1-iam-changes"]);
      }
      for (const e of [
        "read-only DescribeSecurityGroups Seoul",
        "read-only iam GetUser Virginia",
        "unrelated s3 PutObject Virginia",
        "unrelated macie eu-west-1",
        "unauthorized DescribeInstances Seoul (not opted in)",
      ]) {
        assert.deepEqual(reachedRules(matrix, e), [], e);
      }
    });

    it("NON_COMPLIANT restricted-ssh reaches the remediation rule; COMPLIANT does not; other rules reach nothing", () => {
      assert.deepEqual(reachedRules(matrix, "config restricted-ssh NON_COMPLIANT Seoul"), [
        "hub-notify",
        "hub-remediate",
        "spoke-ap-northeast-2-config-compliance",
      ]);
      assert.deepEqual(reachedRules(matrix, "config restricted-ssh COMPLIANT Seoul"), [
        "hub-notify",
        "spoke-ap-northeast-2-config-compliance",
      ]);
      // A rule the guard does not own (Control Tower's, Security Hub's, the seeds' name) is not forwarded.
      assert.deepEqual(reachedRules(matrix, "config other rule NON_COMPLIANT Tokyo"), []);
      assert.deepEqual(reachedRules(matrix, "config seed-named rule NON_COMPLIANT Seoul"), []);
    });

    it("every event kind reaches the notifier rule exactly once", () => {
      const kinds = [
        "sg modify rules Seoul",
        "iam CreateUser Virginia",
        "config restricted-ssh NON_COMPLIANT Seoul",
        "config restricted-ssh COMPLIANT Seoul",
        "alarm ALARM Tokyo",
        "alarm OK Tokyo",
        "remediation report (hub bus)",
      ];
      for (const e of kinds)
        assert.equal(matrix.rows.find((r) => r.event === e)!.reached["hub:hub-notify"], 1, e);
      assert.deepEqual(reachedRules(matrix, "alarm ALARM Tokyo"), [
        "hub-notify",
        "spoke-ap-northeast-1-alarms",
      ]);
      assert.deepEqual(reachedRules(matrix, "remediation report (hub bus)"), ["hub-notify"]);
    });
  });

  describe("event-ruler, the second engine, on the remediation rule", () => {
    const ctx = { spokeAccount: SPOKE_ACCOUNT, spokeRegions: SPOKE_REGIONS, hubBus: HUB_BUS };
    const [seoul, tokyo] = loadCorpus(
      ctx,
      ROUTE_CORPUS.filter((c) => ["sg world ssh Seoul", "sg world ssh ipv6 Tokyo"].includes(c.name)),
    );
    /** The Seoul world-SSH event, opened to a VPC's 10.0.0.0/16 only (the fixture also carries ::/0: dropped). */
    const privateSsh = (): RouteEvent => {
      const event = JSON.parse(JSON.stringify(seoul.event));
      const permission = event.detail.requestParameters.ipPermissions.items[0];
      permission.ipRanges = { items: [{ cidrIp: "10.0.0.0/16", description: "vpc ssh" }] };
      permission.ipv6Ranges = {};
      event.detail.responseElements.securityGroupRuleSet.items = [
        { ...event.detail.responseElements.securityGroupRuleSet.items[0], cidrIpv4: "10.0.0.0/16" },
      ];
      return { name: "sg private ssh Seoul", event, entry: seoul.entry };
    };
    const remediate = () => topology.rules.find((r) => r.resourceName === "hub-remediate")!;

    it("world-open SSH (0.0.0.0/0, ::/0) matches the remediation pattern; 10.0.0.0/16 does not (negative control)", async () => {
      assert.match(JSON.stringify(seoul.event), /"cidrIp":"0\.0\.0\.0\/0"/);
      const answers = await requireRuler().match([
        { id: "seoul", pattern: remediate().pattern, event: seoul.event },
        { id: "tokyo", pattern: remediate().pattern, event: tokyo.event },
        { id: "private", pattern: remediate().pattern, event: privateSsh().event },
      ]);
      assert.deepEqual(Object.fromEntries(answers), {
        seoul: { matches: true },
        tokyo: { matches: true },
        private: { matches: false },
      });
    });

    it("routed end to end, private SSH reaches the forwarder and the notifier, not the remediation rule, in both engines", async () => {
      const event = privateSsh();
      const matrix = await routeMatrix(topology, [event], motoEmulator(), { ruler: requireRuler() });
      const cmp = compareRoutes(matrix, {
        intended: { [event.name]: ["spoke-ap-northeast-2-sg-changes", "hub-notify"] },
        limitations: [],
      });
      assert.deepEqual([cmp.mismatches, cmp.disagreements, cmp.duplicates], [[], [], []]);
      assert.equal(cmp.crossChecked, matrix.rules.length);
      assert.deepEqual(reachedBySecond(matrix, event.name), [
        "hub-notify",
        "spoke-ap-northeast-2-sg-changes",
      ]);
    });

    it("reports a pattern it rejects as an error, per pair, without failing the batch", async () => {
      const answers = await requireRuler().match([
        { id: "bad", pattern: { detail: { eventName: [{ prefix: 5 }] } }, event: seoul.event },
        { id: "good", pattern: { source: ["aws.ec2"] }, event: seoul.event },
      ]);
      assert.match((answers.get("bad") as { error: string }).error, /prefix match pattern must be a string/);
      assert.deepEqual(answers.get("good"), { matches: true });
    });
  });

  describe("a broken wiring is caught", () => {
    const subset = ROUTE_CORPUS.filter((c) =>
      ["iam CreateUser Virginia", "sg revoke Tokyo"].includes(c.name),
    );
    const expectation = routeExpectation({ spokeRegions: SPOKE_REGIONS }, subset);
    const events = () =>
      loadCorpus({ spokeAccount: SPOKE_ACCOUNT, spokeRegions: SPOKE_REGIONS, hubBus: HUB_BUS }, subset);
    const mutate = (f: (t: RouteTopology) => void): RouteTopology => {
      const copy = JSON.parse(JSON.stringify(topology)) as RouteTopology;
      f(copy);
      return copy;
    };

    it('an IAM pattern with readOnly as the string "false" (CloudTrail sends a boolean) matches nothing', async () => {
      const broken = mutate((t) => {
        const iam = t.rules.find((r) => r.resourceName === "spoke-us-east-1-iam-changes")!;
        (iam.pattern.detail as Record<string, unknown>).readOnly = ["false"];
      });
      const cmp = compareRoutes(await routeMatrix(broken, events(), motoEmulator()), expectation);
      assert.deepEqual(cmp.mismatches, [
        "iam CreateUser Virginia x hub:hub-notify: intended reached, emulator not reached",
        "iam CreateUser Virginia x spoke:spoke-us-east-1-iam-changes: intended reached, emulator not reached",
      ]);
    });

    it("a Tokyo forwarder that targets the hub's default bus instead of the security bus does not reach the hub rules", async () => {
      const broken = mutate((t) => {
        const sg = t.rules.find((r) => r.resourceName === "spoke-ap-northeast-1-sg-changes")!;
        sg.targets = [{ arn: "arn:aws:events:us-east-1:111111111111:event-bus/default" }];
      });
      const cmp = compareRoutes(await routeMatrix(broken, events(), motoEmulator()), expectation);
      assert.deepEqual(cmp.mismatches, [
        "sg revoke Tokyo x hub:hub-notify: intended reached, emulator not reached",
      ]);
    });
    it("a remediation pattern without its ::/0 branch: event-ruler fails the IPv6 cell moto cannot evaluate", async () => {
      const ipv6 = ROUTE_CORPUS.filter((c) => c.name === "sg world ssh ipv6 Tokyo");
      const broken = mutate((t) => {
        const rule = t.rules.find((r) => r.resourceName === "hub-remediate")!;
        const branches = rule.pattern.$or as unknown[];
        rule.pattern.$or = branches.filter((b) => !JSON.stringify(b).includes("cidrIpv6"));
        assert.equal((rule.pattern.$or as unknown[]).length, branches.length - 1);
      });
      const matrix = await routeMatrix(
        broken,
        loadCorpus({ spokeAccount: SPOKE_ACCOUNT, spokeRegions: SPOKE_REGIONS, hubBus: HUB_BUS }, ipv6),
        motoEmulator(),
        { ruler: requireRuler() },
      );
      const cmp = compareRoutes(matrix, routeExpectation({ spokeRegions: SPOKE_REGIONS }, ipv6));
      assert.deepEqual(cmp.mismatches, [
        `sg world ssh ipv6 Tokyo x hub:hub-remediate: intended reached, ${cmp.second} not reached (moto not reached: ${MOTO_ARRAY_LIMITATION})`,
      ]);
      assert.deepEqual(cmp.decidedBySecond, []);
      assert.match(formatRouteMatrix(matrix, routeExpectation({ spokeRegions: SPOKE_REGIONS }, ipv6)), / !/);
    });
  });
});
