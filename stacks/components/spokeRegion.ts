// Everything a spoke needs in one region: AWS Config with the restricted-ssh rule, and the
// EventBridge rules that forward security events to the hub bus in us-east-1.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SpokeConfig } from "../configSchema";
import {
  EventPattern,
  alarmStateChanges,
  configComplianceChanges,
  iamChanges,
  securityGroupChanges,
} from "../eventPatterns";
import {
  accessAnalyzerFindings,
  cisChanges,
  consoleSignIns,
  guardDutyFindings,
  organizationsChanges,
  rootUsage,
  securityHubFindings,
  unauthorizedCalls,
} from "../detectionPatterns";
import { modelSources } from "../../handlers/notifier/format/finding";
import { HUB_REGION, IAM_EVENTS_REGION, partitionOf } from "../regions";
import { NAME_PREFIX, RESTRICTED_SSH_RULE_NAME } from "../names";
import { forwardedConfigRules } from "../configRules";
import { usesExistingRecorder } from "../recorderMode";
import { eventBridgeDeadLetterQueue, queueNotEmptyAlarm } from "./deadLetters";

export interface SpokeRegionArgs {
  config: SpokeConfig;
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
}

/**
 * The forwarding rules of one region, by short name. Global services (IAM, console sign-in,
 * Organizations) record their calls in us-east-1 only, so their rules exist there only.
 */
export function forwardingPatterns(
  region: string,
  config: Partial<Pick<SpokeConfig, "forwardUnauthorizedCalls" | "extraConfigRules">> = {},
): Record<string, EventPattern> {
  const global = region === IAM_EVENTS_REGION;
  return {
    "sg-changes": securityGroupChanges,
    "config-compliance": configComplianceChanges(forwardedConfigRules(config)),
    alarms: alarmStateChanges,
    ...(global ? { "iam-changes": iamChanges } : {}),
    "cis-changes": cisChanges,
    "root-activity": rootUsage,
    ...(global ? { "console-sign-in": consoleSignIns, "organizations-changes": organizationsChanges } : {}),
    ...(config.forwardUnauthorizedCalls ? { "unauthorized-calls": unauthorizedCalls } : {}),
    "guardduty-findings": guardDutyFindings,
    "securityhub-findings": securityHubFindings,
    "access-analyzer-findings": accessAnalyzerFindings,
    // Sources mapped to the finding model declare their own rules (handlers/findings/sources).
    ...Object.fromEntries(
      modelSources().flatMap((s) =>
        (s.forward ?? []).flatMap((r) => {
          if (r.regions === "global" && !global) return [];
          const pattern = r.pattern({
            region,
            configRuleNames: forwardedConfigRules(config),
            forwardUnauthorizedCalls: !!config.forwardUnauthorizedCalls,
          });
          return pattern ? [[r.name, pattern]] : [];
        }),
      ),
    ),
  };
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

    // Events the hub bus did not accept after a day of retries land here instead of being dropped
    // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html). Its alarm's state
    // change is itself forwarded to the hub once the path works again, and shows in the console.
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

    for (const [short, pattern] of Object.entries(forwardingPatterns(region, config))) {
      const rule = new aws.cloudwatch.EventRule(
        `${name}-${short}`,
        {
          name: `${NAME_PREFIX}-${short}`,
          description: `Forward ${short} to the security hub bus`,
          eventPattern: JSON.stringify(pattern),
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
