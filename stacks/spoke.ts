// A spoke stack (one service account, several regions): AWS Config with restricted-ssh, event
// forwarding to the hub, and the roles the hub's functions assume.
import * as pulumi from "@pulumi/pulumi";
import { SpokeConfig } from "./configSchema";
import { HubReference } from "./hubOutputs";
import { createProviders } from "./providers";
import { IAM_EVENTS_REGION, extraSignInRegions, partitionOf } from "./regions";
import { createTrail } from "./components/spokeTrail";
import { SignInRegion, SpokeRegion } from "./components/spokeRegion";
import { SpokeRoles } from "./components/spokeRoles";

export interface SpokeResult {
  accountId: string;
  regions: string[];
  forwarderRoleArn: pulumi.Output<string>;
}

export class Spoke extends pulumi.ComponentResource {
  readonly result: SpokeResult;

  constructor(name: string, config: SpokeConfig, opts?: pulumi.ComponentResourceOptions) {
    super(
      "security-guard:spoke:Spoke",
      name,
      { accountId: config.accountId, regions: config.regions, createRecorder: config.createRecorder },
      opts,
    );
    const partition = partitionOf(config.regions[0]);
    const signInOnly = extraSignInRegions(config.regions);
    const providers = createProviders(config, this, signInOnly);
    const primary = providers[IAM_EVENTS_REGION] ?? providers[config.regions[0]];
    const hub = new HubReference(config.hubStack, { parent: this }).all();

    const roles = new SpokeRoles(
      `${name}-account`,
      { config, partition, hub },
      { parent: this, providers: { aws: primary } },
    );
    for (const region of config.regions) {
      new SpokeRegion(
        `${name}-${region}`,
        {
          config,
          region,
          hubAccountId: hub.hubAccountId,
          hubBusArn: hub.busArn,
          hubConfigTopicArn: hub.configTopicArn,
          forwarderRole: roles.forwarderRole,
          configRole: roles.configRole,
          configRoleGrants: roles.configRoleGrants,
          deliveryBucket: roles.deliveryBucket,
          heartbeatRole: roles.heartbeatRole,
        },
        { parent: this, providers: { aws: providers[region] } },
      );
    }
    for (const region of signInOnly) {
      new SignInRegion(
        `${name}-${region}`,
        { config, region, hubBusArn: hub.busArn, forwarderRole: roles.forwarderRole },
        { parent: this, providers: { aws: providers[region] } },
      );
    }
    if (config.createTrail)
      createTrail(`${name}-trail`, config, roles.deliveryBucket, { parent: this, provider: primary });
    this.result = {
      accountId: config.accountId,
      regions: config.regions,
      forwarderRoleArn: roles.forwarderRole.arn,
    };
    this.registerOutputs({});
  }
}

export function deploySpoke(config: SpokeConfig): SpokeResult {
  return new Spoke("spoke", config).result;
}
