// Wiring, permissions: the cross-account access paths of the guard, simulated by
// @cloud-copilot/iam-simulate (AGPL, devDependency only) over the documents the stacks actually
// produce: principal (identity) policies, resource policies (bus, topic, key, trust) and their
// conditions with the request context AWS would supply. Cross-account requests need both sides to
// allow (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
import { getDenialReasons, getGrantReasons } from "@cloud-copilot/iam-simulate";
import type { RequestAnalysis, StatementExplain } from "@cloud-copilot/iam-simulate";
import {
  ALERT_ACTIONS_ROLE_NAME,
  ALERT_MUTES_TABLE_NAME,
  CHATOPS_OPERATOR_ROLE_NAME,
  CHATOPS_READONLY_ROLE_NAME,
  CONFIG_ROLE_NAME,
  COVERAGE_READER_ROLE_NAME,
  FORWARDER_ROLE_NAME,
  CHATOPS_REQUESTS_TABLE_NAME,
  FUNCTION_NAMES,
  HUB_BUS_NAME,
  NAME_PREFIX,
  REMEDIATION_ROLE_NAME,
  functionRoleName,
} from "../../stacks/names";
import { NOTIFIER_DIGEST_QUEUE_NAME } from "../../stacks/functionSettings";
import { MockedResource } from "../mockRuntime";
import { PolicyDocument, RoleDocuments, StackDocuments, collectDocuments } from "./documents";
import { simulate } from "./simulator";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface AccessOptions {
  /** The hub's organization (undefined: account-list mode, no organization context keys). */
  organizationId?: string;
  /** An account that is not ours, deploying the same spoke program (default 999999999999). */
  outsideAccount?: string;
  /** The outside account's own organization (default o-outside0000). */
  outsideOrganizationId?: string;
  /** Region of the spoke resources named in requests (security groups, alarms). */
  spokeRegion?: string;
}

export interface AccessResult {
  name: string;
  principal: string;
  action: string;
  resource: string;
  expected: Decision;
  actual: Decision | "Error";
  ok: boolean;
  /** The statements the simulator names as decisive (grants, explicit denies, near misses). */
  decisive: string[];
  error?: string;
}

interface Caller {
  principal: string;
  identityPolicies: Array<{ name: string; policy: PolicyDocument }>;
  context: Record<string, string | string[]>;
}

interface AccessCase {
  name: string;
  expected: Decision;
  /** Builds the request; throws when a document the path needs is missing from the stacks. */
  build(): {
    caller: Caller;
    action: string;
    resource: string;
    resourceAccount: string;
    resourcePolicy?: PolicyDocument;
    context?: Record<string, string | string[]>;
  };
}

const DEFAULT_OUTSIDE_ACCOUNT = "999999999999";
const DEFAULT_OUTSIDE_ORG = "o-outside0000";

function partitionOfArn(arn: string): string {
  return arn.split(":")[1] || "aws";
}

/** A role session (Lambda and EventBridge use the role through STS) with its principal context keys. */
function roleSession(
  role: RoleDocuments,
  account: string,
  orgId: string | undefined,
  session: string,
): Caller {
  return {
    principal: `arn:${partitionOfArn(role.arn)}:sts::${account}:assumed-role/${role.name}/${session}`,
    identityPolicies: role.inline,
    context: {
      "aws:PrincipalArn": role.arn,
      "aws:PrincipalAccount": account,
      ...(orgId ? { "aws:PrincipalOrgID": orgId } : {}),
    },
  };
}

/** An AWS service acting for an account: resource policies see aws:SourceAccount/SourceOrgID/SourceArn. */
function service(
  name: string,
  sourceAccount: string,
  sourceOrgId: string | undefined,
  sourceArn?: string,
): Caller {
  return {
    principal: name,
    identityPolicies: [],
    context: {
      "aws:SourceAccount": sourceAccount,
      ...(sourceOrgId ? { "aws:SourceOrgID": sourceOrgId } : {}),
      ...(sourceArn ? { "aws:SourceArn": sourceArn } : {}),
    },
  };
}

