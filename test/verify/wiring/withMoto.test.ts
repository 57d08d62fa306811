// withMoto (what `npm run plan` uses) starts its own moto, points the SDK at it, and stops it:
// run in a child process so it cannot stop the emulator this test process shares.
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as path from "path";

const SCRIPT = `
const { withMoto } = require("./verify/wiring/summary");
const before = process.env.AWS_ENDPOINT_URL;
withMoto(async (emulator) => {
  const emu = await emulator();
  await emu.deploy({ buses: [], rules: [{ id: "t:r", stack: "t", resourceName: "r", accountId: "222222222222", region: "ap-northeast-2", bus: "default", name: "r", pattern: { source: ["aws.ec2"] }, targets: [] }] });
  const hit = await emu.send({ name: "e", event: { source: "aws.ec2", "detail-type": "x", detail: { a: 1 } }, entry: { accountId: "222222222222", region: "ap-northeast-2", bus: "default" } });
  const miss = await emu.send({ name: "f", event: { source: "aws.s3", "detail-type": "x", detail: {} }, entry: { accountId: "222222222222", region: "ap-northeast-2", bus: "default" } });
  return { hit, miss, endpoint: process.env.AWS_ENDPOINT_URL };
}).then((r) => {
  console.log(JSON.stringify({ ...r, restored: process.env.AWS_ENDPOINT_URL === before }));
  process.exit(0);
}, (e) => { console.error(e); process.exit(1); });
`;

describe("wiring: withMoto for npm run plan", function () {
  this.timeout(120_000);

  it("routes through its own emulator on 127.0.0.1 and restores the environment", async () => {
    const root = path.resolve(__dirname, "..", "..", "..");
    const env = { ...process.env };
    delete env.AWS_ENDPOINT_URL;
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "-e", SCRIPT],
        { cwd: root, env },
        (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
      ),
    );
    const result = JSON.parse(stdout.trim().split("\n").pop()!);
    assert.deepEqual(result.hit, { "t:r": 1 });
    assert.deepEqual(result.miss, {});
    assert.match(result.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(result.restored, true);
  });
});
