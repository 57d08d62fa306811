// Knowing when the guard is blind, in the hub: the liveness table (last heartbeat per spoke
// account, region and path), the liveness function that records heartbeats, checks for silent
// regions and accounts without a spoke, and posts the weekly coverage summary (its alerts go onto
// the hub bus, where the notify rule takes them to Slack), and the read-only role npm run coverage
// assumes.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createLivenessHandler } from "../../handlers/liveness";
import { LAST_SEEN_KEY, LAST_SEEN_SORT_KEY, LAST_SEEN_TTL_ATTRIBUTE } from "../../handlers/coverage/lastSeen";
import {
  COVERAGE_SUMMARY_EVENT,
  HEARTBEAT_INTERVAL_MINUTES,
  LIVENESS_CHECK_EVENT,
} from "../../handlers/shared/constants";
import type { EventPattern } from "../../handlers/findings/source";
import { CLOUDTRAIL_HEARTBEAT_PATTERN, HEARTBEAT_PATTERN } from "../../handlers/findings/sources/liveness";
import { HubPlacement, OrgScope } from "../hubPlacement";
import { Statement, policyDocument } from "../iam";
import {
  ALERT_MUTES_TABLE_NAME,
  COVERAGE_READER_ROLE_NAME,
  COVERAGE_ROLE_NAME,
  FUNCTION_NAMES,
  HUB_BUS_NAME,
  LIVENESS_TABLE_NAME,
} from "../names";
import { assumeSpokeRoles } from "../orgScope";
import { scheduleRate } from "../scheduleRate";
import { CentralBus } from "./centralBus";
import { GuardFunction, NOTIFIER_ONLY_PACKAGES } from "./guardFunction";
import { ttlTable } from "./ttlTable";

/** The weekly coverage summary: Mondays 08:00 UTC. */
export const COVERAGE_SUMMARY_SCHEDULE = "cron(0 8 ? * MON *)";
/** Organizations calls that mean an account joined (forwarded from the management account's spoke). */
export const ACCOUNT_JOIN_EVENTS = ["AcceptHandshake", "CreateAccount"];

/** Hub bus: heartbeats of both paths, which go to the liveness function only (never to Slack). */
export const hubHeartbeats: EventPattern = { $or: [HEARTBEAT_PATTERN, CLOUDTRAIL_HEARTBEAT_PATTERN] };
/** Hub bus: an account joining the organization. */
export const hubAccountJoins: EventPattern = {
  source: ["aws.organizations"],
  detail: { eventName: ACCOUNT_JOIN_EVENTS },
};

export interface LivenessArgs {
  hub: HubPlacement;
  /** Whose spokes it reads, and whether the organization lists the accounts to cover. */
  org: OrgScope;
  logRetentionDays: number;
  /** Accounts without a spoke on purpose: never reported as uncovered. */
  accountsWithoutSpoke: string[];
  /** Chat-ops is on: the weekly summary lists the Slack mutes in force. */
  listMutes: boolean;
  /** Remediation's exemption tag, when remediation is on: the weekly summary lists exemptions. */
  exemptTagKey?: string;
  kmsKey: aws.kms.Key;
  central: CentralBus;
}

export class Liveness extends pulumi.ComponentResource {
  readonly fn: GuardFunction;
  readonly table: aws.dynamodb.Table;
  readonly coverageRole: aws.iam.Role;

