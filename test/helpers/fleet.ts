// A fleet of stack files for `npm run rollout` under the real Pulumi engine with the stub AWS
// provider: a project directory (Pulumi.yaml naming the stub provider plugin, the repo's node_modules
// for the Lambda packages' file assets), one hub and N spokes (spoke-000, spoke-001, ...), in an engine
// workspace of its own (file backend, passphrase secrets). The hub's secrets are set as a user sets
// them (`pulumi config set --secret`) before the first rollout.
import * as fs from "fs";
import * as path from "path";
import { parseDocument, stringify } from "yaml";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { runProgram } from "../../stacks/program";
import { readStackFile } from "../../verify/stackFiles";
import { userSecrets } from "../../verify/engine/userSecrets";
import { EngineWorkspace, REPO, createEngineWorkspace, stubPlugins } from "../../verify/engine/workspace";
import { EngineSetup } from "../../verify/rollout/stackRun";

export interface Fleet {
  ws: EngineWorkspace;
  setup: EngineSetup;
  dir: string;
  spokes: string[];
  /** Writes a spoke's stack file (valid by default; `regions` to break or fix it). */
  writeSpoke(name: string, regions?: string[]): void;
  /** The file the stub provider reads out-of-band changes from. */
  driftFile: string;
  dispose(): void;
}

export interface FleetOptions {
  binary: string;
  spokes: number;
  /** Regions of every spoke (default us-east-1 only: one provider, the cheapest spoke). */
  regions?: string[];
  /** Email recipients of the hub's default route (the email topic and its subscriptions). */
  email?: string[];
  keep?: boolean;
}

export const spokeName = (i: number) => `spoke-${String(i).padStart(3, "0")}`;

export async function createFleet(options: FleetOptions): Promise<Fleet> {
  const ws = await createEngineWorkspace({ binary: options.binary, keep: options.keep });
  const dir = path.join(ws.dir, "project");
  fs.mkdirSync(dir);
  const project = parseDocument(fs.readFileSync(path.join(REPO, "Pulumi.yaml"), "utf8"));
  project.set("plugins", stubPlugins(ws));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), project.toString());
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
  const driftFile = path.join(ws.dir, "stub-drift.json");
  ws.envVars.SECURITY_GUARD_STUB_DRIFT = driftFile;

  const hub = {
    "pulumi:disable-default-providers": ["*"],
    "security-guard:role": "hub",
    "security-guard:accountId": "111111111111",
    "security-guard:accountName": "security",
    "security-guard:regions": ["us-east-1"],
    "security-guard:organizationId": "o-a1b2c3d4e5",
    ...(options.email ? { "security-guard:defaultRoute": { email: options.email } } : {}),
  };
  fs.writeFileSync(path.join(dir, "Pulumi.hub.yaml"), stringify({ config: hub }));
  const writeSpoke = (name: string, regions = options.regions ?? ["us-east-1"]) => {
    const i = Number(name.replace(/\D/g, ""));
    const spoke = {
      "pulumi:disable-default-providers": ["*"],
      "security-guard:role": "spoke",
      "security-guard:accountId": String(200000000000 + i),
      "security-guard:hubStack": "organization/security-guard/hub",
      "security-guard:regions": regions,
    };
    fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify({ config: spoke }));
  };
  const spokes = Array.from({ length: options.spokes }, (_, i) => spokeName(i));
  for (const s of spokes) writeSpoke(s);

  const setup: EngineSetup = {
    projectDir: dir,
    projectName: String(project.get("name")),
    pulumi: ws.pulumi,
    envVars: ws.envVars,
    pulumiHome: ws.pulumiHome,
    policyPack: ws.policyPack,
    program: () => async () => runProgram(),
  };
  const hubStack = await LocalWorkspace.createStack(
    { stackName: "hub", projectName: setup.projectName, program: setup.program("hub") },
    { workDir: dir, pulumiCommand: ws.pulumi, envVars: ws.envVars, pulumiHome: ws.pulumiHome },
  );
  for (const secret of userSecrets(readStackFile(path.join(dir, "Pulumi.hub.yaml"))))
    await hubStack.setConfig(secret.path, { value: secret.value, secret: true }, true);
  return { ws, setup, dir, spokes, writeSpoke, driftFile, dispose: () => ws.dispose() };
}
