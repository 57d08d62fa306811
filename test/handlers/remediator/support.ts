// Shared fixtures for the remediator tests: spoke-side EC2 access through an assumed role, a report
// sink (hub bus -> rule -> SQS) to read the published reports back from moto, and event builders.
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  IpPermission,
} from "@aws-sdk/client-ec2";
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { REMEDIATION_ROLE_NAME } from "../../../handlers/shared/constants";
import type { RemediatorSettings } from "../../../handlers/remediator";
import { MOTO_DEFAULT_ACCOUNT, Moto } from "../../helpers/moto";
import { CapturedLogs, captureLogs } from "../../helpers/logs";
import { FaultProxy, startFaultProxy } from "./faultProxy";

export { captureLogs };

export const HUB = MOTO_DEFAULT_ACCOUNT;
export const SPOKE = "210987654321";
export const SPOKE2 = "333344445555";
export const SEOUL = "ap-northeast-2";
export const TOKYO = "ap-northeast-1";
export const REPORT_BUS = "security-guard-hub";
export const RULE = "security-guard-restricted-ssh";

export function settings(overrides: Partial<RemediatorSettings> = {}): RemediatorSettings {
  return {
    roleName: REMEDIATION_ROLE_NAME,
    dryRun: false,
    dryRunAccounts: [],
    exemptTagKey: "security-guard:ssh-exempt",
    configRuleNames: [RULE, "restricted-ssh"],
    reportBus: REPORT_BUS,
    retry: { maxAttempts: 3, baseDelayMs: 1 },
    ...overrides,
  };
}

/** Temporary credentials that act in `account` (moto: an assumed role's resources live in its account). */
export async function credentialsIn(account: string, roleName: string) {
  const sts = new STSClient({});
  const out = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${roleName}`, RoleSessionName: "test" }),
  );
  sts.destroy();
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

/** An EC2 client acting in `account` the way the handler does: through the spoke role. */
export async function spokeEc2(account: string, region: string, endpoint?: string): Promise<EC2Client> {
  const sts = new STSClient(endpoint ? { endpoint } : {});
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/${REMEDIATION_ROLE_NAME}`,
      RoleSessionName: "test-verify",
    }),
  );
  sts.destroy();
  const c = out.Credentials!;
  return new EC2Client({
    region,
    ...(endpoint ? { endpoint } : {}),
    credentials: {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    },
  });
}

export async function createGroup(
  ec2: EC2Client,
  name: string,
  permissions: IpPermission[],
  tags: Record<string, string> = {},
): Promise<string> {
  const tagList = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const g = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: name,
      Description: `test group ${name}`,
      ...(tagList.length ? { TagSpecifications: [{ ResourceType: "security-group", Tags: tagList }] } : {}),
    }),
  );
  if (permissions.length) {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: g.GroupId, IpPermissions: permissions }),
    );
  }
  return g.GroupId!;
}

export async function deleteGroup(ec2: EC2Client, groupId: string): Promise<void> {
  await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
}

/** The group's ingress as sorted "proto from-to cidr" lines, one per CIDR, for exact assertions. */
export async function ingress(ec2: EC2Client, groupId: string): Promise<string[]> {
  const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  const lines: string[] = [];
  for (const p of out.SecurityGroups![0].IpPermissions ?? []) {
    const ports = p.IpProtocol === "-1" ? "all" : `${p.FromPort}-${p.ToPort}`;
    for (const r of p.IpRanges ?? []) lines.push(`${p.IpProtocol} ${ports} ${r.CidrIp}`);
    for (const r of p.Ipv6Ranges ?? []) lines.push(`${p.IpProtocol} ${ports} ${r.CidrIpv6}`);
    for (const r of p.PrefixListIds ?? []) lines.push(`${p.IpProtocol} ${ports} ${r.PrefixListId}`);
  }
  return lines.sort();
}

