// What the stub `aws` provider answers for a resource: its inputs plus the outputs AWS would add,
// shaped like AWS's (ARNs per service, queue URLs, API endpoints), derived from the resource's type
// token (aws:<module>/<resource>:<Type>) so that a type the program starts using later still gets an
// ARN of the usual shape without a change here. ARN formats:
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
import * as crypto from "crypto";

/** Where a provider instance deploys: from its `region` and `allowedAccountIds` config. */
export interface Placement {
  region: string;
  accountId: string;
}

export interface StubResource {
  id: string;
  outputs: Record<string, unknown>;
}

/** Deterministic hex digits from a seed (same URN, same id on every run: previews stay stable). */
export function hexOf(seed: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++)
    out += crypto.createHash("sha256").update(`${i}:${seed}`).digest("hex");
  return out.slice(0, length);
}

/** A UUID-shaped id (KMS key ids, event source mapping ids). */
function uuidOf(seed: string): string {
  const h = hexOf(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** The ARN service of a type token's module, where the module is not already the service name. */
const SERVICE_OF_MODULE: Record<string, string> = {
  cfg: "config",
  apigatewayv2: "apigateway",
  vpc: "ec2",
};

/** Resources whose ARN names no region (IAM) or neither region nor account (S3 buckets). */
const GLOBAL_SERVICES = new Set(["iam"]);

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

export interface TypeToken {
  module: string;
  /** Resource part of the token, lower camel ("eventBus"). */
  resource: string;
}

export function parseTypeToken(type: string): TypeToken {
  const m = /^aws:([^/]+)\/([^:]+):[^:]+$/.exec(type);
  if (!m) throw new Error(`not an aws resource type token: ${type}`);
  return { module: m[1], resource: m[2] };
}

/** The ARN service and resource path for a type, for the types whose layout is not `<kebab type>/<name>`. */
function arnParts(token: TypeToken, physical: string, id: string, inputs: Record<string, unknown>) {
  const key = `${token.module}/${token.resource}`;
  switch (key) {
    case "cloudwatch/eventBus":
      return { service: "events", resource: `event-bus/${physical}` };
    case "cloudwatch/eventRule": {
      const bus = inputs.eventBusName;
      const prefix = typeof bus === "string" && bus !== "default" && !bus.startsWith("arn:") ? `${bus}/` : "";
      return { service: "events", resource: `rule/${prefix}${physical}` };
    }
    case "cloudwatch/logGroup":
      return { service: "logs", resource: `log-group:${physical}` };
    case "cloudwatch/metricAlarm":
      return { service: "cloudwatch", resource: `alarm:${physical}` };
    case "lambda/function":
      return { service: "lambda", resource: `function:${physical}` };
    case "kms/key":
      return { service: "kms", resource: `key/${id}` };
    case "kms/alias":
      return { service: "kms", resource: physical };
    case "sns/topic":
    case "sqs/queue":
      return { service: token.module, resource: physical };
    case "cfg/rule":
      return { service: "config", resource: `config-rule/${id}` };
    case "cfg/configurationAggregator":
      return { service: "config", resource: `config-aggregator/${id}` };
    case "cfg/aggregateAuthorization":
      return {
        service: "config",
        resource: `aggregation-authorization/${String(inputs.accountId ?? inputs.authorizedAccountId)}/${String(inputs.region ?? inputs.authorizedAwsRegion)}`,
      };
    case "apigatewayv2/api":
      return { service: "apigateway", resource: `/apis/${id}`, noAccount: true };
    case "ec2/securityGroup":
      return { service: "ec2", resource: `security-group/${id}` };
  }
  const service = SERVICE_OF_MODULE[token.module] ?? token.module;
  if (token.module === "cloudwatch" && token.resource.startsWith("event")) {
    return { service: "events", resource: `${kebab(token.resource.slice("event".length))}/${physical}` };
  }
  if (token.module === "cloudwatch")
    return { service: "logs", resource: `${kebab(token.resource)}:${physical}` };
  return { service, resource: `${kebab(token.resource)}/${physical}` };
}

/**
 * The physical name AWS would see: the given `name` (or the S3 `bucket`), else Pulumi's auto-name
 * (the logical name plus a random suffix; stable here so reruns do not diff).
 */
function physicalName(urnName: string, inputs: Record<string, unknown>, token: TypeToken): string {
  if (token.module === "s3" && token.resource === "bucket" && typeof inputs.bucket === "string")
    return inputs.bucket;
  if (typeof inputs.name === "string" && inputs.name !== "") return inputs.name;
  if (typeof inputs.namePrefix === "string") return `${inputs.namePrefix}${hexOf(urnName, 26)}`;
  return `${urnName}-${hexOf(urnName, 7)}`;
}

/** An id shaped like the one AWS returns for the type (what `.id` resolves to in the program). */
function idFor(token: TypeToken, physical: string, seed: string, inputs: Record<string, unknown>): string {
  switch (`${token.module}/${token.resource}`) {
    case "ec2/securityGroup":
      return `sg-${hexOf(seed, 17)}`;
    case "ec2/vpc":
      return `vpc-${hexOf(seed, 17)}`;
    case "ec2/securityGroupRule":
    case "vpc/securityGroupIngressRule":
    case "vpc/securityGroupEgressRule":
      return `sgr-${hexOf(seed, 17)}`;
    case "kms/key":
    case "lambda/eventSourceMapping":
      return uuidOf(seed);
    case "cfg/rule":
      return `config-rule-${hexOf(seed, 6)}`;
    case "cfg/configurationAggregator":
      return `config-aggregator-${hexOf(seed, 8)}`;
    case "apigatewayv2/api":
    case "apigatewayv2/integration":
    case "apigatewayv2/route":
      return hexOf(seed, 10).replace(/^\d/, "a");
    case "lambda/permission":
      return String(inputs.statementId ?? physical);
    case "cloudwatch/eventTarget":
      return `${String(inputs.rule)}-${String(inputs.targetId ?? hexOf(seed, 8))}`;
  }
  return physical;
}

/**
 * Inputs plus AWS-shaped outputs for a resource of `type` named `urnName` in the URN.
 * Throws for a type token that is not an `aws:` resource.
 */
export function stubResource(
  type: string,
  urnName: string,
  inputs: Record<string, unknown>,
  placement: Placement,
): StubResource {
  const token = parseTypeToken(type);
  const region = typeof inputs.region === "string" && inputs.region ? inputs.region : placement.region;
  const account = placement.accountId;
  const partition = partitionOf(region);
  const seed = `${type}::${urnName}::${account}::${region}`;
  const physical = physicalName(urnName, inputs, token);
  const id = idFor(token, physical, seed, inputs);
  const parts = arnParts(token, physical, id, inputs);
  const arnRegion = GLOBAL_SERVICES.has(parts.service) ? "" : region;
  const arnAccount = "noAccount" in parts ? "" : account;
  const arn = `arn:${partition}:${parts.service}:${arnRegion}:${arnAccount}:${parts.resource}`;
  const tags = (inputs.tags as Record<string, string> | undefined) ?? {};
  // What AWS computes; an input of the same name (an EventTarget's `arn` is its target) always wins.
  const outputs: Record<string, unknown> = { region, arn, tagsAll: tags, name: physical };
  switch (`${token.module}/${token.resource}`) {
    case "iam/role":
      outputs.arn = `arn:${partition}:iam::${account}:role${String(inputs.path ?? "/")}${physical}`;
      outputs.uniqueId = `AROA${hexOf(seed, 17).toUpperCase()}`;
      outputs.createDate = "2026-01-01T00:00:00Z";
      break;
    case "iam/policy":
      outputs.arn = `arn:${partition}:iam::${account}:policy${String(inputs.path ?? "/")}${physical}`;
      outputs.policyId = `ANPA${hexOf(seed, 17).toUpperCase()}`;
      break;
    case "iam/user":
      outputs.arn = `arn:${partition}:iam::${account}:user${String(inputs.path ?? "/")}${physical}`;
      outputs.uniqueId = `AIDA${hexOf(seed, 17).toUpperCase()}`;
      break;
    case "s3/bucket":
      outputs.bucket = physical;
      outputs.arn = `arn:${partition}:s3:::${physical}`;
      outputs.bucketDomainName = `${physical}.s3.amazonaws.com`;
      outputs.bucketRegionalDomainName = `${physical}.s3.${region}.amazonaws.com`;
      outputs.hostedZoneId = "Z3AQBSTGFYJSTF";
      break;
    case "sqs/queue":
      outputs.url = `https://sqs.${region}.amazonaws.com/${account}/${physical}`;
      break;
    case "sns/topic":
      outputs.owner = account;
      break;
    case "sns/topicSubscription":
      // An email address must confirm before SNS delivers (until then the subscription is pending);
      // https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html
      outputs.pendingConfirmation = inputs.protocol === "email" || inputs.protocol === "email-json";
      break;
    case "lambda/function":
      outputs.invokeArn = `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`;
      outputs.qualifiedArn = `${arn}:$LATEST`;
      outputs.version = "$LATEST";
      outputs.lastModified = "2026-01-01T00:00:00.000+0000";
      break;
    case "kms/key":
      outputs.keyId = id;
      break;
    case "kms/alias":
      outputs.targetKeyArn = `arn:${partition}:kms:${region}:${account}:key/${String(inputs.targetKeyId ?? "")}`;
      break;
    case "kms/ciphertext":
      // A marker of what would be encrypted, under which context (the plaintext stays a secret input).
      outputs.ciphertextBlob = Buffer.from(
        `stub-ciphertext:${JSON.stringify(inputs.context ?? {})}`,
      ).toString("base64");
      break;
    case "apigatewayv2/api":
      outputs.apiEndpoint = `https://${id}.execute-api.${region}.amazonaws.com`;
      outputs.executionArn = `arn:${partition}:execute-api:${region}:${account}:${id}`;
      break;
    case "apigatewayv2/stage":
      outputs.invokeUrl = `https://${String(inputs.apiId)}.execute-api.${region}.amazonaws.com/${physical === "$default" ? "" : physical}`;
      outputs.executionArn = `arn:${partition}:execute-api:${region}:${account}:${String(inputs.apiId)}/${physical}`;
      break;
    case "cfg/rule":
      outputs.ruleId = id;
      break;
    case "cloudtrail/trail":
      outputs.homeRegion = region;
      break;
    case "ec2/securityGroup":
      outputs.ownerId = account;
      break;
  }
  return { id, outputs: { ...outputs, ...inputs } };
}

/** Account and region of a provider instance from its configuration (string values, as the engine sends them). */
export function placementOf(config: Record<string, unknown>): Placement {
  const region = typeof config.region === "string" && config.region ? config.region : "us-east-1";
  let allowed = config.allowedAccountIds;
  if (typeof allowed === "string") {
    try {
      allowed = JSON.parse(allowed);
    } catch {
      allowed = [allowed];
    }
  }
  let accountId = Array.isArray(allowed) && allowed.length > 0 ? String(allowed[0]) : undefined;
  if (!accountId) {
    // An assumed role names its account: arn:aws:iam::<account>:role/...
    const roles =
      typeof config.assumeRoles === "string" ? config.assumeRoles : JSON.stringify(config.assumeRoles ?? "");
    accountId = /arn:aws[\w-]*:iam::(\d{12}):role\//.exec(roles)?.[1];
  }
  return { region, accountId: accountId ?? "123456789012" };
}
