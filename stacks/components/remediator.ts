// The remediation function: triggered by the central bus (Config verdicts, CloudTrail calls that
// open ingress to the world) and by Config notifications on the config topic; it acts in spokes
// through their remediation role and reports every decision back to the bus.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createRemediatorHandler } from "../../handlers/remediator";
import { EXEMPTION_CHECK_EVENT } from "../../handlers/remediator/exemptions";
import { ENV } from "../../handlers/shared/constants";
import type { RemediatorSettings } from "../../handlers/remediator";
import { HubPlacement, OrgScope } from "../hubPlacement";
import { Statement } from "../iam";
import { assumeSpokeRoles } from "../orgScope";
import { FUNCTION_NAMES, REMEDIATION_ROLE_NAME } from "../names";
import { GuardFunction, NOTIFIER_ONLY_PACKAGES } from "./guardFunction";
import { subscribe } from "./subscribe";

/** The exemption check: daily, so an exemption outlives its expiry by at most a day. */
export const EXEMPTION_CHECK_SCHEDULE = "cron(0 6 * * ? *)";

export interface RemediatorArgs {
  hub: HubPlacement;
  /** The accounts whose remediation role it may assume. */
  org: OrgScope;
  /** The function's settings (remediatorSettings in functionSettings.ts). */
  settings: RemediatorSettings;
  logRetentionDays: number;
  /** Also act on Config notifications from the config topic. */
  configTopicTrigger: boolean;
  kmsKey: aws.kms.Key;
  bus: aws.cloudwatch.EventBus;
  rule: aws.cloudwatch.EventRule;
  configTopic: aws.sns.Topic;
  /** The bus's dead-letter queue, for events the bus could not deliver to the function. */
  deadLetterArn: pulumi.Input<string>;
}

export class Remediator extends pulumi.ComponentResource {
  readonly fn: GuardFunction;

  constructor(name: string, args: RemediatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("security-guard:hub:Remediator", name, {}, opts);
    const { hub, org, settings } = args;
    this.fn = new GuardFunction(
      name,
      {
        functionName: FUNCTION_NAMES.remediator,
        description: "security-guard: revokes SSH opened to the world in spoke accounts",
        callbackFactory: () => createRemediatorHandler(settings),
        // SNS decrypts before it invokes a Lambda subscriber: no KMS permission is needed to read.
        statements: pulumi
          .output(args.bus.arn)
          .apply((busArn): Statement[] => [
            assumeSpokeRoles(org, hub.partition, [REMEDIATION_ROLE_NAME]),
            { Sid: "ReportToBus", Effect: "Allow", Action: "events:PutEvents", Resource: busArn },
          ]),
        environment: { [ENV.reportBus]: args.bus.arn },
        kmsKey: args.kmsKey,
        accountId: hub.accountId,
        region: hub.region,
        partition: hub.partition,
        logRetentionDays: args.logRetentionDays,
        timeoutSeconds: 120,
        excludePackages: NOTIFIER_ONLY_PACKAGES,
      },
      { parent: this },
    );
    const permission = new aws.lambda.Permission(
      `${name}-from-bus`,
      {
        action: "lambda:InvokeFunction",
        function: this.fn.function.name,
        principal: "events.amazonaws.com",
        sourceArn: args.rule.arn,
      },
      { parent: this },
    );
    new aws.cloudwatch.EventTarget(
      `${name}-target`,
      {
        rule: args.rule.name,
        eventBusName: args.bus.name,
        arn: this.fn.function.arn,
        retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: args.deadLetterArn },
      },
      { parent: this, dependsOn: [permission] },
    );
    const check = new aws.cloudwatch.EventRule(
      `${name}-exemption-check`,
      {
        name: `${FUNCTION_NAMES.remediator}-exemption-check`,
        description: "security-guard: removes expired exemptions, then remediates those groups",
        scheduleExpression: EXEMPTION_CHECK_SCHEDULE,
      },
      { parent: this },
    );
    const checkPermission = new aws.lambda.Permission(
      `${name}-exemption-check-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: this.fn.function.name,
        principal: "events.amazonaws.com",
        sourceArn: check.arn,
      },
      { parent: this },
    );
    new aws.cloudwatch.EventTarget(
      `${name}-exemption-check-target`,
      { rule: check.name, arn: this.fn.function.arn, input: JSON.stringify(EXEMPTION_CHECK_EVENT) },
      { parent: this, dependsOn: [checkPermission] },
    );
    if (args.configTopicTrigger) {
      subscribe(`${name}-config-sub`, args.configTopic, this.fn.function, this, {
        messageType: ["ComplianceChangeNotification"],
      });
    }
    this.registerOutputs({});
  }
}
