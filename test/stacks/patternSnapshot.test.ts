// The deployed EventBridge patterns equal the snapshot, character for character as the rules are
// created (JSON.stringify), by rule name: see patternSnapshot.ts.
import { strict as assert } from "assert";
import * as fs from "fs";
import { SNAPSHOT, patternSnapshot } from "./patternSnapshot";

type Tree = Record<string, Record<string, Record<string, unknown>>>;

describe("deployed pattern snapshot", () => {
  const expected = JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")) as {
    forwarding: Tree;
    notify: Tree;
    resolve: Record<string, unknown>;
  };
  const actual = patternSnapshot() as { forwarding: Tree; notify: Tree; resolve: Record<string, unknown> };

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

  // The notify pattern's branches come in registry order now (the order sources recognise events,
  // attack sequences before GuardDuty), and its branch of sources notified whole lists them in
  // that order too: the same branches, each character for character, in another order. EventBridge
  // matches `$or` branches and a field's values in any order (eb-event-patterns.html), so compare
  // those two arrays as sets (the next deploy updates the hub's notify rule in place).
  const branches = (p: Record<string, unknown>) =>
    (p.$or as Array<Record<string, unknown>>)
      .map((b) =>
        Object.keys(b).length === 1 && Array.isArray(b.source)
          ? JSON.stringify({ source: [...(b.source as string[])].sort() })
          : JSON.stringify(b),
      )
      .sort();
  for (const [name, pattern] of Object.entries(expected.notify))
    it(`hub notify pattern (${name}): the same branches`, () => {
      const got = actual.notify[name];
      assert.deepEqual(Object.keys(got), ["$or"]);
      assert.deepEqual(branches(got), branches(pattern));
      const whole = (p: Record<string, unknown>) => (p.$or as Array<{ source: string[] }>)[0].source;
      assert.equal(new Set(whole(got)).size, whole(got).length, "each source notified whole once");
    });

  // The resolve rule (passing verdicts, handlers/findings/registry.ts resolvePattern): the same
  // pattern for each setting, or none (null) where no source declares a branch.
  it("covers the same hub settings for the resolve rule", () => {
    assert.deepEqual(Object.keys(actual.resolve).sort(), Object.keys(expected.resolve).sort());
  });
  for (const [name, pattern] of Object.entries(expected.resolve))
    it(`hub resolve pattern (${name}): the same pattern`, () => {
      assert.equal(JSON.stringify(actual.resolve[name]), JSON.stringify(pattern));
    });

  // EventBridge's limit on a pattern's size: 2,048 characters (eventbridge-quota.html).
  for (const [kind, patterns] of [
    ["notify", actual.notify],
    ["resolve", actual.resolve],
  ] as const)
    for (const [name, pattern] of Object.entries(patterns))
      it(`hub ${kind} pattern (${name}) fits EventBridge's 2,048 characters`, () => {
        assert.ok(JSON.stringify(pattern).length <= 2048, `${JSON.stringify(pattern).length} characters`);
      });
});
