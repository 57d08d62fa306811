// OfflineResource fixtures: a well-formed hub and spoke as the program builds them, and small
// builders for single resources. Policies are tested by breaking one thing at a time.
import type { OfflineResource } from "../../verify/policy/offline";

export const HUB_ACCOUNT = "999999999999";
export const SPOKE_ACCOUNT = "111111111111";
export const ORG_ID = "o-abc123def4";
export const HUB_BUS_ARN = `arn:aws:events:us-east-1:${HUB_ACCOUNT}:event-bus/security-guard`;
/** Looks like a base64 KMS ciphertext blob (version header "AQICAH..."), as aws.kms.Ciphertext returns. */
export const CIPHERTEXT = "AQICAHh" + "x".repeat(180) + "==";

export function urnOf(type: string, name: string, stack = "test"): string {
  return `urn:pulumi:${stack}::security-guard::${type}::${name}`;
}

export function res(
  type: string,
  name: string,
  props: Record<string, unknown>,
  extra: Partial<OfflineResource> = {},
): OfflineResource {
  return { type, name, urn: urnOf(type, name), props, ...extra };
}

export function provider(account: string, region: string): OfflineResource {
  return res("pulumi:providers:aws", `${account}-${region}`, {
    region,
    allowedAccountIds: [account],
    assumeRoles: [{ roleArn: `arn:aws:iam::${account}:role/deploy`, sessionName: "security-guard-deploy" }],
  });
}

