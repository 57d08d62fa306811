// Read-only checks of a real account before `pulumi up`: everything that would make the rollout
// fail or leave a flow silent, per account and region, each with its fix. Only Describe/Get/List/
// Head calls (and sts:AssumeRole into the deploy role) are ever made.
import { errorText } from "../../handlers/shared/errors";
import { HubConfig, SpokeConfig, StackConfig } from "../../stacks/configSchema";
import { HUB_OUTPUT_NAMES } from "../../stacks/hubOutputs";
import { evaluateStackFile } from "../evaluateStacks";
import { StackFile, stackFileConfig } from "../stackFiles";
import { checkConfigRecorder } from "./configRecorder";
import { Finding, PreflightReport, report } from "./findings";
import { checkFixedNames, namedResources } from "./fixedNames";
import { checkHubOutputs, placeholderHubOutputs } from "./hubOutputs";
import { checkOrganization } from "./organization";
import { DeploySession, assumeDeployRole } from "./session";
import { checkTrail } from "./trail";

export interface PreflightOptions {
  /** A file with the hub stack's outputs (spokes): `pulumi stack output --json`, or a state file. */
  hubOutputsFile?: string;
}

/** Runs one check; an AWS error (e.g. the deploy role may not read) becomes a blocking finding. */
async function guarded(
  what: string,
  account: string,
  region: string,
  run: () => Promise<Finding[]>,
): Promise<Finding[]> {
  try {
    return await run();
  } catch (err) {
    return [
      {
        check: what,
        account,
        region,
        resource: what,
        blocks: true,
        message: `could not be checked: ${errorText(err)}`,
        fix: "give the deploy role the read permissions of npm run preflight -- --stack <stack> --deploy-policy",
      },
    ];
  }
}

/** The fixed names the stack would create, from its evaluation under the mock runtime. */
async function stackNames(stack: StackFile, config: StackConfig, hubOutputs?: Record<string, unknown>) {
  const hubs = new Map<string, Record<string, unknown>>();
  if (config.role === "spoke") {
    const complete = hubOutputs && HUB_OUTPUT_NAMES.every((n) => hubOutputs[n] !== undefined);
    hubs.set(config.hubStack.split("/").pop()!, complete ? hubOutputs : placeholderHubOutputs());
  }
  const evaluation = await evaluateStackFile(stack, hubs);
  if (!evaluation.evaluation)
    throw evaluation.error ?? new Error(`${stack.file}: the program did not evaluate`);
  return namedResources(evaluation.evaluation.resources);
}

async function hubFindings(config: HubConfig, session: DeploySession): Promise<Finding[]> {
  return guarded("organization", config.accountId, "global", () => checkOrganization(config, session));
}

async function spokeFindings(config: SpokeConfig, session: DeploySession): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const region of config.regions) {
    findings.push(
      ...(await guarded("config-recorder", config.accountId, region, () =>
        checkConfigRecorder(config, region, session),
      )),
      ...(await guarded("trail", config.accountId, region, () => checkTrail(config, region, session))),
    );
  }
  return findings;
}

export async function preflight(stack: StackFile, options: PreflightOptions = {}): Promise<PreflightReport> {
  const config = stackFileConfig(stack);
  const base = {
    stack: stack.stack,
    role: config.role,
    account: config.accountId,
    deployRoleArn: config.deployRoleArn,
  };
  // A real `pulumi up` refuses a stack whose secrets are not set (preflight ran with stand-ins).
  const findings: Finding[] = stack.secretsNeeded.map((secret) => ({
    check: "secret",
    account: config.accountId,
    region: "global",
    resource: `security-guard:${secret.path}`,
    blocks: true,
    message: "this secret is not set in the stack config",
    fix: `${secret.command} --stack ${stack.stack}`,
  }));
  let hubOutputs: Record<string, unknown> | undefined;
  if (config.role === "spoke") {
    const checked = checkHubOutputs(config, options.hubOutputsFile);
    findings.push(...checked.findings);
    hubOutputs = checked.outputs as Record<string, unknown> | undefined;
  }
  const assumed = await assumeDeployRole(config.deployRoleArn, config.accountId, config.regions[0]);
  if ("finding" in assumed) return report(base, [...findings, assumed.finding]);
  const { session } = assumed;
  findings.push(
    ...(config.role === "hub" ? await hubFindings(config, session) : await spokeFindings(config, session)),
  );
  const names = await stackNames(stack, config, hubOutputs);
  findings.push(
    ...(await guarded("fixed-name", config.accountId, "global", () =>
      checkFixedNames(config.accountId, stack.stack, names, session),
    )),
  );
  return report(base, findings);
}
