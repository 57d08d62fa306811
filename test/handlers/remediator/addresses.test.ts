// Pure address and narrowing logic of the remediator: CIDR spellings, unions that cover a whole
// family, private space, and what a world-open rule becomes without TCP port 22.
import * as assert from "assert";
import { coversFamily, isPrivate, isWholeFamily, parseCidr, Range } from "../../../handlers/remediator/cidr";
import { withoutSsh } from "../../../handlers/remediator/narrow";
import { findOffendingPermissions } from "../../../handlers/remediator/permissions";

const ranges = (...cidrs: string[]) => cidrs.map((c) => parseCidr(c) as Range);

describe("remediator addresses", () => {
  it("reads every spelling of the whole IPv4 and IPv6 space, and nothing else, as world", () => {
    for (const c of [
      "0.0.0.0/0",
      "::/0",
      "0::0/0",
      "0:0:0:0:0:0:0:0/0",
      "::0/0",
      "1.2.3.4/0",
      "::ffff:0.0.0.0/0",
    ])
      assert.strictEqual(isWholeFamily(c), true, c);
    for (const c of [
      "0.0.0.0/1",
      "::/1",
      "10.0.0.0/8",
      "toString",
      "",
      "0.0.0.0",
      "::/129",
      "999.0.0.0/0",
      undefined,
      {},
    ])
      assert.strictEqual(isWholeFamily(c), false, String(c));
  });

  it("decides whether ranges add up to a whole family", () => {
    assert.strictEqual(coversFamily(ranges("0.0.0.0/1", "128.0.0.0/1"), "ipv4"), true);
    assert.strictEqual(coversFamily(ranges("0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1"), "ipv4"), true);
    assert.strictEqual(coversFamily(ranges("0.0.0.0/2", "128.0.0.0/1"), "ipv4"), false);
    assert.strictEqual(
      coversFamily(ranges("0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/2", "10.0.0.0/8"), "ipv4"),
      true,
    );
    assert.strictEqual(coversFamily(ranges("::/1", "8000::/1"), "ipv6"), true);
    assert.strictEqual(coversFamily(ranges("::/1", "8000::/1"), "ipv4"), false);
    assert.strictEqual(coversFamily([], "ipv4"), false);
  });

  it("knows private address space", () => {
    assert.deepStrictEqual(
      ranges(
        "10.1.0.0/16",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "fd00::/8",
        "203.0.113.0/24",
        "0.0.0.0/1",
        "2001:db8::/32",
      ).map(isPrivate),
      [true, true, true, true, false, false, false],
    );
  });

  it("finds the public halves of a covering union, not the private CIDRs beside them", () => {
    assert.deepStrictEqual(
      findOffendingPermissions([
        {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: "0.0.0.0/1" }, { CidrIp: "10.0.0.0/8" }, { CidrIp: "128.0.0.0/1" }],
        },
        { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
      ]),
      [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["0.0.0.0/1", "128.0.0.0/1"] }],
    );
    // A single public CIDR next to 0.0.0.0/0 is not part of a union: only the world CIDR goes.
    assert.deepStrictEqual(
      findOffendingPermissions([
        {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: "0.0.0.0/0" }, { CidrIp: "203.0.113.0/24" }],
        },
      ]),
      [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["0.0.0.0/0"] }],
    );
  });

  it("narrows a rule to the same access without TCP port 22", () => {
    const cases: Array<[string, number | undefined, number | undefined, string[]]> = [
      ["tcp", 22, 22, []],
      ["tcp", 20, 25, ["tcp 20-21", "tcp 23-25"]],
      ["tcp", 22, 80, ["tcp 23-80"]],
      ["tcp", 0, 22, ["tcp 0-21"]],
      ["6", 21, 23, ["tcp 21-21", "tcp 23-23"]],
      ["tcp", undefined, undefined, ["tcp 0-21", "tcp 23-65535"]],
      ["-1", undefined, undefined, ["tcp 0-21", "tcp 23-65535", "udp 0-65535", "icmp -1--1"]],
    ];
    for (const [proto, from, to, want] of cases) {
      const got = withoutSsh({ ipProtocol: proto, fromPort: from, toPort: to }, ["ipv4"]);
      assert.deepStrictEqual(
        got.keep.map((k) => `${k.ipProtocol} ${k.fromPort}-${k.toPort}`),
        want,
        `${proto} ${from}-${to}`,
      );
      assert.strictEqual(got.closesOtherProtocols, proto === "-1");
    }
    assert.deepStrictEqual(
      withoutSsh({ ipProtocol: "-1" }, ["ipv6"]).keep.map((k) => k.ipProtocol),
      ["tcp", "tcp", "udp", "58"],
    );
  });
});
