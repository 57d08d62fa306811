// Everything a spoke needs in one region: AWS Config with the restricted-ssh rule, and the
// EventBridge rules that forward security events to the hub bus in us-east-1.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SpokeConfig } from "../configSchema";
import type { EventPattern, ForwardRule } from "../../handlers/findings/source";
import { forwardRules } from "../../handlers/findings/registry";
import { ACCESS_ANALYZER_RULE } from "../../handlers/findings/sources/accessAnalyzer";
import { HUB_REGION, IAM_EVENTS_REGION, partitionOf } from "../regions";
import { NAME_PREFIX, RESTRICTED_SSH_RULE_NAME } from "../names";
import { forwardedConfigRules } from "../configRules";
import { usesExistingRecorder } from "../recorderMode";
import { eventBridgeDeadLetterQueue, queueNotEmptyAlarm } from "./deadLetters";
import { scheduleRate } from "../scheduleRate";
import {
  HEARTBEAT_DETAIL_TYPE,
  HEARTBEAT_INTERVAL_MINUTES,
  HEARTBEAT_SOURCE,
} from "../../handlers/shared/constants";

/** What one spoke region's parts read of the spoke's settings. */
export type SpokeRegionSettings = Pick<
  SpokeConfig,
  | "accountId"
  | "aggregation"
  | "createRecorder"
  | "existingRecorderRegions"
  | "forwardUnauthorizedCalls"
  | "extraConfigRules"
  | "globalResourcesRegion"
  | "restrictedSshTag"
>;

export interface SpokeRegionArgs {
  config: SpokeRegionSettings;
  region: string;
  hubAccountId: pulumi.Input<string>;
  hubBusArn: pulumi.Input<string>;
  hubConfigTopicArn: pulumi.Input<string>;
  forwarderRole: aws.iam.Role;
  configRole: aws.iam.Role;
  /** The Config role's policies: IAM is eventually consistent, and PutConfigurationRecorder and
   * PutDeliveryChannel check the role's access when called. */
  configRoleGrants: pulumi.Resource[];
  deliveryBucket: aws.s3.Bucket;
  /** The role EventBridge Scheduler puts this region's heartbeat with. */
  heartbeatRole: aws.iam.Role;
}

/** The rules' patterns under one spoke's settings, by short name (opt-ins left out are absent). */
function patternsOf(
  rules: readonly ForwardRule[],
  region: string,
  config: Partial<Pick<SpokeConfig, "forwardUnauthorizedCalls" | "extraConfigRules">>,
): Record<string, EventPattern> {
  const spoke = {
    region,
    configRuleNames: forwardedConfigRules(config),
    forwardUnauthorizedCalls: !!config.forwardUnauthorizedCalls,
  };
  return Object.fromEntries(
    rules.flatMap((r) => {
      const pattern = r.pattern(spoke);
      return pattern ? [[r.name, pattern]] : [];
    }),
  );
}

/**
 * The forwarding rules of one region the spoke covers, by short name: every source module's
 * (handlers/findings/registry.ts forwardRules). Global services (IAM, Organizations) record their
 * calls in us-east-1 only, so their rules exist there only.
 */
export function forwardingPatterns(
  region: string,
  config: Partial<Pick<SpokeConfig, "forwardUnauthorizedCalls" | "extraConfigRules">> = {},
): Record<string, EventPattern> {
  const global = region === IAM_EVENTS_REGION;
  return patternsOf(
    forwardRules().filter((r) => r.regions !== "global" || global),
    region,
    config,
  );
}

/**
 * The forwarding rules of a region the spoke does not cover where CloudTrail still records console
 * sign-ins (SignInRegion): the rules declared for the sign-in Regions only.
 */
export function signInRegionPatterns(region: string): Record<string, EventPattern> {
  return patternsOf(
    forwardRules().filter((r) => r.regions === "sign-in"),
    region,
    {},
  );
}

/**
 * In the hub's own account, the Access Analyzer rule forwards findings about the account's own
 * resources only: the hub forwards its organization analyzer's findings about the other accounts
 * itself (OrganizationFindings), so none is posted twice. Elsewhere every finding is forwarded
 * (an organization analyzer in another delegated administrator keeps reaching the hub).
 */