  constructor(name: string, args: LivenessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("security-guard:hub:Liveness", name, {}, opts);
    const { hub, org, kmsKey, central } = args;
    const { accountId, region, partition } = hub;
    const child = { parent: this };

    // One write per spoke region and interval, one scan per check.
    this.table = ttlTable(
      `${name}-table`,
      {
        tableName: LIVENESS_TABLE_NAME,
        hashKey: LAST_SEEN_KEY,
        rangeKey: LAST_SEEN_SORT_KEY,
        ttlAttribute: LAST_SEEN_TTL_ATTRIBUTE,
        kmsKey,
      },
      this,
    );
    const tableKey: Statement = {
      Sid: "UseEncryptedTable",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: kmsKey.arn,
      Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
    };
    const listAccounts: Statement[] = org.organizationId
      ? [{ Sid: "ListOrganization", Effect: "Allow", Action: "organizations:ListAccounts", Resource: "*" }]
      : [];
    const readSpokes = {
      ...assumeSpokeRoles(org, partition, [COVERAGE_READER_ROLE_NAME]),
      Sid: "ReadSpokes",
    };

    const settingsJson = JSON.stringify({
      tableName: LIVENESS_TABLE_NAME,
      busArn: `arn:${partition}:events:${region}:${accountId}:event-bus/${HUB_BUS_NAME}`,
      hubAccountId: accountId,
      partition,
      organization: !!org.organizationId,
      ignoreAccounts: args.accountsWithoutSpoke,
      noSpokeRepeatHours: 24,
      // The weekly list of mutes and exemptions in force, where they exist.
      ...(args.listMutes ? { mutesTable: ALERT_MUTES_TABLE_NAME } : {}),
      ...(args.exemptTagKey !== undefined ? { exemptTagKey: args.exemptTagKey } : {}),
    });
    // Read only: the worker writes mutes. The table is encrypted with the same hub key, whose
    // Decrypt through DynamoDB UseEncryptedTable already grants.
    const readMutes: Statement[] = args.listMutes
      ? [
          {
            Sid: "ReadSlackMutes",
            Effect: "Allow",
            Action: ["dynamodb:Scan", "dynamodb:Query"],
            Resource: `arn:${partition}:dynamodb:${region}:${accountId}:table/${ALERT_MUTES_TABLE_NAME}`,
          },
        ]
      : [];
    this.fn = new GuardFunction(
      name,
      {
        functionName: FUNCTION_NAMES.liveness,
        description: "security-guard: records spoke heartbeats, alerts on silence and uncovered accounts",
        callbackFactory: () => createLivenessHandler(JSON.parse(settingsJson)),
        statements: [
          {
            Sid: "LastSeen",
            Effect: "Allow",
            Action: ["dynamodb:UpdateItem", "dynamodb:Scan"],
            Resource: this.table.arn,
          },
          tableKey,
          { Sid: "PostAlerts", Effect: "Allow", Action: "events:PutEvents", Resource: central.bus.arn },
          ...listAccounts,
          readSpokes,
          ...readMutes,
        ],
        kmsKey,
        accountId,
        region,
        partition,
        logRetentionDays: args.logRetentionDays,
        // The weekly summary reads every spoke region's detectors.
        timeoutSeconds: 300,
        excludePackages: NOTIFIER_ONLY_PACKAGES,
      },
      child,
    );

    const invokedBy = (ruleName: string, rule: aws.cloudwatch.EventRule) =>
      new aws.lambda.Permission(
        `${ruleName}-invoke`,
        {
          action: "lambda:InvokeFunction",
          function: this.fn.function.name,
          principal: "events.amazonaws.com",
          sourceArn: rule.arn,
        },
        child,
      );
    for (const [short, description, pattern] of [
      ["heartbeats", "Spoke heartbeats to the liveness function", hubHeartbeats],
      ["account-joins", "Accounts joining the organization", hubAccountJoins],
    ] as const) {
      const rule = new aws.cloudwatch.EventRule(
        `${name}-${short}`,
        { eventBusName: central.bus.name, description, eventPattern: JSON.stringify(pattern) },
        child,
      );
      const invoke = invokedBy(`${name}-${short}`, rule);
      new aws.cloudwatch.EventTarget(
        `${name}-${short}-target`,
        {
          rule: rule.name,
          eventBusName: central.bus.name,
          arn: this.fn.function.arn,
          deadLetterConfig: { arn: central.deadLetters.arn },
        },
        { parent: this, dependsOn: [invoke] },
      );
    }
    for (const [short, description, schedule, input] of [
      [
        "check",
        "security-guard: silent spoke regions and accounts without a spoke",
        scheduleRate(HEARTBEAT_INTERVAL_MINUTES),
        LIVENESS_CHECK_EVENT,
      ],
      [
        "summary",
        "security-guard: the weekly coverage summary",
        COVERAGE_SUMMARY_SCHEDULE,
        COVERAGE_SUMMARY_EVENT,
      ],
    ] as const) {
      const rule = new aws.cloudwatch.EventRule(
        `${name}-${short}-schedule`,
        { name: `${FUNCTION_NAMES.liveness}-${short}`, description, scheduleExpression: schedule },
        child,
      );
      const invoke = invokedBy(`${name}-${short}-schedule`, rule);
      new aws.cloudwatch.EventTarget(
        `${name}-${short}-schedule-target`,
        { rule: rule.name, arn: this.fn.function.arn, input: JSON.stringify(input) },
        { parent: this, dependsOn: [invoke] },
      );
    }

    // npm run coverage: people of the hub account whose own policy lets them assume it.
    this.coverageRole = new aws.iam.Role(
      `${name}-coverage`,
      {
        name: COVERAGE_ROLE_NAME,
        description: "security-guard: read-only role of npm run coverage",
        maxSessionDuration: 3600,
        assumeRolePolicy: policyDocument([
          {
            Effect: "Allow",
            Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
            Action: "sts:AssumeRole",
          },
        ]),
      },
      child,
    );
    new aws.iam.RolePolicy(
      `${name}-coverage-policy`,
      {
        role: this.coverageRole.id,
        policy: policyDocument([
          { Sid: "ReadLastSeen", Effect: "Allow", Action: "dynamodb:Scan", Resource: this.table.arn },
          { ...tableKey, Action: "kms:Decrypt" },
          ...listAccounts,
          readSpokes,
        ]),
      },
      child,
    );
    this.registerOutputs({ tableArn: this.table.arn });
  }
}
