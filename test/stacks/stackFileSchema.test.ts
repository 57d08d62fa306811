// The published stack-file schema and the generated key documentation: current with the schema the
// program validates with, and agreeing with the program's validation on real and broken stack files.
import { strict as assert } from "assert";
import Ajv from "ajv";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { addAccount } from "../../scripts/account-add";
import { generatedFiles } from "../../scripts/config-docs";
import { listStackFiles, validConfigs } from "../../verify/stackFiles";
import { SCHEMA_ANNOTATIONS } from "../../stacks/configJsonSchema";
import { SCHEMA_COMMENT, STACK_FILE_SCHEMA_PATH } from "../../stacks/stackFileSchema";

const ROOT = path.resolve(__dirname, "..", "..");
const stackFileNames = () => fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f));

function publishedValidator() {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  ajv.addVocabulary(SCHEMA_ANNOTATIONS);
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, STACK_FILE_SCHEMA_PATH), "utf8")));
}

describe("published stack-file schema and generated key documentation", () => {
  it("are current: npm run config:docs would change nothing", () => {
    const stale = generatedFiles(ROOT).filter((f) => f.current !== f.generated);
    assert.deepEqual(
      stale.map((f) => f.file),
      [],
      "run npm run config:docs and commit the result",
    );
  });

  it("every stack file names the schema on its first line, for editors", () => {
    for (const file of stackFileNames()) {
      const first = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n")[0];
      assert.equal(first, `# ${SCHEMA_COMMENT}`, file);
    }
  });

  it("agrees with the program: accepts every stack file it accepts, and what account:add writes", () => {
    const validate = publishedValidator();
    const accepted = validConfigs(listStackFiles(ROOT)).map((c) => c.stackFile);
    assert.deepEqual(accepted.sort(), stackFileNames().sort());
    for (const file of stackFileNames()) {
      assert.ok(
        validate(parse(fs.readFileSync(path.join(ROOT, file), "utf8"))),
        `${file}: ${JSON.stringify(validate.errors)}`,
      );
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-schema-"));
    for (const file of stackFileNames()) fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
    const added = addAccount({ dir, account: "555555555555", name: "analytics", regions: ["us-east-1"] });
    assert.deepEqual(added.problems, []);
    const text = fs.readFileSync(path.join(dir, added.file), "utf8");
    assert.ok(text.startsWith(`# ${SCHEMA_COMMENT}\n`), text);
    assert.ok(validate(parse(text)), JSON.stringify(validate.errors));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("agrees with the program: both refuse each broken stack file", () => {
    const validate = publishedValidator();
    const hub = parse(fs.readFileSync(path.join(ROOT, "Pulumi.hub.yaml"), "utf8"));
    const spoke = parse(fs.readFileSync(path.join(ROOT, "Pulumi.spoke-web.yaml"), "utf8"));
    const broken: Array<[string, Record<string, unknown>, (c: Record<string, unknown>) => void]> = [
      ["a typo in a key", spoke, (c) => (c["security-guard:createRecoder"] = false)],
      ["a spoke without its hub", spoke, (c) => delete c["security-guard:hubStack"]],
      ["a short account id", spoke, (c) => (c["security-guard:accountId"] = "12345")],
      ["a spoke without us-east-1", spoke, (c) => (c["security-guard:regions"] = ["eu-west-1"])],
      ["a webhook in plaintext", hub, (c) => (c["security-guard:slackWebhooks"] = { default: "https://x" })],
      [
        "an empty route account list",
        hub,
        (c) => (c["security-guard:slackRoutes"] = [{ webhook: "payments", accounts: [] }]),
      ],
      ["no Config rule names", hub, (c) => (c["security-guard:remediation"] = { configRuleNames: [] })],
      ["a hub outside us-east-1", hub, (c) => (c["security-guard:regions"] = ["eu-west-1"])],
    ];
    for (const [what, original, breakIt] of broken) {
      const doc = structuredClone(original) as { config: Record<string, unknown> };
      breakIt(doc.config);
      assert.equal(validate(doc), false, `schema accepts ${what}`);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-broken-"));
      fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), JSON.stringify(doc));
      assert.deepEqual(validConfigs(listStackFiles(dir)), [], `program accepts ${what}`);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