/** Like ingress(), each line followed by the rule's description: "tcp 20-21 0.0.0.0/0 office". */
export async function ingressDescribed(ec2: EC2Client, groupId: string): Promise<string[]> {
  const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  const lines: string[] = [];
  for (const p of out.SecurityGroups![0].IpPermissions ?? []) {
    const ports = p.IpProtocol === "-1" ? "all" : `${p.FromPort}-${p.ToPort}`;
    for (const r of p.IpRanges ?? [])
      lines.push(`${p.IpProtocol} ${ports} ${r.CidrIp} ${r.Description ?? "-"}`);
    for (const r of p.Ipv6Ranges ?? [])
      lines.push(`${p.IpProtocol} ${ports} ${r.CidrIpv6} ${r.Description ?? "-"}`);
  }
  return lines.sort();
}

/** A customer-managed prefix list in the spoke holding these CIDRs; answers its id. */
export async function prefixList(ec2: EC2Client, cidrs: string[], family = "IPv4"): Promise<string> {
  const out = await ec2.send(
    new CreateManagedPrefixListCommand({
      PrefixListName: `list-${cidrs.length}-${family}`,
      MaxEntries: 10,
      AddressFamily: family,
      Entries: cidrs.map((Cidr) => ({ Cidr })),
    }),
  );
  return out.PrefixList!.PrefixListId!;
}

export const tcp = (from: number, to: number, v4: string[] = [], v6: string[] = []): IpPermission => ({
  IpProtocol: "tcp",
  FromPort: from,
  ToPort: to,
  IpRanges: v4.map((CidrIp) => ({ CidrIp })),
  Ipv6Ranges: v6.map((CidrIpv6) => ({ CidrIpv6 })),
});

/**
 * A report's entry for TCP `from`-`to` opened to `cidrs`, with the group's rule ids for those
 * sources (`ids`: ruleIds(), by ingress() line), sorted as the report lists them.
 */
export const tcpEntry = (ids: Record<string, string>, from: number, to: number, cidrs: string[]) => ({
  ipProtocol: "tcp",
  fromPort: from,
  toPort: to,
  cidrs,
  ruleIds: cidrs.map((c) => ids[`tcp ${from}-${to} ${c}`]).sort(),
});

/**
 * Per test: captured logs, and `withFaults`, which starts a fault proxy in front of moto and points
 * the handler's SDK clients (they read AWS_ENDPOINT_URL) at it. After each test the logs are put
 * back, the proxy is closed and moto answers directly again.
 */
export function useFaultProxy(moto: () => Moto) {
  const state: { logs?: CapturedLogs; proxy?: FaultProxy } = {};
  beforeEach(() => {
    state.logs = captureLogs();
  });
  afterEach(async () => {
    state.logs?.restore();
    process.env.AWS_ENDPOINT_URL = moto().endpoint;
    await state.proxy?.close();
    state.proxy = undefined;
  });
  return {
    logs: (): CapturedLogs => state.logs!,
    async withFaults(faults: Parameters<typeof startFaultProxy>[1]): Promise<FaultProxy> {
      state.proxy = await startFaultProxy(moto().endpoint, faults);
      process.env.AWS_ENDPOINT_URL = state.proxy.url;
      return state.proxy;
    },
  };
}

