import { strict as assert } from "assert";
import { coversSsh, isWorldCidr } from "../../policy/sshIngress";
import { res } from "./fixtures";
import { assertNone, assertOnly, violationsOf } from "./run";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const VPC_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const POLICY = "no-public-ssh-ingress";

describe("policy no-public-ssh-ingress", () => {
  it("flags inline SecurityGroup ingress with TCP 22 from 0.0.0.0/0", () => {
    const v = assertOnly(
      [
        res(SG, "web", {
          ingress: [
            { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
            { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"] },
          ],
        }),
      ],
      POLICY,
      `${SG} ingress[1] opens SSH (TCP 22-22) to 0.0.0.0/0.`,
    );
    assert.equal(v.level, "mandatory");
    assert.equal(v.urn, "urn:pulumi:test::security-guard::aws:ec2/securityGroup:SecurityGroup::web");
    assert.equal(v.type, SG);
    assert.equal(v.name, "web");
  });

  it("flags a port range covering 22 from ::/0 and all-traffic (-1) rules", () => {
    const v = violationsOf(POLICY, [
      res(SG, "range", {
        ingress: [{ protocol: "tcp", fromPort: 20, toPort: 25, ipv6CidrBlocks: ["::/0"] }],
      }),
      res(SG, "all", { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] }),
    ]);
    assert.deepEqual(
      v.map((x) => [x.name, x.message.split("\n")[1]]),
      [
        ["range", `${SG} ingress[0] opens SSH (TCP 20-25) to ::/0.`],
        ["all", `${SG} ingress[0] opens SSH (all traffic) to 0.0.0.0/0.`],
      ],
    );
  });

  it("flags aws.ec2.SecurityGroupRule of type ingress, not egress", () => {
    const open = {
      protocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrBlocks: ["0.0.0.0/0"],
      securityGroupId: "sg-1",
    };
    const v = violationsOf(POLICY, [
      res(RULE, "in", { ...open, type: "ingress" }),
      res(RULE, "out", { ...open, type: "egress" }),
    ]);
    assert.deepEqual(
      v.map((x) => x.name),
      ["in"],
    );
    assert.ok(v[0].message.includes(`${RULE} rule opens SSH (TCP 22-22) to 0.0.0.0/0.`));
  });

  it("flags aws.vpc.SecurityGroupIngressRule by cidrIpv4, cidrIpv6 and ipProtocol -1", () => {
    const v = violationsOf(POLICY, [
      res(VPC_RULE, "v4", {
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrIpv4: "0.0.0.0/0",
        securityGroupId: "sg-1",
      }),
      res(VPC_RULE, "v6", {
        ipProtocol: "6",
        fromPort: 0,
        toPort: 65535,
        cidrIpv6: "::/0",
        securityGroupId: "sg-1",
      }),
      res(VPC_RULE, "all", { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", securityGroupId: "sg-1" }),
    ]);
    assert.deepEqual(
      v.map((x) => x.name),
      ["v4", "v6", "all"],
    );
    assert.ok(v[2].message.endsWith(`${VPC_RULE} rule opens SSH (all traffic) to 0.0.0.0/0.`));
  });

  it("passes SSH from private ranges, other ports to the world, UDP 22, and unknown sources", () => {
    assertNone([
      res(SG, "private", {
        ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }],
      }),
      res(SG, "https", {
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
      }),
      res(VPC_RULE, "udp", {
        ipProtocol: "udp",
        fromPort: 22,
        toPort: 22,
        cidrIpv4: "0.0.0.0/0",
        securityGroupId: "sg",
      }),
      res(VPC_RULE, "sg-ref", {
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        referencedSecurityGroupId: "sg-2",
        securityGroupId: "sg",
      }),
      // unknown during preview: cannot judge, so no violation (and no advisory either)
      res(VPC_RULE, "unknown", {
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrIpv4: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        securityGroupId: "sg",
      }),
    ]);
  });

  it("flags SSH from ranges as wide as the world (2000::/3, 0.0.0.0/1), not a /24 or private space", () => {
    const v = violationsOf(POLICY, [
      res(SG, "v6", {
        ingress: [
          { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["203.0.113.0/24", "10.0.0.0/8"] },
          { protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["2000::/3", "2001:db8::/32"] },
        ],
      }),
      res(VPC_RULE, "half", {
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrIpv4: "0.0.0.0/1",
        securityGroupId: "sg",
      }),
      res(SG, "https", {
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["2000::/3"] }],
      }),
    ]);
    assert.deepEqual(
      v.map((x) => [x.name, x.message.split("\n")[1]]),
      [
        ["v6", `${SG} ingress[1] opens SSH (TCP 22-22) to 2000::/3.`],
        ["half", `${VPC_RULE} rule opens SSH (TCP 22-22) to 0.0.0.0/1.`],
      ],
    );
  });

  it("takes the world's prefixes from its config (2000::/3 stays the world)", () => {
    const resources = [
      res(SG, "wide", {
        ingress: [
          { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["11.0.0.0/8"] },
          { protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["2000::/3"] },
        ],
      }),
    ];
    const narrow = { config: { [POLICY]: { worldPrefixes: { ipv4: 0, ipv6: 0 } } } };
    assert.deepEqual(
      violationsOf(POLICY, resources, narrow).map((x) => x.message.split("\n")[1]),
      [`${SG} ingress[1] opens SSH (TCP 22-22) to 2000::/3.`],
    );
    assert.equal(violationsOf(POLICY, resources).length, 2);
  });

  it("recognizes world CIDRs and SSH coverage exactly", () => {
    assert.deepEqual(
      ["0.0.0.0/0", "::/0", "0::/0", "10.0.0.0/0", "0.0.0.0/1", "::/1", "0.0.0.0", "10.0.0.0/8"].map((c) =>
        isWorldCidr(c),
      ),
      [true, true, true, true, true, true, false, false],
    );
    assert.equal(coversSsh("tcp", 22, 22), true);
    assert.equal(coversSsh("tcp", 23, 100), false);
    assert.equal(coversSsh("all", undefined, undefined), true);
    assert.equal(coversSsh("icmp", -1, -1), false);
  });
});