/** An identity policy a spoke administrator might attach: the action on every resource. */
function allowEverything(action: string): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing: ${what}`);
  return value;
}

function role(docs: StackDocuments, name: string): RoleDocuments {
  return need(docs.roles[name], `role ${name} in stack ${docs.stack}`);
}

function onlyKey(docs: StackDocuments): [string, PolicyDocument] {
  const keys = Object.entries(docs.keyPolicies);
  if (keys.length !== 1)
    throw new Error(
      `missing: exactly one KMS key with a policy in stack ${docs.stack} (found ${keys.length})`,
    );
  return keys[0];
}

function topic(docs: StackDocuments, suffix: string): [string, PolicyDocument] {
  const arn = Object.keys(docs.topicPolicies).find((a) => a.endsWith(`:${NAME_PREFIX}-${suffix}`));
  return [
    need(arn, `topic policy of ${NAME_PREFIX}-${suffix} in stack ${docs.stack}`),
    docs.topicPolicies[arn!],
  ];
}

function bus(docs: StackDocuments): [string, PolicyDocument] {
  const arn = Object.keys(docs.busPolicies).find((a) => a.endsWith(`:event-bus/${HUB_BUS_NAME}`));
  return [need(arn, `bus policy of ${HUB_BUS_NAME} in stack ${docs.stack}`), docs.busPolicies[arn!]];
}

/** The spoke's documents as deployed in another account: every mention of its account id moved. */
export function rehome(docs: StackDocuments, account: string): StackDocuments {
  const moved = JSON.parse(JSON.stringify(docs).split(docs.accountId).join(account)) as StackDocuments;
  return { ...moved, stack: `${docs.stack} (as account ${account})`, accountId: account };
}

/** The access paths between hub and spoke (events, alarms, remediation, chat-ops) with their intended decisions. */
export function accessCases(
  hub: StackDocuments,
  spoke: StackDocuments,
  opts: AccessOptions = {},
): AccessCase[] {
  const org = opts.organizationId;
  const outside = opts.outsideAccount ?? DEFAULT_OUTSIDE_ACCOUNT;
  const outsideOrg = org ? (opts.outsideOrganizationId ?? DEFAULT_OUTSIDE_ORG) : undefined;
  const region = opts.spokeRegion ?? "ap-northeast-2";
  const away = rehome(spoke, outside);
  const hubAcct = hub.accountId;
  const spokeAcct = spoke.accountId;
  const p = partitionOfArn(Object.values(hub.roles)[0]?.arn ?? "arn:aws");
  const fnSession = (fn: string) => roleSession(role(hub, functionRoleName(fn)), hubAcct, org, fn);
  const resOrg = (account: string) => {
    const o = account === outside ? outsideOrg : org;
    return { "aws:ResourceAccount": account, ...(o ? { "aws:ResourceOrgID": o } : {}) };
  };
  const inSpoke = (docs: StackDocuments, roleName: string, orgId: string | undefined) =>
    roleSession(role(docs, roleName), docs.accountId, orgId, "session");
  const sg = (account: string) => `arn:${p}:ec2:${region}:${account}:security-group/sg-0a1b2c3d4e5f60718`;
  const instance = `arn:${p}:ec2:${region}:${spokeAcct}:instance/i-0123456789abcdef0`;
  const alarm = (account: string) => `arn:${p}:cloudwatch:${region}:${account}:alarm:high-cpu`;

  const cases: AccessCase[] = [];
  const add = (name: string, expected: Decision, build: AccessCase["build"]) =>
    cases.push({ name, expected, build });
  // A hub with chat-ops off has no worker or ack role; the spokes' chat-ops roles then trust nobody.
  const chatops = Object.values(hub.roles).some((r) =>
    r.arn.endsWith(`:role/${functionRoleName(FUNCTION_NAMES.chatopsWorker)}`),
  );

  // Forwarding: EventBridge in the spoke assumes the forwarder role and puts events on the hub bus.
  add("EventBridge assumes the spoke forwarder role", "Allowed", () => ({
    caller: service("events.amazonaws.com", spokeAcct, org),
    action: "sts:AssumeRole",
    resource: role(spoke, FORWARDER_ROLE_NAME).arn,
    resourceAccount: spokeAcct,
    resourcePolicy: role(spoke, FORWARDER_ROLE_NAME).trust,
  }));
  for (const [who, docs, orgId, expected] of [
    ["spoke", spoke, org, "Allowed"],
    ["outside-account", away, outsideOrg, "ImplicitlyDenied"],
  ] as const) {
    add(`${who} forwarder role puts events on the hub bus`, expected, () => ({
      caller: inSpoke(docs, FORWARDER_ROLE_NAME, orgId),
      action: "events:PutEvents",
      resource: bus(hub)[0],
      resourceAccount: hubAcct,
      resourcePolicy: bus(hub)[1],
    }));
  }

  // AWS Config: the delivery channel publishes with the recorder's role, or as the service.
  add("AWS Config assumes the spoke config role", "Allowed", () => ({
    caller: service("config.amazonaws.com", spokeAcct, org),
    action: "sts:AssumeRole",
    resource: role(spoke, CONFIG_ROLE_NAME).arn,
    resourceAccount: spokeAcct,
    resourcePolicy: role(spoke, CONFIG_ROLE_NAME).trust,
  }));
  for (const [who, docs, orgId, expected] of [
    ["spoke", spoke, org, "Allowed"],
    ["outside-account", away, outsideOrg, "ImplicitlyDenied"],
  ] as const) {
    add(`${who} Config role publishes to the hub config topic`, expected, () => ({
      caller: inSpoke(docs, CONFIG_ROLE_NAME, orgId),
      action: "sns:Publish",
      resource: topic(hub, "config")[0],
      resourceAccount: hubAcct,
      resourcePolicy: topic(hub, "config")[1],
    }));
    add(`AWS Config (service) for ${who} publishes to the hub config topic`, expected, () => ({
      caller: service("config.amazonaws.com", docs.accountId, orgId),
      action: "sns:Publish",
      resource: topic(hub, "config")[0],
      resourceAccount: hubAcct,
      resourcePolicy: topic(hub, "config")[1],
    }));
    // CloudWatch alarm actions publish as the service to the (KMS-encrypted) alarm topic, named by
    // aws:SourceAccount/aws:SourceArn: member accounts in account-list mode; in organization mode
    // spokes' alarm state changes reach the hub over their EventBridge forwarding rules instead.
    const alarmExpected = who === "spoke" && org ? "ImplicitlyDenied" : expected;
    add(`CloudWatch alarm of ${who} publishes to the hub alarm topic`, alarmExpected, () => ({
      caller: service("cloudwatch.amazonaws.com", docs.accountId, orgId, alarm(docs.accountId)),
      action: "sns:Publish",
      resource: topic(hub, "alarms")[0],
      resourceAccount: hubAcct,
      resourcePolicy: topic(hub, "alarms")[1],
    }));
    add(`CloudWatch alarm of ${who} gets a data key for the encrypted alarm topic`, expected, () => ({
      caller: service("cloudwatch.amazonaws.com", docs.accountId, orgId, alarm(docs.accountId)),
      action: "kms:GenerateDataKey",
      resource: onlyKey(hub)[0],
      resourceAccount: hubAcct,
      resourcePolicy: onlyKey(hub)[1],
      // SNS server-side encryption always names the topic in the encryption context.
      context: { "kms:EncryptionContext:aws:sns:topicArn": topic(hub, "alarms")[0] },
    }));
  }

  add("CloudWatch alarm of the hub (dead letters) publishes to the hub alarm topic", "Allowed", () => ({
    caller: service("cloudwatch.amazonaws.com", hubAcct, org, alarm(hubAcct)),
    action: "sns:Publish",
    resource: topic(hub, "alarms")[0],
    resourceAccount: hubAcct,
    resourcePolicy: topic(hub, "alarms")[1],
  }));
  // Only the guard's own roles reach the hub's bus and config topic: another principal of a spoke
  // could otherwise forge Slack messages or remediation reports.
  add("spoke remediation role puts (forged) events on the hub bus", "ImplicitlyDenied", () => ({
    caller: {
      ...inSpoke(spoke, REMEDIATION_ROLE_NAME, org),
      identityPolicies: [{ name: "broad", policy: allowEverything("events:PutEvents") }],
    },
    action: "events:PutEvents",
    resource: bus(hub)[0],
    resourceAccount: hubAcct,
    resourcePolicy: bus(hub)[1],
  }));
  add("spoke remediation role publishes (forged) Config notifications", "ImplicitlyDenied", () => ({
    caller: {
      ...inSpoke(spoke, REMEDIATION_ROLE_NAME, org),
      identityPolicies: [{ name: "broad", policy: allowEverything("sns:Publish") }],
    },
    action: "sns:Publish",
    resource: topic(hub, "config")[0],
    resourceAccount: hubAcct,
    resourcePolicy: topic(hub, "config")[1],
  }));

  // The hub bus's notify and resolve rules feed the events topic; no other rule may.
  for (const [ruleName, expected] of [
    ["hub-notify", "Allowed"],
    ["hub-resolve", "Allowed"],
    ["hub-remediate", "ImplicitlyDenied"],
  ] as const) {
    add(`hub bus rule ${ruleName} publishes to the hub events topic`, expected, () => ({
      caller: service(
        "events.amazonaws.com",
        hubAcct,
        org,
        need(hub.ruleArns[ruleName], `rule ${ruleName} in the hub`),
      ),
      action: "sns:Publish",
      resource: topic(hub, "events")[0],
      resourceAccount: hubAcct,
      resourcePolicy: topic(hub, "events")[1],
    }));
  }

  // EventBridge encrypts what it publishes to the events topic with the hub key. Its KMS request is
  // not documented to carry aws:Source* keys: the key policy must allow it on the encryption
  // context alone (the topic ARN), and must not for another topic.
  for (const [topicName, expected] of [
    ["events", "Allowed"],
    ["config", "ImplicitlyDenied"],
  ] as const) {
    add(`EventBridge gets a data key for the hub ${topicName} topic (no aws:Source* keys)`, expected, () => ({
      caller: { principal: "events.amazonaws.com", identityPolicies: [], context: {} },
      action: "kms:GenerateDataKey",
      resource: onlyKey(hub)[0],
      resourceAccount: hubAcct,
      resourcePolicy: onlyKey(hub)[1],
      context: { "kms:EncryptionContext:aws:sns:topicArn": topic(hub, topicName)[0] },
    }));
  }

  // Remediation: the hub function assumes the spoke's role; nobody else does.
  const assume = (
    name: string,
    caller: () => Caller,
    docs: StackDocuments,
    roleName: string,
    expected: Decision,
    extra: { action?: string; context?: Record<string, string> } = {},
  ) =>
    add(name, expected, () => ({
      caller: caller(),
      action: extra.action ?? "sts:AssumeRole",
      resource: role(docs, roleName).arn,
      resourceAccount: docs.accountId,
      resourcePolicy: role(docs, roleName).trust,
      context: { ...resOrg(docs.accountId), ...(extra.context ?? {}) },
    }));
  // The worker names the Slack user as the session's source identity; the chat-ops roles require it.
  const slackUser = { context: { "sts:SourceIdentity": "slack-U2CERLKJA" } };
  assume(
    "remediator role assumes the spoke remediation role",
    () => fnSession(FUNCTION_NAMES.remediator),
    spoke,
    REMEDIATION_ROLE_NAME,
    "Allowed",
  );
  if (chatops)
    assume(
      "chat-ops worker role assumes the spoke remediation role",
      () => fnSession(FUNCTION_NAMES.chatopsWorker),
      spoke,
      REMEDIATION_ROLE_NAME,
      "ImplicitlyDenied",
    );
  assume(
    "remediator role assumes an outside account's remediation role",
    () => fnSession(FUNCTION_NAMES.remediator),
    away,
    REMEDIATION_ROLE_NAME,
    "ImplicitlyDenied",
  );
  if (chatops) {
    assume(
      "chat-ops worker role assumes the spoke read-only role for a Slack user",
      () => fnSession(FUNCTION_NAMES.chatopsWorker),
      spoke,
      CHATOPS_READONLY_ROLE_NAME,
      "Allowed",
      slackUser,
    );
    assume(
      "chat-ops worker role assumes the spoke operator role for a Slack user",
      () => fnSession(FUNCTION_NAMES.chatopsWorker),
      spoke,
      CHATOPS_OPERATOR_ROLE_NAME,
      "Allowed",
      slackUser,
    );
    assume(
      "chat-ops worker role sets the Slack user as source identity on the operator role",
      () => fnSession(FUNCTION_NAMES.chatopsWorker),
      spoke,
      CHATOPS_OPERATOR_ROLE_NAME,
      "Allowed",
      { action: "sts:SetSourceIdentity", ...slackUser },
    );
    assume(
      "chat-ops worker role assumes the spoke operator role without a Slack source identity",
      () => fnSession(FUNCTION_NAMES.chatopsWorker),
      spoke,
      CHATOPS_OPERATOR_ROLE_NAME,
      "ImplicitlyDenied",
    );
  }
  assume(
    chatops
      ? "notifier role assumes the spoke operator role"
      : "notifier role assumes the spoke operator role (chat-ops off: the role trusts nobody)",
    () => fnSession(FUNCTION_NAMES.notifier),
    spoke,
    CHATOPS_OPERATOR_ROLE_NAME,
    chatops ? "ImplicitlyDenied" : "ExplicitlyDenied",
  );

  // Routes by owner: the notifier reads tags through the spoke's read role, which trusts it; its own
  // policy allows the assume only when a route names owners.
  const ownerRoutes = role(hub, functionRoleName(FUNCTION_NAMES.notifier)).inline.some((p) =>
    p.policy.Statement.some((st) => st.Sid === "ReadOwnerTags"),
  );
  assume(
    ownerRoutes
      ? "notifier role assumes the spoke read role (a route names owners)"
      : "notifier role assumes the spoke read role (no route names owners)",
    () => fnSession(FUNCTION_NAMES.notifier),
    spoke,
    COVERAGE_READER_ROLE_NAME,
    ownerRoutes ? "Allowed" : "ImplicitlyDenied",
  );

  // What the spoke roles may do once assumed (same account: identity policies decide).
  const inAccount = (name: string, roleName: string, action: string, resource: string, expected: Decision) =>
    add(name, expected, () => ({
      caller: inSpoke(spoke, roleName, org),
      action,
      resource,
      resourceAccount: spokeAcct,
    }));
  inAccount(
    "remediation role revokes security-group ingress",
    REMEDIATION_ROLE_NAME,
    "ec2:RevokeSecurityGroupIngress",
    sg(spokeAcct),
    "Allowed",
  );
  inAccount(
    "remediation role describes security groups",
    REMEDIATION_ROLE_NAME,
    "ec2:DescribeSecurityGroups",
    "*",
    "Allowed",
  );
  // A world-open rule wider than SSH is re-authorized without port 22 before it is revoked.
  inAccount(
    "remediation role authorizes security-group ingress",
    REMEDIATION_ROLE_NAME,
    "ec2:AuthorizeSecurityGroupIngress",
    sg(spokeAcct),
    "Allowed",
  );
  inAccount(
    "remediation role reads managed prefix list entries",
    REMEDIATION_ROLE_NAME,
    "ec2:GetManagedPrefixListEntries",
    "*",
    "Allowed",
  );
  inAccount(
    "remediation role reads the Config rules' scope",
    REMEDIATION_ROLE_NAME,
    "config:DescribeConfigRules",
    "*",
    "Allowed",
  );
  inAccount(
    "spoke read role reads an EC2 resource's tags",
    COVERAGE_READER_ROLE_NAME,
    "ec2:DescribeTags",
    "*",
    "Allowed",
  );
  inAccount(
    "spoke read role reads any resource's tags by ARN (Tagging API)",
    COVERAGE_READER_ROLE_NAME,
    "tag:GetResources",
    "*",
    "Allowed",
  );
  // GetResources only reads: the Tagging API's writes stay denied.
  inAccount(
    "spoke read role tags a resource through the Tagging API",
    COVERAGE_READER_ROLE_NAME,
    "tag:TagResources",
    "*",
    "ImplicitlyDenied",
  );
  // IAM roles and users, which the Tagging API does not cover: their tag listings only.
  inAccount(
    "spoke read role lists an IAM role's tags",
    COVERAGE_READER_ROLE_NAME,
    "iam:ListRoleTags",
    `arn:${p}:iam::${spokeAcct}:role/service-role/app-runtime`,
    "Allowed",
  );
  inAccount(
    "spoke read role lists an IAM user's tags",
    COVERAGE_READER_ROLE_NAME,
    "iam:ListUserTags",
    `arn:${p}:iam::${spokeAcct}:user/ci-deployer`,
    "Allowed",
  );
  inAccount(
    "spoke read role tags an IAM role",
    COVERAGE_READER_ROLE_NAME,
    "iam:TagRole",
    `arn:${p}:iam::${spokeAcct}:role/app-runtime`,
    "ImplicitlyDenied",
  );
  inAccount(
    "spoke read role tags a security group",
    COVERAGE_READER_ROLE_NAME,
    "ec2:CreateTags",
    sg(spokeAcct),
    "ImplicitlyDenied",
  );
  // The change record: only the remediator's own tag keys.
  const tagging = (name: string, key: string, expected: Decision, action = "ec2:CreateTags") =>
    add(name, expected, () => ({
      caller: inSpoke(spoke, REMEDIATION_ROLE_NAME, org),
      action,
      resource: sg(spokeAcct),
      resourceAccount: spokeAcct,
      context: { "aws:TagKeys": [key] },
    }));
  tagging("remediation role records its change in a tag", "security-guard:ssh-remediation-2", "Allowed");
  // The exemption check gives an old exemption its expiry and removes an expired one.
  tagging("remediation role stamps an exemption's expiry", "security-guard:ssh-exempt", "Allowed");
  tagging(
    "remediation role removes an expired exemption",
    "security-guard:ssh-exempt",
    "Allowed",
    "ec2:DeleteTags",
  );
  tagging("remediation role writes another tag", "Owner", "ImplicitlyDenied");
  tagging("remediation role deletes another tag", "Owner", "ImplicitlyDenied", "ec2:DeleteTags");
  inAccount(
    "remediation role deletes a security group",
    REMEDIATION_ROLE_NAME,
    "ec2:DeleteSecurityGroup",
    sg(spokeAcct),
    "ImplicitlyDenied",
  );
  inAccount(
    "chat-ops read-only role stops an instance",
    CHATOPS_READONLY_ROLE_NAME,
    "ec2:StopInstances",
    instance,
    "ImplicitlyDenied",
  );
  inAccount(
    "chat-ops read-only role describes instances",
    CHATOPS_READONLY_ROLE_NAME,
    "ec2:DescribeInstances",
    "*",
    "Allowed",
  );
  inAccount(
    "chat-ops operator role stops an instance",
    CHATOPS_OPERATOR_ROLE_NAME,
    "ec2:StopInstances",
    instance,
    "Allowed",
  );

  // Secrets: each function decrypts only ciphertext bound to its own name (KMS encryption context).
  const decrypt = (fn: string, contextName: string, expected: Decision) =>
    add(`${fn} role decrypts a secret for ${contextName}`, expected, () => ({
      caller: fnSession(fn),
      action: "kms:Decrypt",
      resource: onlyKey(hub)[0],
      resourceAccount: hubAcct,
      resourcePolicy: onlyKey(hub)[1],
      context: {
        "kms:EncryptionContext:LambdaFunctionName": contextName,
        "kms:EncryptionContextKeys": ["LambdaFunctionName"],
      },
    }));
  decrypt(FUNCTION_NAMES.notifier, FUNCTION_NAMES.notifier, "Allowed");
  decrypt(FUNCTION_NAMES.notifier, FUNCTION_NAMES.chatopsAck, "ImplicitlyDenied");
  if (chatops) {
    decrypt(FUNCTION_NAMES.chatopsAck, FUNCTION_NAMES.chatopsAck, "Allowed");
    decrypt(FUNCTION_NAMES.chatopsAck, FUNCTION_NAMES.notifier, "ImplicitlyDenied");
  }
  decrypt(FUNCTION_NAMES.remediator, FUNCTION_NAMES.notifier, "ImplicitlyDenied");

  // Grouping: the notifier holds events in its digest queue and reads them back; no other function may.
  const grouping = Object.keys(hub.ruleArns).some((n) => n.endsWith("notifier-digest-schedule"));
  if (grouping) {
    const digestQueue = `arn:${p}:sqs:${hub.region}:${hubAcct}:${NOTIFIER_DIGEST_QUEUE_NAME}`;
    const onQueue = (fn: string, action: string, expected: Decision) =>
      add(`${fn} role ${action} on the digest queue`, expected, () => ({
        caller: fnSession(fn),
        action,
        resource: digestQueue,
        resourceAccount: hubAcct,
      }));
    onQueue(FUNCTION_NAMES.notifier, "sqs:SendMessage", "Allowed");
    onQueue(FUNCTION_NAMES.notifier, "sqs:ReceiveMessage", "Allowed");
    onQueue(FUNCTION_NAMES.notifier, "sqs:PurgeQueue", "ImplicitlyDenied");
    onQueue(FUNCTION_NAMES.remediator, "sqs:SendMessage", "ImplicitlyDenied");
  }

  // Replay refusal: the ack records each Slack request once in its table, and may do nothing else there.
  if (chatops) {
    const table = `arn:${p}:dynamodb:${hub.region}:${hubAcct}:table/${CHATOPS_REQUESTS_TABLE_NAME}`;
    const onTable = (fn: string, action: string, expected: Decision) =>
      add(`${fn} role ${action} on the chat-ops requests table`, expected, () => ({
        caller: fnSession(fn),
        action,
        resource: table,
        resourceAccount: hubAcct,
      }));
    onTable(FUNCTION_NAMES.chatopsAck, "dynamodb:PutItem", "Allowed");
    onTable(FUNCTION_NAMES.chatopsAck, "dynamodb:DeleteItem", "ImplicitlyDenied");
    onTable(FUNCTION_NAMES.chatopsWorker, "dynamodb:PutItem", "ImplicitlyDenied");

    // Mute and Acknowledge: the worker assumes the hub's alert-actions role as the Slack user (so
    // CloudTrail names them); only that session writes the mutes table, never the worker's own role.
    assume(
      "chat-ops worker role assumes the hub alert-actions role for a Slack user",
      () => fnSession(FUNCTION_NAMES.chatopsWorker),
      hub,
      ALERT_ACTIONS_ROLE_NAME,
      "Allowed",
      slackUser,
    );
    assume(
      "chat-ops worker role assumes the hub alert-actions role without a Slack source identity",
      () => fnSession(FUNCTION_NAMES.chatopsWorker),
      hub,
      ALERT_ACTIONS_ROLE_NAME,
      "ImplicitlyDenied",
    );
    assume(
      "remediator role assumes the hub alert-actions role for a Slack user",
      () => fnSession(FUNCTION_NAMES.remediator),
      hub,
      ALERT_ACTIONS_ROLE_NAME,
      "ImplicitlyDenied",
      slackUser,
    );
    const mutes = `arn:${p}:dynamodb:${hub.region}:${hubAcct}:table/${ALERT_MUTES_TABLE_NAME}`;
    const actionsSession = () =>
      roleSession(role(hub, ALERT_ACTIONS_ROLE_NAME), hubAcct, org, "slack-U2CERLKJA");
    add("hub alert-actions role puts an item in the mutes table", "Allowed", () => ({
      caller: actionsSession(),
      action: "dynamodb:PutItem",
      resource: mutes,
      resourceAccount: hubAcct,
    }));
    add("hub alert-actions role puts an item in another table", "ImplicitlyDenied", () => ({
      caller: actionsSession(),
      action: "dynamodb:PutItem",
      resource: table,
      resourceAccount: hubAcct,
    }));
    // Acknowledge and Mute on a Security Hub finding: that session sets its workflow status, to
    // NOTIFIED or SUPPRESSED only; the worker's own role cannot.
    const securityHub = `arn:${p}:securityhub:ap-northeast-1:${hubAcct}:hub/default`;
    const workflow = (status: string) => ({
      "securityhub:ASFFSyntaxPath/Workflow.Status": status,
    });
    add("hub alert-actions role sets a finding's workflow status to NOTIFIED", "Allowed", () => ({
      caller: actionsSession(),
      action: "securityhub:BatchUpdateFindings",
      resource: securityHub,
      resourceAccount: hubAcct,
      context: workflow("NOTIFIED"),
    }));
    add("hub alert-actions role sets a finding's workflow status to RESOLVED", "ImplicitlyDenied", () => ({
      caller: actionsSession(),
      action: "securityhub:BatchUpdateFindings",
      resource: securityHub,
      resourceAccount: hubAcct,
      context: workflow("RESOLVED"),
    }));
    // An OCSF finding (BatchUpdateFindingsV2, authorized as BatchUpdateFindings on the hubv2
    // resource): status In Progress (2) or Suppressed (3) only.
    const hubV2 = `arn:${p}:securityhub:ap-northeast-1:${hubAcct}:hubv2/example`;
    const ocsfStatus = (id: string) => ({ "securityhub:OCSFSyntaxPath/StatusId": id });
    add("hub alert-actions role sets an OCSF finding's status to Suppressed", "Allowed", () => ({
      caller: actionsSession(),
      action: "securityhub:BatchUpdateFindings",
      resource: hubV2,
      resourceAccount: hubAcct,
      context: ocsfStatus("3"),
    }));
    add("hub alert-actions role sets an OCSF finding's status to Resolved", "ImplicitlyDenied", () => ({
      caller: actionsSession(),
      action: "securityhub:BatchUpdateFindings",
      resource: hubV2,
      resourceAccount: hubAcct,
      context: ocsfStatus("4"),
    }));
    add(`${FUNCTION_NAMES.chatopsWorker} role securityhub:BatchUpdateFindings`, "ImplicitlyDenied", () => ({
      caller: fnSession(FUNCTION_NAMES.chatopsWorker),
      action: "securityhub:BatchUpdateFindings",
      resource: securityHub,
      resourceAccount: hubAcct,
      context: workflow("SUPPRESSED"),
    }));
    add(
      `${FUNCTION_NAMES.chatopsWorker} role dynamodb:PutItem on the mutes table`,
      "ImplicitlyDenied",
      () => ({
        caller: fnSession(FUNCTION_NAMES.chatopsWorker),
        action: "dynamodb:PutItem",
        resource: mutes,
        resourceAccount: hubAcct,
      }),
    );
  }
  return cases;
}

function explainWhy(e: StatementExplain): string {
  if (!e.actionMatch) return "action does not match";
  if (e.principalMatch === "NoMatch") return "principal does not match";
  if (!e.resourceMatch) return "resource does not match";
  const failed = (e.conditions ?? []).filter((c) => !c.matches);
  if (failed.length > 0) {
    return failed
      .map((c) => {
        const want = (Array.isArray(c.values) ? c.values : [c.values]).map((v) => v.value).join("|");
        const got = c.failedBecauseMissing ? "(absent)" : (c.resolvedConditionKeyValue ?? "?");
        return `condition ${c.operator} ${c.conditionKeyValue}: request has ${got}, policy wants ${want}`;
      })
      .join("; ");
  }
  return e.matches ? "matches" : "does not match";
}

type Analysed = { explain: StatementExplain; policyId?: string };

/** Grants, explicit denies, and (for implicit denies) the statements that came close, with why not. */
function decisiveStatements(analysis: RequestAnalysis): string[] {
  const out: string[] = [];
  const label = (kind: string, s: Analysed) =>
    `${kind}${s.policyId ? ` ${s.policyId}` : ""} #${s.explain.identifier}`;
  const sections = [
    ["identity", analysis.identityAnalysis],
    ["resource policy", analysis.resourceAnalysis],
  ] as const;
  if (analysis.result === "Allowed") {
    for (const g of getGrantReasons(analysis))
      out.push(
        `allowed by ${g.policyType}${"policyIdentifier" in g ? ` ${g.policyIdentifier}` : ""} #${g.statementId ?? g.statementIndex}`,
      );
    return out;
  }
  for (const [kind, section] of sections) {
    for (const s of (section?.denyStatements ?? []) as Analysed[]) out.push(`denied by ${label(kind, s)}`);
  }
  for (const d of getDenialReasons(analysis)) {
    if (d.denialType !== "Implicit") continue;
    const section =
      d.policyType === "identity"
        ? analysis.identityAnalysis
        : d.policyType === "resource"
          ? analysis.resourceAnalysis
          : undefined;
    const near = ((section?.unmatchedStatements ?? []) as Analysed[]).filter((s) => s.explain.actionMatch);
    if (near.length === 0) out.push(`${d.policyType}: no statement allows the action`);
    for (const s of near) out.push(`${label(d.policyType, s)}: ${explainWhy(s.explain)}`);
  }
  return out;
}

