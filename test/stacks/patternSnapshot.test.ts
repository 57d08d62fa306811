// The deployed EventBridge patterns equal the snapshot, character for character as the rules are
// created (JSON.stringify), by rule name: see patternSnapshot.ts.
import { strict as assert } from "assert";
import * as fs from "fs";
import { SNAPSHOT, patternSnapshot } from "./patternSnapshot";

type Tree = Record<string, Record<string, Record<string, unknown>>>;

describe("deployed pattern snapshot", () => {
  const expected = JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")) as { forwarding: Tree; notify: Tree };
  const actual = patternSnapshot() as { forwarding: Tree; notify: Tree };

  it("covers the same spoke stacks, regions and rule names", () => {
    const shape = (t: Tree) =>
      Object.fromEntries(
        Object.entries(t).map(([stack, regions]) => [
          stack,
          Object.fromEntries(Object.entries(regions).map(([r, rules]) => [r, Object.keys(rules).sort()])),
        ]),
      );
    assert.deepStrictEqual(shape(actual.forwarding), shape(expected.forwarding));
  });

  for (const [stack, regions] of Object.entries(expected.forwarding))
    for (const [region, rules] of Object.entries(regions))
      for (const [rule, pattern] of Object.entries(rules))
        it(`${stack} ${region} ${rule}: the same pattern`, () => {
          assert.equal(JSON.stringify(actual.forwarding[stack]?.[region]?.[rule]), JSON.stringify(pattern));
        });

  for (const [name, pattern] of Object.entries(expected.notify))
    it(`hub notify pattern (${name}): the same pattern`, () => {
      assert.equal(JSON.stringify(actual.notify[name]), JSON.stringify(pattern));
    });
});
