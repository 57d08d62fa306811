// Pulumi.yaml is read by the real CLI: its config block must follow the project schema
// (sdk/go/common/workspace/project.json: declared types are string, integer, boolean or array,
// arrays need `items`), and every key the program accepts must be documented there.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { KNOWN_CONFIG_KEYS } from "../../stacks/validateConfig";

const text = fs.readFileSync(path.resolve(__dirname, "..", "..", "Pulumi.yaml"), "utf8");
const project = parse(text) as {
  name: string;
  runtime: { name: string };
  config: Record<string, Record<string, unknown>>;
};

describe("Pulumi.yaml", () => {
  it("names the project and the nodejs runtime", () => {
    assert.equal(project.name, "security-guard");
    assert.equal(project.runtime.name, "nodejs");
  });

  it("declares config only with types the Pulumi CLI accepts", () => {
    for (const [key, decl] of Object.entries(project.config)) {
      assert.ok(
        ["string", "integer", "boolean", "array"].includes(String(decl.type)),
        `${key}: type ${decl.type}`,
      );
      if (decl.type === "array") assert.deepEqual(decl.items, { type: "string" }, `${key}: items`);
      assert.deepEqual(
        Object.keys(decl).filter((k) => !["type", "items", "description", "default"].includes(k)),
        [],
        `${key}: unknown attributes`,
      );
      assert.ok(!key.includes(":"), `${key}: project keys are declared without the namespace`);
      // A declared key without a default is required in every stack, hub and spoke alike.
      if (!("default" in decl))
        assert.ok(["role", "accountId", "regions"].includes(key), `${key}: needs a default`);
    }
  });

  it("documents every key the program accepts (declared, or in the comment block for object values)", () => {
    const undocumented = KNOWN_CONFIG_KEYS.filter(
      (k) => !(k in project.config) && !new RegExp(`^#\\s+${k}\\s`, "m").test(text),
    );
    assert.deepEqual(undocumented, []);
  });
});
