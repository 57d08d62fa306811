// AWS Config aggregator in the hub: organization source (no per-account change), or the account
// list from config (each spoke then authorizes the hub: aws.cfg.AggregateAuthorization).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HubConfig } from "../configSchema";
import { serviceTrust } from "../iam";
import { NAME_PREFIX } from "../names";

export class ConfigAggregator extends pulumi.ComponentResource {
  readonly aggregator: aws.cfg.ConfigurationAggregator;

  constructor(
    name: string,
    args: { config: HubConfig; partition: string },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("security-guard:hub:ConfigAggregator", name, {}, opts);
    const { config, partition } = args;
    let source: Pick<
      aws.cfg.ConfigurationAggregatorArgs,
      "organizationAggregationSource" | "accountAggregationSource"
    >;
    if (config.organizationId) {
      const role = new aws.iam.Role(
        `${name}-role`,
        {
          name: `${NAME_PREFIX}-config-aggregator`,
          assumeRolePolicy: serviceTrust("config.amazonaws.com", config.accountId),
        },
        { parent: this },
      );
      new aws.iam.RolePolicyAttachment(
        `${name}-role-policy`,
        {
          role: role.name,
          policyArn: `arn:${partition}:iam::aws:policy/service-role/AWSConfigRoleForOrganizations`,
        },
        { parent: this },
      );
      source = { organizationAggregationSource: { allRegions: true, roleArn: role.arn } };
    } else {
      source = { accountAggregationSource: { accountIds: config.memberAccounts, allRegions: true } };
    }
    this.aggregator = new aws.cfg.ConfigurationAggregator(
      `${name}-aggregator`,
      { name: `${NAME_PREFIX}-organization`, ...source },
      { parent: this },
    );
    this.registerOutputs({ aggregatorArn: this.aggregator.arn });
  }
}