async function runCase(c: AccessCase): Promise<AccessResult> {
  let built: ReturnType<AccessCase["build"]>;
  try {
    built = c.build();
  } catch (err) {
    const error = (err as Error).message;
    return {
      name: c.name,
      principal: "?",
      action: "?",
      resource: "?",
      expected: c.expected,
      actual: "Error",
      ok: false,
      decisive: [],
      error,
    };
  }
  const { caller, action, resource, resourceAccount } = built;
  const base = { name: c.name, principal: caller.principal, action, resource, expected: c.expected };
  const outcome = await simulate({
    request: {
      principal: caller.principal,
      action,
      resource: { resource, accountId: resourceAccount },
      contextVariables: { ...caller.context, ...(built.context ?? {}) },
    },
    identityPolicies: caller.identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: built.resourcePolicy,
  });
  if (outcome.error || !outcome.result) {
    // The simulator validates policies, actions and ARNs: a misspelt action surfaces here.
    return {
      ...base,
      actual: "Error",
      ok: false,
      decisive: outcome.notes,
      error: outcome.error ?? "no result",
    };
  }
  const actual = outcome.result;
  return {
    ...base,
    actual,
    ok: actual === c.expected,
    decisive: [...outcome.analyses.flatMap(decisiveStatements), ...outcome.notes],
  };
}

