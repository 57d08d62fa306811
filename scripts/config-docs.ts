// npm run config:docs [-- --check]
// Writes what is generated from the configuration schema (stacks/configJsonSchema.ts): the schema
// editors validate stack files with, the key documentation in Pulumi.yaml, and the README's tables of
// the finding sources (detections and severity, from the source modules). With --check,
// writes nothing and exits 1 when either file is stale.
import * as fs from "fs";
import * as path from "path";
import { withGeneratedSection } from "../stacks/configDocs";
import { STACK_FILE_SCHEMA_PATH, stackFileSchemaText } from "../stacks/stackFileSchema";
import { withGeneratedTables } from "../verify/readmeTables";

/** Each generated file with its current and its generated text. */
export function generatedFiles(root: string): Array<{ file: string; current: string; generated: string }> {
  const read = (file: string) =>
    fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), "utf8") : "";
  const pulumiYaml = read("Pulumi.yaml");
  const readme = read("README.md");
  return [
    { file: STACK_FILE_SCHEMA_PATH, current: read(STACK_FILE_SCHEMA_PATH), generated: stackFileSchemaText() },
    { file: "Pulumi.yaml", current: pulumiYaml, generated: withGeneratedSection(pulumiYaml) },
    { file: "README.md", current: readme, generated: withGeneratedTables(readme) },
  ];
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  const stale = generatedFiles(root).filter((f) => f.current !== f.generated);
  if (process.argv.includes("--check")) {
    for (const f of stale) console.error(`${f.file} is stale: run npm run config:docs`);
    process.exit(stale.length > 0 ? 1 : 0);
  }
  for (const f of stale) {
    fs.mkdirSync(path.dirname(path.join(root, f.file)), { recursive: true });
    fs.writeFileSync(path.join(root, f.file), f.generated);
    console.log(`wrote ${f.file}`);
  }
  if (stale.length === 0) console.log("generated files are up to date");
}
