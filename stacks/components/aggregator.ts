// AWS Config aggregator in the hub: organization source (no per-account change; needs the
// management account or a delegated administrator for Config), or the account list from config
// (each spoke then authorizes the hub: aws.cfg.AggregateAuthorization). Config `aggregator: none`
// skips it, so the hub can deploy before delegation is done.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HubPlacement } from "../hubPlacement";
import { serviceTrust } from "../iam";
import { NAME_PREFIX } from "../names";

export class ConfigAggregator extends pulumi.ComponentResource {
  readonly aggregator: aws.cfg.ConfigurationAggregator;

  constructor(
    name: string,
    args: {
      hub: Pick<HubPlacement, "accountId" | "partition">;
      /** "organization" (needs Config's delegated administrator) or the explicit member accounts. */
      source: "organization" | { accounts: string[] };
    },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("security-guard:hub:ConfigAggregator", name, {}, opts);
    const { accountId, partition } = args.hub;
    // The aggregator checks its role's access when created: wait for the policy attachment.
    const dependsOn: pulumi.Resource[] = [];
    let source: Pick<
      aws.cfg.ConfigurationAggregatorArgs,
      "organizationAggregationSource" | "accountAggregationSource"
    >;
    if (args.source === "organization") {
      const role = new aws.iam.Role(
        `${name}-role`,
        {
          name: `${NAME_PREFIX}-config-aggregator`,
          assumeRolePolicy: serviceTrust("config.amazonaws.com", accountId),
        },
        { parent: this },
      );
      const attachment = new aws.iam.RolePolicyAttachment(
        `${name}-role-policy`,
        {
          role: role.name,
          policyArn: `arn:${partition}:iam::aws:policy/service-role/AWSConfigRoleForOrganizations`,
        },
        { parent: this },
      );
      dependsOn.push(attachment);
      source = { organizationAggregationSource: { allRegions: true, roleArn: role.arn } };
    } else {
      source = { accountAggregationSource: { accountIds: args.source.accounts, allRegions: true } };
    }
    this.aggregator = new aws.cfg.ConfigurationAggregator(
      `${name}-aggregator`,
      { name: `${NAME_PREFIX}-organization`, ...source },
      { parent: this, dependsOn },
    );
    this.registerOutputs({ aggregatorArn: this.aggregator.arn });
  }
}