export type StackInput = MockedResource[] | StackDocuments;

function docsOf(stack: string, input: StackInput): StackDocuments {
  return Array.isArray(input) ? collectDocuments(stack, input) : input;
}

/** Simulates every access path between one hub and one spoke. */
export async function accessPaths(
  hub: StackInput,
  spoke: StackInput,
  opts: AccessOptions = {},
): Promise<AccessResult[]> {
  const cases = accessCases(docsOf("hub", hub), docsOf("spoke", spoke), opts);
  const results: AccessResult[] = [];
  for (const c of cases) results.push(await runCase(c));
  return results;
}

/** One line per path; a failing path also prints the simulator's decisive statements. */
export function formatAccess(
  results: AccessResult[],
  options: { verbose?: boolean; failuresOnly?: boolean } = {},
): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const shown = options.failuresOnly ? results.filter((r) => !r.ok) : results;
  const lines = shown.map((r) => {
    const head = `${r.ok ? "ok  " : "FAIL"} ${r.name.padEnd(width)}  ${r.actual.padEnd(16)}${r.ok ? "" : ` (expected ${r.expected})`}`;
    const detail =
      !r.ok || options.verbose
        ? [...(r.error ? [r.error] : []), ...r.decisive].map((d) => `       ${d}`)
        : [];
    return [head, ...detail].join("\n");
  });
  const failed = results.filter((r) => !r.ok).length;
  lines.push(`${results.length - failed} of ${results.length} access paths as intended`);
  return lines.join("\n");
}
