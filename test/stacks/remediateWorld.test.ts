// The hub's remediation rule lets through CloudTrail calls that open ingress to any range as wide
// as the world (worldPrefixes; 2000::/3 always), not only 0.0.0.0/0 and ::/0, so the remediator is
// invoked for them (AWS's restricted-ssh rule does not flag them). Judged by AWS's event-ruler.
import { strict as assert } from "assert";
import { hubRemediate } from "../../stacks/remediatePattern";
import { isRulerMatcher, loadRulerMatcher } from "../../verify/wiring/ruler";
import { fixture } from "../handlers/notifier/fixtures";

function authorize(v4: string[], v6: string[]): Record<string, unknown> {
  const e = structuredClone(
    fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json"),
  ) as { detail: Record<string, unknown> };
  e.detail.requestParameters = {
    groupId: "sg-0a1b2c3d4e5f60718",
    ipPermissions: {
      items: [
        {
          ipProtocol: "tcp",
          fromPort: 22,
          toPort: 22,
          ...(v4.length ? { ipRanges: { items: v4.map((cidrIp) => ({ cidrIp })) } } : {}),
          ...(v6.length ? { ipv6Ranges: { items: v6.map((cidrIpv6) => ({ cidrIpv6 })) } } : {}),
        },
      ],
    },
  };
  return e;
}

function flat(cidrIp: string): Record<string, unknown> {
  const e = authorize([], []) as { detail: Record<string, unknown> };
  e.detail.requestParameters = {
    groupId: "sg-0a1b2c3d4e5f60718",
    cidrIp,
    ipProtocol: "tcp",
    fromPort: 22,
    toPort: 22,
  };
  return e;
}

describe("hub remediation rule: world-wide ranges", function () {
  this.timeout(120_000);

  it("matches 0.0.0.0/1, 11.0.0.0/8, 2000::/3, 2600::/16 and the /0s; not a /9, a /21 or 2600::/17", async () => {
    const ruler = loadRulerMatcher();
    assert.ok(isRulerMatcher(ruler), JSON.stringify(ruler));
    const pattern = hubRemediate(["restricted-ssh"]);
    assert.ok(JSON.stringify(pattern).length <= 2048, "within EventBridge's default pattern size");
    const cases: Array<[string, Record<string, unknown>, boolean]> = [
      ["v4 /0", authorize(["0.0.0.0/0"], []), true],
      ["v4 /1", authorize(["203.0.113.0/24", "0.0.0.0/1"], []), true],
      ["v4 /8", authorize(["11.0.0.0/8"], []), true],
      ["v4 /9", authorize(["11.0.0.0/9"], []), false],
      ["v4 /21", authorize(["10.1.0.0/21"], []), false],
      ["v6 /0", authorize([], ["::/0"]), true],
      ["v6 2000::/3", authorize([], ["2000::/3"]), true],
      ["v6 /16", authorize([], ["2600::/16"]), true],
      ["v6 /17", authorize([], ["2600::/17"]), false],
      ["flat /1", flat("128.0.0.0/1"), true],
      ["flat /24", flat("203.0.113.0/24"), false],
    ];
    const answers = await ruler.match(cases.map(([id, event]) => ({ id, pattern, event })));
    assert.deepEqual(
      cases.map(([id]) => [id, answers.get(id)]),
      cases.map(([id, , matches]) => [id, { matches }]),
    );
    // With worldPrefixes /0, 2000::/3 still reaches the function; 0.0.0.0/1 no longer does.
    const narrow = hubRemediate(["restricted-ssh"], { ipv4: 0, ipv6: 0 });
    const narrowAnswers = await ruler.match([
      { id: "v6", pattern: narrow, event: authorize([], ["2000::/3"]) },
      { id: "v4", pattern: narrow, event: authorize(["0.0.0.0/1"], []) },
    ]);
    assert.deepEqual(
      [narrowAnswers.get("v6"), narrowAnswers.get("v4")],
      [{ matches: true }, { matches: false }],
    );
  });
});
