// A throwaway home for the real Pulumi engine: its own PULUMI_HOME, a local file backend and
// passphrase secrets in a temporary directory, so a run never touches the user's Pulumi login, state
// or the repository's stack files. It also holds the two plugins the engine starts:
// - the policy pack as an executable analyzer (`--policy-pack FILE`: the CLI runs FILE with the
//   engine address and reads PulumiPolicy.yaml beside it; no Node.js language host needed);
// - the stub `aws` resource provider (./stubProvider).
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { transpileDirs } from "./transpile";

export const REPO = path.resolve(__dirname, "..", "..");

export interface EngineWorkspace {
  dir: string;
  pulumi: PulumiCommand;
  /** Environment of every CLI run (backend, passphrase, plugin settings). */
  envVars: Record<string, string>;
  pulumiHome: string;
  /** The policy pack executable, for `policyPacks` / `--policy-pack`. */
  policyPack: string;
  /** Directory holding the stub `pulumi-resource-aws`. */
  stubProviderDir: string;
  /** Removes the directory (unless kept for debugging). */
  dispose(): void;
}

export interface WorkspaceOptions {
  /** The Pulumi CLI binary (…/bin/pulumi). */
  binary: string;
  /** Keep the directory after the run (prints nothing; the caller reports `dir`). */
  keep?: boolean;
}

function writeExecutable(file: string, lines: string[]): void {
  fs.writeFileSync(file, ["#!/bin/sh", ...lines, ""].join("\n"), { mode: 0o755 });
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export async function createEngineWorkspace(options: WorkspaceOptions): Promise<EngineWorkspace> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "security-guard-engine-"));
  const pulumiHome = path.join(dir, "home");
  const state = path.join(dir, "state");
  fs.mkdirSync(pulumiHome);
  fs.mkdirSync(state);

  // Both plugins run from JavaScript transpiled once here: the engine starts them many times.
  const js = path.join(dir, "js");
  transpileDirs(REPO, ["policy", path.join("verify", "engine", "stubProvider")], js);

  const packDir = path.join(dir, "policy-pack");
  fs.mkdirSync(packDir);
  fs.copyFileSync(path.join(REPO, "policy", "PulumiPolicy.yaml"), path.join(packDir, "PulumiPolicy.yaml"));
  const policyPack = path.join(packDir, "security-guard-policy");
  // The pack runs from its own directory (PolicyPack reads the version from package.json there).
  writeExecutable(policyPack, [
    "# The CrossGuard pack as an executable analyzer plugin; the engine address argument is not needed.",
    `cd ${sh(path.join(REPO, "policy"))} && exec ${sh(process.execPath)} ${sh(path.join(js, "policy", "index.js"))}`,
  ]);

  const stubProviderDir = path.join(dir, "stub-provider");
  fs.mkdirSync(stubProviderDir);
  writeExecutable(path.join(stubProviderDir, "pulumi-resource-aws"), [
    "# Stand-in AWS provider plugin (no credentials, no AWS calls).",
    `exec ${sh(process.execPath)} ${sh(path.join(js, "verify", "engine", "stubProvider", "main.js"))} "$@"`,
  ]);

  const envVars: Record<string, string> = {
    PULUMI_HOME: pulumiHome,
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: crypto.randomBytes(16).toString("hex"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // The engine must not reach for a Pulumi Cloud login or the user's own token.
    PULUMI_ACCESS_TOKEN: "",
  };
  const pulumi = await PulumiCommand.get({
    root: path.dirname(path.dirname(options.binary)),
    skipVersionCheck: true,
  });
  return {
    dir,
    pulumi,
    envVars,
    pulumiHome,
    policyPack,
    stubProviderDir,
    dispose() {
      if (!options.keep) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `plugins.providers` for a project file: where the engine finds the stub provider. */
export function stubPlugins(
  ws: EngineWorkspace,
): { providers: { name: string; path: string }[] } | undefined {
  return ws.stubProviderDir ? { providers: [{ name: "aws", path: ws.stubProviderDir }] } : undefined;
}
