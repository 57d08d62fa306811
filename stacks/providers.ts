// One explicit provider per account and region, assuming the deploy role in that account
// (its ARN from config). Nothing we create may fall back to the default provider.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CommonConfig } from "./configSchema";

/** The session name of every deploy-role session (preflight assumes the role the same way). */
export const DEPLOY_SESSION_NAME = "security-guard-deploy";

export type RegionProviders = Record<string, aws.Provider>;

export function createProviders(
  config: CommonConfig,
  parent?: pulumi.Resource,
  /** Regions beyond the config's where the stack also creates something (spokes: sign-in rules). */
  extraRegions: string[] = [],
): RegionProviders {
  const providers: RegionProviders = {};
  for (const region of [...config.regions, ...extraRegions]) {
    providers[region] = new aws.Provider(
      `${config.accountId}-${region}`,
      {
        region: region as aws.Region,
        allowedAccountIds: [config.accountId],
        assumeRoles: [{ roleArn: config.deployRoleArn, sessionName: DEPLOY_SESSION_NAME }],
        defaultTags: { tags: { "managed-by": "security-guard", ...config.tags } },
      },
      { parent },
    );
  }
  return providers;
}
