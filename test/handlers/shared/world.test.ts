import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import * as shared from "../../../handlers/shared/world";
import * as pack from "../../../policy/world";

const ROOT = path.join(__dirname, "..", "..", "..");

// An address in any spelling EC2 or a program may use, with a prefix that may exceed the family.
const ipv4Cidr = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 33 })).map(([a, p]) => `${a}/${p}`);
const ipv6Cidr = fc
  .tuple(
    fc.oneof(fc.ipV6(), fc.constantFrom("2000::", "::", "fc00::", "2001:db8::", "::ffff:1.2.3.4")),
    fc.integer({ min: 0, max: 129 }),
  )
  .map(([a, p]) => `${a}/${p}`);
const limits = fc.record({ ipv4: fc.integer({ min: 0, max: 32 }), ipv6: fc.integer({ min: 0, max: 128 }) });

describe("the world (one definition, two copies)", () => {
  it("the policy pack's copy is the shared module, byte for byte", () => {
    assert.equal(
      fs.readFileSync(path.join(ROOT, "policy", "world.ts"), "utf8"),
      fs.readFileSync(path.join(ROOT, "handlers", "shared", "world.ts"), "utf8"),
      "policy/world.ts must be a copy of handlers/shared/world.ts (the pack may import nothing outside policy/)",
    );
  });

  it("both copies give the same answer on random IPv4/IPv6 CIDRs and prefixes", () => {
    fc.assert(
      fc.property(fc.oneof(ipv4Cidr, ipv6Cidr, fc.string()), limits, (cidr, l) => {
        assert.equal(pack.isWorldCidr(cidr, l), shared.isWorldCidr(cidr, l));
        assert.equal(pack.isWorldCidr(cidr), shared.isWorldCidr(cidr));
      }),
      { numRuns: 2000 },
    );
  });

  it("a prefix at most the limit is the world, unless wholly private; 2000::/3 always is", () => {
    fc.assert(
      fc.property(ipv4Cidr, limits, (cidr, l) => {
        const r = shared.parseCidr(cidr);
        if (!r) return;
        assert.equal(shared.isWorldCidr(cidr, l), r.prefix <= l.ipv4 && !shared.isPrivate(r));
      }),
    );
    const zero = { ipv4: 0, ipv6: 0 };
    assert.deepEqual(
      ["2000::/3", "::/0", "::/1", "0::/2", "2000::/4", "2600::/16"].map((c) => shared.isWorldCidr(c, zero)),
      [true, true, true, true, false, false],
    );
  });

  it("the defaults (IPv4 /8, IPv6 /16)", () => {
    const cases: Array<[string, boolean]> = [
      ["0.0.0.0/0", true],
      ["0.0.0.0/1", true],
      ["128.0.0.0/1", true],
      ["11.0.0.0/8", true],
      ["11.0.0.0/9", false],
      ["10.0.0.0/8", false], // private: a whole VPC range
      ["203.0.113.0/24", false],
      ["::/0", true],
      ["0::0/0", true],
      ["2000::/3", true],
      ["2600::/16", true],
      ["2600::/17", false],
      ["fc00::/7", false], // unique local
      ["2001:db8::/32", false],
      ["not a cidr", false],
      ["0.0.0.0/33", false],
    ];
    assert.deepEqual(
      cases.map(([c]) => [c, shared.isWorldCidr(c)]),
      cases,
    );
  });

  it("names every bad configured limit", () => {
    assert.deepEqual(shared.worldPrefixesProblems({ ipv4: 8, ipv6: 16 }), []);
    assert.deepEqual(shared.worldPrefixesProblems({ ipv4: 33, ipv6: -1, v5: 1 }), [
      "worldPrefixes.ipv4 must be a prefix length from 0 to 32, got 33",
      "worldPrefixes.ipv6 must be a prefix length from 0 to 128, got -1",
      "worldPrefixes.v5 is not ipv4 or ipv6",
    ]);
  });
});
