// SNS topics and EventBridge buses: encryption at rest, resource policies scoped to our
// organization or accounts, and resource-policy size limits.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "./lib/config";
import {
  hasAnyConditionKey,
  isAllow,
  isEveryonePrincipal,
  ORG_OR_ACCOUNT_CONDITION_KEYS,
  parsePolicyDocument,
  statementLabel,
} from "./lib/policyDocument";
import { T } from "./lib/types";
import { validateTypes } from "./lib/validate";
import { isRecord, isUnknown, nonEmptyString } from "./lib/values";

/** EventBridge: "The maximum size of a resource-based policy is 10,240 characters" (PutPermission). */
export const EVENT_BUS_POLICY_MAX_CHARS = 10240;
/** SNS: "Maximum size of a topic policy: 30 KB" (SNS quotas). */
export const TOPIC_POLICY_MAX_BYTES = 30 * 1024;

const AWS_MANAGED_SNS_KEY = /^(alias\/aws\/sns|arn:aws[a-z-]*:kms:[^:]*:\d{12}:alias\/aws\/sns)$/;

export const snsTopicKmsEncrypted: ResourceValidationPolicy = {
  name: "sns-topic-kms-encrypted",
  description: "SNS topics must be encrypted at rest with a customer-managed KMS key.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: {
    properties: {
      exemptTagKey: {
        type: "string",
        default: "security-guard:encryption-exempt",
        description:
          "A topic tagged with this key and a non-empty reason is unencrypted on purpose (e.g. the hub's AWS Config delivery topic).",
      },
      allowAwsManagedKey: {
        type: "boolean",
        default: false,
        description:
          "Accept alias/aws/sns. Off by default: EventBridge and CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed key, whose key policy cannot grant them kms:GenerateDataKey.",
      },
    },
  },
  validateResource: validateTypes([T.snsTopic], (props, args, report) => {
    const { allowAwsManagedKey, exemptTagKey } = configWithDefaults<{
      allowAwsManagedKey: boolean;
      exemptTagKey: string;
    }>(snsTopicKmsEncrypted.configSchema, args.getConfig());
    const key = props.kmsMasterKeyId;
    if (isUnknown(key)) return;
    const tags = props.tags;
    const reason = isRecord(tags) ? tags[exemptTagKey] : undefined;
    if (isUnknown(reason) || nonEmptyString(reason)) return;
    if (typeof key !== "string" || key.trim() === "") {
      report("kmsMasterKeyId is not set: the topic is not encrypted with a KMS key.");
    } else if (!allowAwsManagedKey && AWS_MANAGED_SNS_KEY.test(key.trim())) {
      report(`kmsMasterKeyId is the AWS-managed key ${key}; use a customer-managed key.`);
    }
  }),
};

/** Resources whose `policy` is a topic or event-bus resource policy. */
const BUS_AND_TOPIC_POLICY_TYPES = [T.snsTopic, T.snsTopicPolicy, T.eventBusPolicy];

export const busAndTopicPoliciesScoped: ResourceValidationPolicy = {
  name: "bus-and-topic-policies-scoped",
  description:
    "Event bus and SNS topic policies must not grant Principal * without an organization or account condition.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Add a condition on aws:PrincipalOrgID (or aws:SourceAccount/aws:SourceOrgID for services), or list account principals.",
  validateResource: validateTypes(BUS_AND_TOPIC_POLICY_TYPES, (props, _args, report) => {
    const doc = parsePolicyDocument(props.policy);
    if (doc.kind !== "ok") return;
    for (const s of doc.statements) {
      if (!isAllow(s) || !isEveryonePrincipal(s.principal)) continue;
      const narrowed = hasAnyConditionKey(s, ORG_OR_ACCOUNT_CONDITION_KEYS);
      if (narrowed === false) {
        report(
          `${statementLabel(s)} allows Principal * without a condition on ${ORG_OR_ACCOUNT_CONDITION_KEYS.join(", ")}.`,
        );
      }
    }
  }),
};

export const resourcePolicySizeLimits: ResourceValidationPolicy = {
  name: "resource-policy-size-limits",
  description: `Event bus policies must stay within ${EVENT_BUS_POLICY_MAX_CHARS} characters and SNS topic policies within ${TOPIC_POLICY_MAX_BYTES} bytes.`,
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Scope the policy by aws:PrincipalOrgID instead of listing every account, so it does not grow per account.",
  validateResource: validateTypes(BUS_AND_TOPIC_POLICY_TYPES, (props, args, report) => {
    const policy = props.policy;
    if (policy === undefined || policy === null || isUnknown(policy)) return;
    const text = typeof policy === "string" ? policy : JSON.stringify(policy);
    if (args.type === T.eventBusPolicy) {
      if (text.length > EVENT_BUS_POLICY_MAX_CHARS) {
        report(`Event bus policy is ${text.length} characters; the limit is ${EVENT_BUS_POLICY_MAX_CHARS}.`);
      }
    } else {
      const bytes = Buffer.byteLength(text, "utf8");
      if (bytes > TOPIC_POLICY_MAX_BYTES) {
        report(`Topic policy is ${bytes} bytes; the limit is ${TOPIC_POLICY_MAX_BYTES}.`);
      }
    }
  }),
};