export function doc(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

export const PATTERNS = {
  sg: {
    source: ["aws.ec2"],
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: {
      eventSource: ["ec2.amazonaws.com"],
      eventName: ["AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules"],
    },
  },
  iam: { source: ["aws.iam"], "detail-type": ["AWS API Call via CloudTrail"], detail: { readOnly: [false] } },
  config: { source: ["aws.config"], "detail-type": ["Config Rules Compliance Change"] },
  alarm: { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"] },
};

function lambdaRole(name: string, statements: Record<string, unknown>[], parent: string, prov: string) {
  return res(
    "aws:iam/role:Role",
    `${name}-role`,
    {
      name: `${name}-role`,
      assumeRolePolicy: doc({
        Effect: "Allow",
        Principal: { Service: "lambda.amazonaws.com" },
        Action: "sts:AssumeRole",
      }),
      inlinePolicies: [
        {
          name: "scoped",
          policy: doc(
            {
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: `arn:aws:logs:us-east-1:${HUB_ACCOUNT}:log-group:/aws/lambda/${name}:*`,
            },
            ...statements,
          ),
        },
      ],
    },
    { parent, provider: prov },
  );
}

function lambda(
  name: string,
  env: Record<string, string>,
  parent: string,
  prov: string,
  withDlq: boolean,
): OfflineResource[] {
  const fn = res(
    "aws:lambda/function:Function",
    name,
    {
      name,
      runtime: "nodejs22.x",
      handler: "__index.handler",
      role: `arn:aws:iam::${HUB_ACCOUNT}:role/${name}-role`,
      environment: { variables: env },
      ...(withDlq
        ? { deadLetterConfig: { targetArn: `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:${name}-dlq` } }
        : {}),
    },
    { parent, provider: prov },
  );
  const out = [
    fn,
    res(
      "aws:cloudwatch/logGroup:LogGroup",
      `${name}-logs`,
      { name: `/aws/lambda/${name}`, retentionInDays: 30 },
      { parent, provider: prov },
    ),
  ];
  if (!withDlq) {
    out.push(
      res(
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
        `${name}-invoke`,
        {
          functionName: name,
          maximumRetryAttempts: 2,
          destinationConfig: {
            onFailure: { destination: `arn:aws:sqs:us-east-1:${HUB_ACCOUNT}:${name}-dlq` },
          },
        },
        { parent, provider: prov, dependencies: [fn.urn] },
      ),
    );
  }
  return out;
}

/** A compliant hub stack (us-east-1), organization-scoped. */
export function goodHub(): OfflineResource[] {
  const hub = res("security-guard:hub:Hub", "hub", {});
  const prov = provider(HUB_ACCOUNT, "us-east-1");
  const p = { parent: hub.urn, provider: prov.urn };
  const keyArn = `arn:aws:kms:us-east-1:${HUB_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const topicArn = `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:security-guard-notifications`;
  const bus = res("aws:cloudwatch/eventBus:EventBus", "bus", { name: "security-guard" }, p);
  return [
    hub,
    prov,
    res(
      "aws:kms/key:Key",
      "key",
      {
        enableKeyRotation: true,
        policy: doc(
          {
            Sid: "Root",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${HUB_ACCOUNT}:root` },
            Action: "kms:*",
            Resource: "*",
          },
          {
            Sid: "Services",
            Effect: "Allow",
            Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": HUB_ACCOUNT } },
          },
        ),
      },
      p,
    ),
    res(
      "aws:sns/topic:Topic",
      "notifications",
      { name: "security-guard-notifications", kmsMasterKeyId: keyArn },
      p,
    ),
    res(
      "aws:sns/topicPolicy:TopicPolicy",
      "notifications-policy",
      {
        arn: topicArn,
        policy: doc(
          {
            Sid: "EventBridge",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: { StringEquals: { "aws:SourceAccount": HUB_ACCOUNT } },
          },
          {
            Sid: "OrgConfig",
            Effect: "Allow",
            Principal: "*",
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } },
          },
        ),
      },
      p,
    ),
    bus,
    res(
      "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
      "bus-policy",
      {
        eventBusName: "security-guard",
        policy: doc({
          Sid: "OrgPutEvents",
          Effect: "Allow",
          Principal: "*",
          Action: "events:PutEvents",
          Resource: HUB_BUS_ARN,
          Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } },
        }),
      },
      { ...p, dependencies: [bus.urn] },
    ),
    res(
      "aws:cfg/configurationAggregator:ConfigurationAggregator",
      "aggregator",
      {
        name: "security-guard",
        organizationAggregationSource: { allRegions: true, roleArn: "arn:aws:iam::999999999999:role/agg" },
      },
      p,
    ),
    ...lambda("security-guard-notifier", { SLACK_WEBHOOKS_CIPHERTEXT: CIPHERTEXT }, hub.urn, prov.urn, true),
    lambdaRole(
      "security-guard-notifier",
      [{ Effect: "Allow", Action: "kms:Decrypt", Resource: keyArn }],
      hub.urn,
      prov.urn,
    ),
    ...lambda("security-guard-remediator", { REPORT_EVENT_BUS: HUB_BUS_ARN }, hub.urn, prov.urn, false),
    lambdaRole(
      "security-guard-remediator",
      [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Resource: "arn:aws:iam::*:role/security-guard-remediation",
        },
        { Effect: "Allow", Action: "events:PutEvents", Resource: HUB_BUS_ARN },
      ],
      hub.urn,
      prov.urn,
    ),
    ...lambda(
      "security-guard-chatops-ack",
      { SLACK_SIGNING_SECRET_CIPHERTEXT: CIPHERTEXT, COMMAND_TOPIC_ARN: `${topicArn}-commands` },
      hub.urn,
      prov.urn,
      true,
    ),
    res(
      "aws:lambda/permission:Permission",
      "ack-invoke",
      {
        action: "lambda:InvokeFunction",
        function: "security-guard-chatops-ack",
        principal: "apigateway.amazonaws.com",
      },
      p,
    ),
  ];
}