export interface ReceivedReport {
  source: string;
  detailType: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface ReportSink {
  busArn: string;
  /** Every report delivered so far (drains the queue). */
  drain(): Promise<ReceivedReport[]>;
}

/** Hub bus with a rule sending remediation reports to an SQS queue, as the notifier's rule would. */
export async function reportSink(
  opts: {
    busName?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  } = {},
): Promise<ReportSink> {
  const busName = opts.busName ?? REPORT_BUS;
  const cfg = { region: "us-east-1", ...(opts.credentials ? { credentials: opts.credentials } : {}) };
  const eb = new EventBridgeClient(cfg);
  const sqs = new SQSClient(cfg);
  const bus = await eb.send(new CreateEventBusCommand({ Name: busName }));
  const q = await sqs.send(new CreateQueueCommand({ QueueName: "remediation-reports" }));
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  await eb.send(
    new PutRuleCommand({
      Name: "reports",
      EventBusName: busName,
      EventPattern: JSON.stringify({
        source: ["security-guard.remediation"],
        "detail-type": ["SSH Remediation Result"],
      }),
    }),
  );
  await eb.send(
    new PutTargetsCommand({
      Rule: "reports",
      EventBusName: busName,
      Targets: [{ Id: "q", Arn: attrs.Attributes!.QueueArn }],
    }),
  );
  eb.destroy();
  return {
    busArn: bus.EventBusArn!,
    drain: async () => {
      const got: ReceivedReport[] = [];
      for (;;) {
        const out = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        if (!out.Messages?.length) return got;
        for (const m of out.Messages) {
          const ev = JSON.parse(m.Body!);
          got.push({
            source: ev.source,
            detailType: ev["detail-type"],
            resources: ev.resources,
            detail: ev.detail,
          });
          await sqs.send(new DeleteMessageCommand({ QueueUrl: q.QueueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
      }
    },
  };
}

// ---- event builders (shapes from real deliveries; see handlers/remediator/triggers.ts for docs) ----

export function configNotification(o: {
  account: string;
  region: string;
  groupId: string;
  compliance?: string;
  rule?: string;
}) {
  return {
    resourceId: o.groupId,
    awsRegion: o.region,
    awsAccountId: o.account,
    configRuleName: o.rule ?? RULE,
    recordVersion: "1.0",
    configRuleARN: `arn:aws:config:${o.region}:${o.account}:config-rule/config-rule-abc123`,
    messageType: "ComplianceChangeNotification",
    newEvaluationResult: {
      evaluationResultIdentifier: {
        evaluationResultQualifier: {
          configRuleName: o.rule ?? RULE,
          resourceType: "AWS::EC2::SecurityGroup",
          resourceId: o.groupId,
        },
        orderingTimestamp: "2026-05-01T10:00:00.000Z",
      },
      complianceType: o.compliance ?? "NON_COMPLIANT",
      resultRecordedTime: "2026-05-01T10:00:05.000Z",
      configRuleInvokedTime: "2026-05-01T10:00:04.000Z",
    },
    oldEvaluationResult: { complianceType: "COMPLIANT" },
    notificationCreationTime: "2026-05-01T10:00:06.000Z",
    resourceType: "AWS::EC2::SecurityGroup",
  };
}

export function configEvent(o: {
  id?: string;
  account: string;
  region: string;
  groupId: string;
  compliance?: string;
  rule?: string;
}) {
  return {
    version: "0",
    id: o.id ?? "11111111-2222-3333-4444-555555555555",
    "detail-type": "Config Rules Compliance Change",
    source: "aws.config",
    account: o.account,
    time: "2026-05-01T10:00:06Z",
    region: o.region,
    resources: [],
    detail: configNotification(o),
  };
}

export function snsEvent(messages: Array<{ id: string; body: unknown }>) {
  return {
    Records: messages.map((m) => ({
      EventSource: "aws:sns",
      EventVersion: "1.0",
      EventSubscriptionArn: `arn:aws:sns:us-east-1:${HUB}:config-topic:0b9d2d4e-0000-0000-0000-000000000000`,
      Sns: {
        Type: "Notification",
        MessageId: m.id,
        TopicArn: `arn:aws:sns:us-east-1:${HUB}:config-topic`,
        Subject: "[AWS Config:us-east-1] AWS::EC2::SecurityGroup sg is NON_COMPLIANT",
        Message: typeof m.body === "string" ? m.body : JSON.stringify(m.body),
        Timestamp: "2026-05-01T10:00:07.000Z",
        MessageAttributes: {},
      },
    })),
  };
}

const ACTOR = "arn:aws:sts::210987654321:assumed-role/Developer/alice@example.com";

function cloudTrailEvent(o: {
  account: string;
  region: string;
  eventName: string;
  requestParameters: unknown;
  errorCode?: string;
  eventID?: string;
}) {
  return {
    version: "0",
    id: "99999999-8888-7777-6666-555555555555",
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.ec2",
    account: o.account,
    time: "2026-05-01T09:59:58Z",
    region: o.region,
    resources: [],
    detail: {
      eventVersion: "1.09",
      userIdentity: {
        type: "AssumedRole",
        principalId: "AROAEXAMPLE:alice@example.com",
        arn: ACTOR,
        accountId: o.account,
      },
      eventTime: "2026-05-01T09:59:57Z",
      eventSource: "ec2.amazonaws.com",
      eventName: o.eventName,
      awsRegion: o.region,
      sourceIPAddress: "203.0.113.10",
      userAgent: "aws-cli/2.15.0",
      requestParameters: o.requestParameters,
      responseElements: o.errorCode ? null : { requestId: "r-1", _return: true },
      ...(o.errorCode
        ? { errorCode: o.errorCode, errorMessage: "You are not authorized to perform this operation." }
        : {}),
      requestID: "r-1",
      eventID: o.eventID ?? "ct-event-0001",
      readOnly: false,
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: o.account,
      eventCategory: "Management",
    },
  };
}

export const CLOUDTRAIL_ACTOR = ACTOR;

export function authorizeEvent(o: {
  account: string;
  region: string;
  groupId: string;
  permissions: Array<{ proto: string; from?: number; to?: number; v4?: string[]; v6?: string[] }>;
  errorCode?: string;
  eventID?: string;
}) {
  return cloudTrailEvent({
    ...o,
    eventName: "AuthorizeSecurityGroupIngress",
    requestParameters: {
      groupId: o.groupId,
      ipPermissions: {
        items: o.permissions.map((p) => ({
          ipProtocol: p.proto,
          ...(p.from !== undefined ? { fromPort: p.from, toPort: p.to } : {}),
          groups: {},
          ipRanges: p.v4 ? { items: p.v4.map((cidrIp) => ({ cidrIp })) } : {},
          ipv6Ranges: p.v6 ? { items: p.v6.map((cidrIpv6) => ({ cidrIpv6 })) } : {},
          prefixListIds: {},
        })),
      },
    },
  });
}

export function modifyEvent(o: {
  account: string;
  region: string;
  groupId: string;
  rule: { IpProtocol: string; FromPort: number; ToPort: number; CidrIpv4?: string; CidrIpv6?: string };
}) {
  return cloudTrailEvent({
    ...o,
    eventName: "ModifySecurityGroupRules",
    eventID: "ct-event-0002",
    requestParameters: {
      ModifySecurityGroupRulesRequest: {
        GroupId: o.groupId,
        SecurityGroupRule: {
          SecurityGroupRuleId: "sgr-0123456789abcdef0",
          tag: 1,
          SecurityGroupRule: o.rule,
        },
      },
    },
  });
}

/** Ids of the group's ingress rules keyed like ingress(): "tcp 22-22 0.0.0.0/0". */
export async function ruleIds(ec2: EC2Client, groupId: string): Promise<Record<string, string>> {
  const out = await ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [groupId] }] }),
  );
  const ids: Record<string, string> = {};
  for (const r of out.SecurityGroupRules ?? []) {
    if (r.IsEgress) continue;
    const ports = r.IpProtocol === "-1" ? "all" : `${r.FromPort}-${r.ToPort}`;
    ids[`${r.IpProtocol} ${ports} ${r.CidrIpv4 ?? r.CidrIpv6 ?? r.PrefixListId}`] = r.SecurityGroupRuleId!;
  }
  return ids;
}

export async function vpcOf(ec2: EC2Client, groupId: string): Promise<string> {
  const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  return out.SecurityGroups![0].VpcId!;
}
