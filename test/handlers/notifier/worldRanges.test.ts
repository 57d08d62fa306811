// A security-group change opening SSH to a range as wide as the world (2000::/3: every routable
// IPv6 address; 0.0.0.0/1: half of IPv4) is SSH to the internet, in the severity table, the
// message, the finding's facts and the Revert button, not only 0.0.0.0/0 and ::/0.
import { strict as assert } from "assert";
import { NotifierSettings, renderMessages } from "../../../handlers/notifier";
import { mapPayload } from "../../../handlers/findings/registry";
import type { Finding } from "../../../handlers/findings/model";
import type { Json } from "../../../handlers/findings/parse";
import { encodeAlertRef, parseAlertRef } from "../../../handlers/shared/alertActions";
import { fixture, sectionTexts } from "./fixtures";

const settings: NotifierSettings = { accountNames: {}, routes: [] };

/** The Seoul AuthorizeSecurityGroupIngress fixture, its one permission's port and sources replaced. */
function authorize(port: number, v4: string[], v6: string[]): Json {
  const e = fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json") as Json;
  const d = e.detail as Json;
  const perm = {
    ipProtocol: "tcp",
    fromPort: port,
    toPort: port,
    ipRanges: { items: v4.map((cidrIp) => ({ cidrIp })) },
    ipv6Ranges: { items: v6.map((cidrIpv6) => ({ cidrIpv6 })) },
  };
  return {
    ...e,
    detail: {
      ...d,
      requestParameters: { groupId: "sg-0a1b2c3d4e5f60718", ipPermissions: { items: [perm] } },
    },
  };
}

/** The CloudTrail source module's finding (the finding model's edge). */
function modelFinding(payload: Json, world?: { ipv4: number; ipv6: number }): Finding | undefined {
  const out = mapPayload(
    payload,
    { delivery: { recordId: "record", via: "direct" }, problems: [], ...(world ? { world } : {}) },
    { sshConfigRules: [] },
  );
  return out && "finding" in out ? out.finding : undefined;
}

describe("world-wide ranges in the notifier", () => {
  it("SSH from 2000::/3 and 0.0.0.0/1 is critical and says it opens SSH to the internet", () => {
    const e = authorize(22, ["0.0.0.0/1", "203.0.113.0/24"], ["2000::/3"]);
    const [out] = renderMessages(e, settings);
    assert.equal(out.severity, "critical");
    assert.ok(out.message);
    assert.ok(
      sectionTexts(out.message).some((t) =>
        t.endsWith("\n:rotating_light: *This opens SSH to the whole internet (0.0.0.0/1, 2000::/3).*"),
      ),
      JSON.stringify(sectionTexts(out.message)),
    );
  });

  it("the finding records the world ranges it added (Revert's permissions), not the /24", () => {
    const f = modelFinding(authorize(22, ["0.0.0.0/1", "203.0.113.0/24"], ["2000::/3"]))!;
    assert.equal(f.severity, "critical");
    assert.equal(f.evidence.world_ssh, true);
    assert.deepEqual(f.actions?.security_group?.added, [
      { protocol: "tcp", fromPort: 22, toPort: 22, cidr: "0.0.0.0/1" },
      { protocol: "tcp", fromPort: 22, toPort: 22, cidr: "2000::/3" },
    ]);
    // The button value carrying them parses; a /24 in a crafted value does not.
    const ref = {
      accountId: "222222222222",
      region: "ap-northeast-2",
      kind: "security-group",
      groupId: "sg-0a1b2c3d4e5f60718",
      permissions: f.actions!.security_group!.added,
    };
    assert.deepEqual(parseAlertRef(encodeAlertRef(ref)), { ok: true, ref: { ...ref, eventId: undefined } });
    const crafted = {
      ...ref,
      permissions: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidr: "203.0.113.0/24" }],
    };
    assert.deepEqual(parseAlertRef(encodeAlertRef(crafted)), {
      ok: false,
      error: 'button value: permission 0: "203.0.113.0/24" is not a range open to the world',
    });
  });

  it("HTTPS from 2000::/3 is high (world ingress, not SSH); SSH from a /24 or 10.0.0.0/8 is not world", () => {
    const https = authorize(443, [], ["2000::/3"]);
    assert.equal(modelFinding(https)!.severity, "high");
    const narrow = authorize(22, ["203.0.113.0/24", "10.0.0.0/8"], ["2001:db8::/32"]);
    assert.equal(modelFinding(narrow)!.evidence.world_ingress, false);
  });

  it("follows the hub's worldPrefixes: with /0, SSH from 0.0.0.0/1 is not the world, 2000::/3 still is", () => {
    const narrow = { ipv4: 0, ipv6: 0 };
    const half = authorize(22, ["0.0.0.0/1"], []);
    assert.equal(modelFinding(half)!.evidence.world_ssh, true);
    assert.equal(modelFinding(half, narrow)!.evidence.world_ingress, false);
    const both = authorize(22, ["0.0.0.0/1"], ["2000::/3"]);
    const [out] = renderMessages(both, { ...settings, worldPrefixes: narrow });
    assert.equal(out.severity, "critical");
    assert.ok(
      sectionTexts(out.message!).some((t) =>
        t.endsWith("\n:rotating_light: *This opens SSH to the whole internet (2000::/3).*"),
      ),
      JSON.stringify(sectionTexts(out.message!)),
    );
    const [halfOut] = renderMessages(half, { ...settings, worldPrefixes: narrow });
    assert.notEqual(halfOut.severity, "critical");
    assert.ok(!sectionTexts(halfOut.message!).some((t) => t.includes("whole internet")));
  });
});