/** A compliant spoke stack in us-east-1 and ap-northeast-2, forwarding to the hub bus. */
export function goodSpoke(regions = ["us-east-1", "ap-northeast-2"]): OfflineResource[] {
  const spoke = res("security-guard:spoke:Spoke", "spoke", {});
  const out: OfflineResource[] = [spoke];
  const forwarderRole = `arn:aws:iam::${SPOKE_ACCOUNT}:role/security-guard-forwarder`;
  for (const region of regions) {
    const prov = provider(SPOKE_ACCOUNT, region);
    const p = { parent: spoke.urn, provider: prov.urn };
    out.push(
      prov,
      res(
        "aws:cfg/recorder:Recorder",
        `recorder-${region}`,
        {
          name: "security-guard",
          roleArn: `arn:aws:iam::${SPOKE_ACCOUNT}:role/config`,
          recordingGroup: { allSupported: true, includeGlobalResourceTypes: region === "us-east-1" },
        },
        p,
      ),
      res(
        "aws:cfg/deliveryChannel:DeliveryChannel",
        `channel-${region}`,
        { s3BucketName: "config-bucket" },
        p,
      ),
      res(
        "aws:cfg/rule:Rule",
        `restricted-ssh-${region}`,
        { name: "restricted-ssh", source: { owner: "AWS", sourceIdentifier: "INCOMING_SSH_DISABLED" } },
        p,
      ),
    );
    const kinds =
      region === "us-east-1"
        ? (["sg", "config", "alarm", "iam"] as const)
        : (["sg", "config", "alarm"] as const);
    for (const kind of kinds) {
      const rule = res(
        "aws:cloudwatch/eventRule:EventRule",
        `${kind}-${region}`,
        { name: `security-guard-${kind}`, eventPattern: JSON.stringify(PATTERNS[kind]) },
        p,
      );
      out.push(
        rule,
        res(
          "aws:cloudwatch/eventTarget:EventTarget",
          `${kind}-${region}-to-hub`,
          { rule: `security-guard-${kind}`, arn: HUB_BUS_ARN, roleArn: forwarderRole },
          { ...p, dependencies: [rule.urn] },
        ),
      );
    }
  }
  const prov = `urn:pulumi:test::security-guard::pulumi:providers:aws::${SPOKE_ACCOUNT}-us-east-1`;
  out.push(
    res(
      "aws:iam/role:Role",
      "forwarder",
      {
        name: "security-guard-forwarder",
        assumeRolePolicy: doc({
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
        inlinePolicies: [
          {
            name: "put",
            policy: doc({ Effect: "Allow", Action: "events:PutEvents", Resource: HUB_BUS_ARN }),
          },
        ],
      },
      { parent: spoke.urn, provider: prov },
    ),
    res(
      "aws:iam/role:Role",
      "remediation",
      {
        name: "security-guard-remediation",
        assumeRolePolicy: doc({
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${HUB_ACCOUNT}:role/security-guard-remediator` },
          Action: "sts:AssumeRole",
        }),
        inlinePolicies: [
          {
            name: "revoke",
            policy: doc({
              Effect: "Allow",
              Action: [
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSecurityGroupRules",
                "ec2:RevokeSecurityGroupIngress",
              ],
              Resource: "*",
            }),
          },
        ],
      },
      { parent: spoke.urn, provider: prov },
    ),
    res(
      "aws:iam/role:Role",
      "chatops-readonly",
      {
        name: "security-guard-chatops-readonly",
        assumeRolePolicy: doc({
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${HUB_ACCOUNT}:role/security-guard-chatops-worker` },
          Action: "sts:AssumeRole",
        }),
        inlinePolicies: [
          {
            name: "read",
            policy: doc({
              Effect: "Allow",
              Action: ["ec2:Describe*", "s3:ListAllMyBuckets", "cloudwatch:DescribeAlarms"],
              Resource: "*",
            }),
          },
        ],
      },
      { parent: spoke.urn, provider: prov },
    ),
  );
  return out;
}

/** Replace the props of the resource named `name` (returns a new list). */
export function withProps(
  resources: OfflineResource[],
  name: string,
  change: (props: Record<string, unknown>) => Record<string, unknown>,
): OfflineResource[] {
  if (!resources.some((r) => r.name === name)) throw new Error(`fixture has no resource named ${name}`);
  return resources.map((r) => (r.name === name ? { ...r, props: change(structuredClone(r.props)) } : r));
}

export function without(resources: OfflineResource[], ...names: string[]): OfflineResource[] {
  for (const n of names)
    if (!resources.some((r) => r.name === n)) throw new Error(`fixture has no resource named ${n}`);
  return resources.filter((r) => !names.includes(r.name));
}