export function ownFindingsInHubAccount(
  pattern: EventPattern,
  account: string,
  hubAccount: string,
): EventPattern {
  if (account !== hubAccount) return pattern;
  const detail = (pattern.detail ?? {}) as Record<string, unknown>;
  return { ...pattern, detail: { ...detail, resourceOwnerAccount: [account] } };
}

/**
 * Forwarding rules on a region's default bus, each targeting the hub bus with the forwarder role;
 * what the hub bus did not accept after a day of retries lands in the region's dead-letter queue
 * instead of being dropped (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
 * Its alarm's state change is itself forwarded to the hub once the path works again.
 */
export function forwardToHub(
  name: string,
  region: string,
  patterns: Record<string, EventPattern>,
  args: Pick<SpokeRegionArgs, "config" | "hubBusArn" | "forwarderRole">,
  child: pulumi.CustomResourceOptions,
  hubAccountId?: pulumi.Input<string>,
): void {
  const { config } = args;
  const deadLetters = eventBridgeDeadLetterQueue(
    `${name}-forwarding-dlq`,
    {
      queueName: `${NAME_PREFIX}-forwarding-dlq`,
      sid: "ForwardingRulesDeadLetter",
      ruleArnPattern: `arn:${partitionOf(region)}:events:${region}:${config.accountId}:rule/${NAME_PREFIX}-*`,
    },
    child,
  );
  queueNotEmptyAlarm(
    `${name}-forwarding-dlq-alarm`,
    {
      queue: deadLetters,
      description: `Security events this account could not forward to the hub bus are waiting in ${NAME_PREFIX}-forwarding-dlq.`,
    },
    child,
  );
  for (const [short, pattern] of Object.entries(patterns)) {
    const rule = new aws.cloudwatch.EventRule(
      `${name}-${short}`,
      {
        name: `${NAME_PREFIX}-${short}`,
        description: `Forward ${short} to the security hub bus`,
        eventPattern:
          short === ACCESS_ANALYZER_RULE && hubAccountId !== undefined
            ? pulumi
                .output(hubAccountId)
                .apply((hub) => JSON.stringify(ownFindingsInHubAccount(pattern, config.accountId, hub)))
            : JSON.stringify(pattern),
      },
      child,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-${short}-to-hub`,
      {
        rule: rule.name,
        arn: args.hubBusArn,
        roleArn: args.forwarderRole.arn,
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
        deadLetterConfig: { arn: deadLetters.arn },
      },
      child,
    );
  }
}

/**
 * A region the spoke does not cover where CloudTrail still records its console sign-ins (see
 * SIGN_IN_RECORD_REGIONS): only the sign-in rules and their dead-letter queue.
 */
export class SignInRegion extends pulumi.ComponentResource {
  constructor(
    name: string,
    args: Pick<SpokeRegionArgs, "config" | "region" | "hubBusArn" | "forwarderRole">,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("security-guard:spoke:SignInRegion", name, { region: args.region }, opts);
    forwardToHub(name, args.region, signInRegionPatterns(args.region), args, { parent: this });
    this.registerOutputs({ region: args.region });
  }
}

export class SpokeRegion extends pulumi.ComponentResource {
  constructor(name: string, args: SpokeRegionArgs, opts?: pulumi.ComponentResourceOptions) {
    // The inputs tell the policy pack (stack-shape) what this region is meant to hold.
    super(
      "security-guard:spoke:SpokeRegion",
      name,
      { region: args.region, createRecorder: !usesExistingRecorder(args.config, args.region) },
      opts,
    );
    const { config, region } = args;
    const child = { parent: this };

    let ruleDependsOn: pulumi.Resource[] = [];
    if (!usesExistingRecorder(config, region)) {
      const recorder = new aws.cfg.Recorder(
        `${name}-recorder`,
        {
          name: NAME_PREFIX,
          roleArn: args.configRole.arn,
          recordingGroup: {
            allSupported: true,
            // Global types (IAM) are recorded in one region only, or every region records them again.
            includeGlobalResourceTypes: region === config.globalResourcesRegion,
          },
        },
        { parent: this, dependsOn: args.configRoleGrants },
      );
      const channel = new aws.cfg.DeliveryChannel(
        `${name}-delivery`,
        {
          name: NAME_PREFIX,
          s3BucketName: args.deliveryBucket.bucket,
          // Config publishes only to a topic in its own region: the hub's topic is in us-east-1.
          snsTopicArn: region === HUB_REGION ? args.hubConfigTopicArn : undefined,
          snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
        },
        { parent: this, dependsOn: [recorder, ...args.configRoleGrants] },
      );
      const status = new aws.cfg.RecorderStatus(
        `${name}-recording`,
        { name: recorder.name, isEnabled: true },
        { parent: this, dependsOn: [channel] },
      );
      ruleDependsOn = [status];
    }

    new aws.cfg.Rule(
      `${name}-restricted-ssh`,
      {
        name: RESTRICTED_SSH_RULE_NAME,
        description: "Security groups must not allow SSH (22) from 0.0.0.0/0 or ::/0",
        source: { owner: "AWS", sourceIdentifier: "INCOMING_SSH_DISABLED" },
        // A tag scope or resource types, never both: the Config API describes them as alternatives
        // (https://docs.aws.amazon.com/config/latest/APIReference/API_Scope.html). The managed rule
        // evaluates only security groups either way; the remediator reads this scope back
        // (DescribeConfigRules) to honour it on the CloudTrail path too.
        scope: config.restrictedSshTag
          ? { tagKey: config.restrictedSshTag.key, tagValue: config.restrictedSshTag.value }
          : { complianceResourceTypes: ["AWS::EC2::SecurityGroup"] },
      },
      { parent: this, dependsOn: ruleDependsOn },
    );

    forwardToHub(name, region, forwardingPatterns(region, config), args, child, args.hubAccountId);

    // The heartbeats: EventBridge Scheduler's templated PutEvents target puts one event on this
    // region's default bus every interval
    // (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html); the
    // `heartbeat` rule above (the liveness source declares it) forwards it like any security
    // event, so its arrival at the hub proves
    // the rule, the target, the forwarder role, the hub bus policy and the region itself. A second
    // schedule calls TagResource on the schedules' own group through the universal target
    // (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html): the
    // same tag each time, which changes nothing, and which CloudTrail records as a management write.
    const group = new aws.scheduler.ScheduleGroup(`${name}-schedules`, { name: NAME_PREFIX }, child);
    const heartbeat = (short: string, target: aws.types.input.scheduler.ScheduleTarget) =>
      new aws.scheduler.Schedule(
        `${name}-${short}`,
        {
          name: `${NAME_PREFIX}-${short}`,
          groupName: group.name,
          description: "security-guard: proves this region's path to the hub bus",
          scheduleExpression: scheduleRate(HEARTBEAT_INTERVAL_MINUTES),
          flexibleTimeWindow: { mode: "OFF" },
          target: { ...target, retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 600 } },
        },
        child,
      );
    heartbeat("heartbeat", {
      arn: `arn:${partitionOf(region)}:events:${region}:${config.accountId}:event-bus/default`,
      roleArn: args.heartbeatRole.arn,
      eventbridgeParameters: { source: HEARTBEAT_SOURCE, detailType: HEARTBEAT_DETAIL_TYPE },
      input: JSON.stringify({ path: "forwarding", intervalMinutes: HEARTBEAT_INTERVAL_MINUTES }),
    });
    heartbeat("heartbeat-cloudtrail", {
      arn: "arn:aws:scheduler:::aws-sdk:scheduler:tagResource",
      roleArn: args.heartbeatRole.arn,
      input: JSON.stringify({
        ResourceArn: `arn:${partitionOf(region)}:scheduler:${region}:${config.accountId}:schedule-group/${NAME_PREFIX}`,
        Tags: [{ Key: `${NAME_PREFIX}:heartbeat`, Value: "cloudtrail" }],
      }),
    });

    if (config.aggregation === "account") {
      new aws.cfg.AggregateAuthorization(
        `${name}-aggregation`,
        { accountId: args.hubAccountId, authorizedAwsRegion: HUB_REGION },
        child,
      );
    }
    // The engine hands stack policies a component's registered outputs, not its inputs: the same
    // values again, or stack-shape sees no createRecorder under `pulumi preview`.
    this.registerOutputs({ region: args.region, createRecorder: args.config.createRecorder });
  }
}
