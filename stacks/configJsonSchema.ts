// The JSON Schema of a stack's configuration (keys without the "security-guard:" namespace): the
// one source of the key list, types, defaults and documentation. The program validates every stack
// with it (stacks/schemaProblems.ts); `npm run config:docs` publishes it for editors
// (schema/stack-config.schema.json, see stackFileSchema.ts) and writes the key documentation.
//
// Annotations besides standard JSON Schema, read by the problem translator and the docs writer:
//   x-invalid   the reason shown when this value breaks its own rule ("is not a 12-digit AWS account id")
//   x-required  the reason shown when this key is required but not set (default "is required")
//   x-duplicate the reason shown for a repeated list item
//   x-secret    set only with `pulumi config set --secret`; its value is never shown
//   x-doc       a longer line for the docs only (how to set it, what it changes)
import {
  DEFAULT_NOTIFY_FILTERS,
  SECURITY_HUB_FORMATS,
  SECURITY_HUB_SEVERITY_LABELS,
} from "../handlers/findings/notifyFilters";
import { DEFAULT_OWNER_TAG_KEYS, EVENT_KINDS } from "../handlers/notifier/settings";
import { SEVERITY_LEVELS } from "../handlers/notifier/severity";
import {
  DEFAULT_WINDOW_MINUTES,
  GROUPING_DEFAULTS,
  MAX_WINDOW_MINUTES,
  MIN_WINDOW_MINUTES,
} from "../handlers/notifier/grouping";
import { DEFAULT_JOIN_WINDOW_SECONDS } from "../handlers/notifier/incidents/settings";
import { DEFAULT_EXEMPT_TAG_KEY } from "../handlers/shared/constants";
import { DEFAULT_WORLD_PREFIXES } from "../handlers/shared/world";
import { CONFIRMABLE_ACTIONS, GUARDED_ACTIONS } from "../handlers/chatops/shared/guardrails";
import { RESTRICTED_SSH_RULE_NAME } from "./names";
import { HUB_REGION, IAM_EVENTS_REGION, KNOWN_REGIONS } from "./regions";

/** A JSON Schema node with this project's annotations. */
export interface SchemaNode {
  [keyword: string]: unknown;
  description?: string;
  "x-invalid"?: string;
  "x-required"?: string;
  "x-duplicate"?: string;
  "x-secret"?: boolean;
  "x-doc"?: string;
}

export const SCHEMA_ANNOTATIONS = ["x-invalid", "x-required", "x-duplicate", "x-secret", "x-doc"];

// CloudWatch Logs accepts only these retention values
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
export const ACCOUNT_ID_PATTERN = "^\\d{12}$";
export const SLACK_USER_ID_PATTERN = "^[UW][A-Z0-9]{2,}$";

const ACCOUNT_ID_INVALID = "is not a 12-digit AWS account id (quote it in YAML so leading zeros survive)";
const accountId = (): SchemaNode => ({
  type: "string",
  pattern: ACCOUNT_ID_PATTERN,
  "x-invalid": ACCOUNT_ID_INVALID,
});
const accountList = (description: string): SchemaNode => ({
  description,
  type: "array",
  items: accountId(),
  uniqueItems: true,
  "x-invalid": "must be a list of 12-digit account ids",
  "x-duplicate": "is a duplicate account",
});
const region = (): SchemaNode => ({
  type: "string",
  enum: [...KNOWN_REGIONS],
  "x-invalid": `is not a known AWS region (e.g. ${HUB_REGION}, ap-northeast-2)`,
});
const regionList = (description: string): SchemaNode => ({
  description,
  type: "array",
  items: region(),
  minItems: 1,
  uniqueItems: true,
  "x-invalid": "must be a non-empty list of AWS regions",
  "x-duplicate": "is a duplicate region",
});
const bool = (description: string, dflt: boolean): SchemaNode => ({
  description,
  type: "boolean",
  default: dflt,
  "x-invalid": "must be true or false",
});

/** One event kind, in a route's or a mute rule's `kinds`. */
const EVENT_KIND: SchemaNode = {
  type: "string",
  enum: [...EVENT_KINDS],
  "x-invalid": `is not an event kind (${EVENT_KINDS.join(", ")})`,
};

const minSeverity = (description: string): SchemaNode => ({
  description: `${description}: ${SEVERITY_LEVELS.join(", ")}`,
  type: "string",
  enum: [...SEVERITY_LEVELS],
  "x-invalid": `is not a severity (${SEVERITY_LEVELS.join(", ")})`,
});
const emailList = (description: string): SchemaNode => ({
  description,
  type: "array",
  items: {
    type: "string",
    // The shape SNS accepts as an email endpoint; SNS asks each address to confirm.
    pattern: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
    "x-invalid": "is not an email address",
  },
  minItems: 1,
  uniqueItems: true,
  "x-invalid": "must be a non-empty list of email addresses",
  "x-duplicate": "is a duplicate address",
});
const nameList = (description: string): SchemaNode => ({
  description,
  type: "array",
  items: { type: "string", minLength: 1, "x-invalid": "must be a non-empty string" },
  minItems: 1,
  "x-invalid": "must be a non-empty list of strings",
});
const configRuleList = (description: string): SchemaNode => ({
  description,
  type: "array",
  items: { type: "string", pattern: "^[A-Za-z0-9_-]{1,128}$", "x-invalid": "is not a Config rule name" },
  uniqueItems: true,
  default: [],
  "x-invalid": "must be a list of Config rule names",
  "x-duplicate": "is a duplicate rule name",
});

/** Keys of every stack, hub and spoke. */
const COMMON: Record<string, SchemaNode> = {
  role: {
    description: "hub or spoke",
    type: "string",
    enum: ["hub", "spoke"],
    "x-invalid": "must be hub or spoke",
    "x-required": "is required (hub or spoke)",
  },
  accountId: {
    ...accountId(),
    description: "12-digit AWS account id this stack deploys into (quote it in YAML)",
    "x-invalid": "is not a 12-digit AWS account id",
    "x-required": "is required (a 12-digit AWS account id)",
  },
  accountName: { description: "display name of the account (optional)", type: "string", default: "" },
  regions: {
    ...regionList("regions to deploy into. Hub: [us-east-1]. Spoke: must include us-east-1 (IAM events)"),
    "x-required": "is required (a list of AWS regions)",
  },
  deployRoleName: {
    description: "role in the account that Pulumi assumes to deploy",
    type: "string",
    pattern: "^[\\w+=,.@-]{1,64}$",
    default: "security-guard-deploy",
    "x-invalid": "is not an IAM role name",
  },
  deployRoleArn: {
    description: "full ARN of the deploy role, instead of deployRoleName",
    type: "string",
    pattern: "^arn:aws(-us-gov|-cn)?:iam::\\d{12}:role\\/[\\w+=,.@/-]+$",
    "x-invalid": "is not an IAM role ARN",
  },
  logRetentionDays: {
    description: "CloudWatch Logs retention of every function, in days (one of CloudWatch's allowed values)",
    type: "integer",
    enum: RETENTION_DAYS,
    default: 90,
    "x-invalid": `must be one of CloudWatch Logs' values: ${RETENTION_DAYS.join(", ")}`,
  },
  tags: {
    description: "tags added to every resource (object of name: value)",
    type: "object",
    additionalProperties: { type: "string", "x-invalid": "must be a string" },
    default: {},
    "x-invalid": "must be an object",
  },
};

const SLACK_WEBHOOK_URL: SchemaNode = {
  type: "string",
  pattern: "^https://hooks\\.slack(-gov)?\\.com/services/\\S+$",
  "x-invalid": "is not a Slack incoming-webhook URL (https://hooks.slack.com/services/...)",
};

const HUB: Record<string, SchemaNode> = {
  organizationId: {
    description:
      "AWS Organizations id (o-...): bus, topic and key policies are scoped to it and do not grow per account",
    type: "string",
    pattern: "^o-[a-z0-9]{10,32}$",
    "x-invalid": "is not an AWS Organizations id (o-xxxxxxxxxx)",
  },
  memberAccounts: {
    ...accountList("account ids: account-list mode, when there is no organizationId"),
    "x-required": "is required when organizationId is not set (account-list mode)",
  },
  accountsWithoutSpoke: {
    ...accountList(
      "organization accounts that need no spoke (the management account, a sandbox): the liveness check and npm run coverage do not report them",
    ),
    default: [],
  },
  accountNames: {
    description: 'object of "<account id>": <display name>, used in Slack and chat-ops',
    type: "object",
    propertyNames: { pattern: ACCOUNT_ID_PATTERN, "x-invalid": "key is not a 12-digit AWS account id" },
    additionalProperties: { type: "string", minLength: 1, "x-invalid": "must be a non-empty name" },
    default: {},
    "x-invalid": "must be an object",
  },
  slackWebhooks: {
    description: 'object of <webhook name>: <incoming-webhook URL>; "default" is required',
    "x-doc": "pulumi config set --secret --path 'slackWebhooks.default' https://hooks.slack.com/services/...",
    "x-secret": true,
    type: "object",
    properties: {
      default: {
        ...SLACK_WEBHOOK_URL,
        "x-required": "secret is not set: every hub needs a default webhook",
      },
    },
    required: ["default"],
    additionalProperties: SLACK_WEBHOOK_URL,
    "x-invalid": "must be an object of name -> value",
    "x-required": "secret is not set: pulumi config set --secret --path 'slackWebhooks.default' <value>",
  },
  slackRoutes: {
    description:
      'list of {webhook, accounts?, kinds?, owners?, organizationalUnits?, minSeverity?, email?}: first match wins, else "default"',
    type: "array",
    items: {
      type: "object",
      properties: {
        webhook: {
          description: "a name in slackWebhooks",
          type: "string",
          minLength: 1,
          "x-invalid": "must be a name in slackWebhooks",
          "x-required": "is required (a name in slackWebhooks)",
        },
        accounts: {
          ...accountList("only events from these accounts (every account when absent)"),
          minItems: 1,
          "x-invalid":
            "must be a non-empty list of 12-digit account ids (leave it out to match every account)",
        },
        kinds: {
          description: `only these event kinds (every kind when absent): ${EVENT_KINDS.join(", ")}`,
          type: "array",
          items: EVENT_KIND,
          minItems: 1,
          uniqueItems: true,
          "x-invalid": `must be a non-empty list of ${EVENT_KINDS.join(", ")} (leave it out to match every kind)`,
          "x-duplicate": "is a duplicate event kind",
        },
        owners: {
          description:
            "only events whose resource's owner (the value of its first ownerTagKeys tag) is one of these; from the event's resource tags, else read in the resource's account (EC2 resources by id, IAM roles and users and other resources by ARN)",
          type: "array",
          items: {
            type: "string",
            minLength: 1,
            maxLength: 256,
            "x-invalid": "is not a tag value (1 to 256 characters)",
          },
          minItems: 1,
          uniqueItems: true,
          "x-invalid": "must be a non-empty list of owner tag values (leave it out to match every owner)",
          "x-duplicate": "is a duplicate owner",
        },
        organizationalUnits: {
          description:
            "only events of accounts in one of these organizational units (ou-...), directly or in an OU below it; needs organizationId",
          type: "array",
          items: {
            type: "string",
            // AWS's pattern for an OU id
            // (https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html).
            pattern: "^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$",
            "x-invalid": "is not an organizational unit id (ou-xxxx-xxxxxxxx)",
          },
          minItems: 1,
          uniqueItems: true,
          "x-invalid":
            "must be a non-empty list of organizational unit ids (leave it out to match every account)",
          "x-duplicate": "is a duplicate organizational unit",
        },
        minSeverity: minSeverity(
          "only events at or above this severity; lower ones fall through to the next route",
        ),
        email: emailList("addresses that also receive this route's events by email"),
      },
      required: ["webhook"],
      additionalProperties: false,
      "x-invalid":
        "must be an object { webhook, accounts?, kinds?, owners?, organizationalUnits?, minSeverity?, email? }",
    },
    default: [],
    "x-invalid":
      "must be a list of { webhook, accounts?, kinds?, owners?, organizationalUnits?, minSeverity?, email? }",
  },
  ownerTagKeys: {
    description:
      "tag keys that name a resource's owner, tried in order (the first the resource has wins), matched ignoring case; routes' owners compare against its value and alerts show it",
    type: "array",
    items: {
      type: "string",
      minLength: 1,
      maxLength: 128,
      "x-invalid": "is not a tag key (1 to 128 characters)",
    },
    minItems: 1,
    uniqueItems: true,
    default: [...DEFAULT_OWNER_TAG_KEYS],
    "x-invalid": "must be a non-empty list of tag keys",
    "x-duplicate": "is a duplicate tag key",
  },
  defaultRoute: {
    description: "events no route takes: minSeverity (below it they are not posted) and email recipients",
    type: "object",
    properties: {
      minSeverity: minSeverity("events below this severity that no route takes are not posted"),
      email: emailList("addresses that also receive these events by email"),
    },
    additionalProperties: false,
    default: {},
    "x-invalid": "must be an object { minSeverity?, email? }",
  },
  mutes: {
    description:
      "mute rules: events matching every condition a rule gives are not posted or emailed until it expires (remediation still runs)",
    "x-doc":
      "each {name?, accounts?, regions?, kinds?, eventNames?, resources?, actors?, reason, expires}; resources and actors are patterns (* matches any run); npm run plan reports expired and never-matching rules",
    type: "array",
    items: {
      type: "object",
      properties: {
        name: { type: "string", minLength: 1, "x-invalid": "must be a non-empty name" },
        accounts: { ...accountList("only events of these accounts"), minItems: 1 },
        regions: regionList("only events of these regions"),
        kinds: {
          type: "array",
          items: EVENT_KIND,
          minItems: 1,
          "x-invalid": `must be a non-empty list of ${EVENT_KINDS.join(", ")}`,
        },
        eventNames: nameList(
          "CloudTrail event names, Config rule names, alarm states or remediation outcomes",
        ),
        resources: nameList("patterns over the resource id or ARN (* matches any run)"),
        actors: nameList("patterns over the actor's ARN or principal id (* matches any run)"),
        reason: {
          type: "string",
          minLength: 1,
          "x-invalid": "must say why the events are muted",
          "x-required": "is required: say why the events are muted",
        },
        expires: {
          type: "string",
          pattern: "^\\d{4}-\\d{2}-\\d{2}([T ][0-9:.]+(Z|[+-]\\d{2}:?\\d{2})?)?$",
          "x-invalid": "must be a date (2026-12-31: through that day, UTC) or a date-time",
          "x-required": "is required: a mute rule must expire (a date such as 2026-12-31)",
        },
      },
      required: ["reason", "expires"],
      anyOf: ["accounts", "regions", "kinds", "eventNames", "resources", "actors"].map((k) => ({
        required: [k],
      })),
      additionalProperties: false,
      "x-invalid":
        "must be an object {name?, accounts?, regions?, kinds?, eventNames?, resources?, actors?, reason, expires} with at least one condition",
    },
    default: [],
    "x-invalid": "must be a list of mute rules",
  },
  extraConfigRules: configRuleList(
    "Config rule names, besides the guard's own, whose compliance changes the Config topic passes to the notifier (list them in the spokes too)",
  ),
  grouping: {
    description:
      "events below immediateSeverity wait and go out together, one digest per destination every windowMinutes",
    type: "object",
    properties: {
      enabled: bool("group events below immediateSeverity into digests", true),
      windowMinutes: {
        description: "how often the digest of held events is posted, in minutes (1-1440)",
        type: "integer",
        minimum: MIN_WINDOW_MINUTES,
        maximum: MAX_WINDOW_MINUTES,
        default: DEFAULT_WINDOW_MINUTES,
        "x-invalid": `must be a whole number of minutes from ${MIN_WINDOW_MINUTES} to ${MAX_WINDOW_MINUTES}`,
      },
      immediateSeverity: {
        ...minSeverity(
          "events at or above this severity are posted at once (so are alerts with a Revert button)",
        ),
        default: GROUPING_DEFAULTS.immediateSeverity,
      },
    },
    additionalProperties: false,
    default: {},
    "x-invalid": "must be an object { enabled?, windowMinutes?, immediateSeverity? }",
  },
  incidents: {
    description:
      "signals about one resource (or one AWS correlation: GuardDuty attack sequence, Security Hub exposure finding) form one incident with one Slack message, updated as signals arrive and resolved by passing ones",
    type: "object",
    properties: {
      enabled: bool("correlate signals into incidents", true),
      joinWindowHours: {
        description: "how long after its last signal an incident takes new ones, in hours (1-168)",
        type: "integer",
        minimum: 1,
        maximum: 168,
        default: DEFAULT_JOIN_WINDOW_SECONDS / 3600,
        "x-invalid": "must be a whole number of hours from 1 to 168",
      },
    },
    additionalProperties: false,
    default: {},
    "x-invalid": "must be an object { enabled?, joinWindowHours? }",
  },
  remediation: {
    description: "SSH auto-remediation",
    type: "object",
    properties: {
      enabled: bool("revoke SSH opened to the world", true),
      dryRun: bool("report only, everywhere", false),
      dryRunAccounts: { ...accountList("report only, in these accounts"), default: [] },
      exemptTagKey: {
        description: 'security groups tagged with this key = "true" are left alone',
        type: "string",
        minLength: 1,
        maxLength: 128,
        default: DEFAULT_EXEMPT_TAG_KEY,
        "x-invalid": "must be a tag key of 1-128 characters",
      },
      configRuleNames: {
        description: "the Config rule names that mean restricted-ssh",
        type: "array",
        items: { type: "string", minLength: 1, "x-invalid": "must be a Config rule name" },
        minItems: 1,
        default: [RESTRICTED_SSH_RULE_NAME],
        "x-invalid": "must be a non-empty list of Config rule names",
      },
      exemptionDays: {
        description:
          "Exempt's expiry in days: default is offered in the dialog, max is the longest allowed; tags from before expiries get default",
        type: "object",
        properties: {
          default: {
            type: "integer",
            minimum: 1,
            maximum: 365,
            default: 30,
            "x-invalid": "must be a whole number of days from 1 to 365",
          },
          max: {
            type: "integer",
            minimum: 1,
            maximum: 365,
            default: 90,
            "x-invalid": "must be a whole number of days from 1 to 365",
          },
        },
        additionalProperties: false,
        default: {},
        "x-invalid": "must be an object {default, max} of days",
      },
      configTopicTrigger: bool("also run on the Config topic's SNS notifications", false),
      revokeWholeRule: bool(
        "revoke a world-open rule whole; by default a rule wider than SSH is re-authorized without TCP port 22",
        false,
      ),
    },
    additionalProperties: false,
    default: {},
    "x-invalid": "must be an object",
  },
  worldPrefixes: {
    description:
      "a source range counts as the world (the remediator revokes SSH from it, alerts say it opens to the internet) when its prefix is at most this long and it is not private address space; a range covering 2000::/3 always does",
    "x-doc":
      "the policy pack's no-public-ssh-ingress property worldPrefixes has the same defaults; keep them equal",
    type: "object",
    properties: {
      ipv4: {
        description:
          "IPv4 prefix length from 0 to 32 (8: 0.0.0.0/1 and 11.0.0.0/8 count, 11.0.0.0/9 does not)",
        type: "integer",
        minimum: 0,
        maximum: 32,
        default: DEFAULT_WORLD_PREFIXES.ipv4,
        "x-invalid": "must be a prefix length from 0 to 32",
      },
      ipv6: {
        description: "IPv6 prefix length from 0 to 128 (16: 2600::/16 counts, 2600::/17 does not)",
        type: "integer",
        minimum: 0,
        maximum: 128,
        default: DEFAULT_WORLD_PREFIXES.ipv6,
        "x-invalid": "must be a prefix length from 0 to 128",
      },
    },
    additionalProperties: false,
    default: {},
    "x-invalid": "must be an object { ipv4?, ipv6? }",
  },
  findings: {
    description:
      "which GuardDuty, Security Hub, Amazon Inspector and Access Analyzer findings reach Slack (the hub's notify rule filters them)",
    type: "object",
    properties: {
      guardDutyMinSeverity: {
        description: "GuardDuty severity from 1 to 10 (low 1-3.9, medium 4-6.9, high 7-8.9, critical 9-10)",
        type: "number",
        minimum: 1,
        maximum: 10,
        default: DEFAULT_NOTIFY_FILTERS.guardDutyMinSeverity,
        "x-invalid": "must be a GuardDuty severity from 1 to 10 (4 = medium)",
      },
      securityHubMinSeverity: {
        description: `Security Hub severity label: ${SECURITY_HUB_SEVERITY_LABELS.join(", ")}`,
        type: "string",
        enum: [...SECURITY_HUB_SEVERITY_LABELS],
        default: DEFAULT_NOTIFY_FILTERS.securityHubMinSeverity,
        "x-invalid": `must be one of ${SECURITY_HUB_SEVERITY_LABELS.join(", ")}`,
      },
      securityHubWorkflowStatuses: {
        description: "Security Hub Workflow.Status values posted: NEW, NOTIFIED, RESOLVED, SUPPRESSED",
        type: "array",
        items: {
          type: "string",
          enum: ["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"],
          "x-invalid": "is not a workflow status",
        },
        minItems: 1,
        uniqueItems: true,
        default: DEFAULT_NOTIFY_FILTERS.securityHubWorkflowStatuses,
        "x-invalid": "must be a non-empty list of NEW, NOTIFIED, RESOLVED, SUPPRESSED",
      },
      securityHubRecordStates: {
        description: "Security Hub RecordState values posted: ACTIVE, ARCHIVED",
        type: "array",
        items: { type: "string", enum: ["ACTIVE", "ARCHIVED"], "x-invalid": "is not a record state" },
        minItems: 1,
        uniqueItems: true,
        default: DEFAULT_NOTIFY_FILTERS.securityHubRecordStates,
        "x-invalid": "must be a non-empty list of ACTIVE, ARCHIVED",
      },
      securityHubFormats: {
        description:
          "Security Hub event formats posted: ASFF (Security Hub CSPM) and OCSF (Security Hub, with exposure findings); with both services on, choose one or CSPM control findings post twice",
        type: "array",
        items: { type: "string", enum: [...SECURITY_HUB_FORMATS], "x-invalid": "is not ASFF or OCSF" },
        minItems: 1,
        uniqueItems: true,
        default: DEFAULT_NOTIFY_FILTERS.securityHubFormats,
        "x-invalid": "must be a non-empty list of ASFF, OCSF",
      },
      inspectorMinSeverity: {
        description: `Amazon Inspector severity label: ${SECURITY_HUB_SEVERITY_LABELS.join(", ")}`,
        type: "string",
        enum: [...SECURITY_HUB_SEVERITY_LABELS],
        default: DEFAULT_NOTIFY_FILTERS.inspectorMinSeverity,
        "x-invalid": `must be one of ${SECURITY_HUB_SEVERITY_LABELS.join(", ")}`,
      },
      inspectorExploitAvailableOnly: bool(
        "post only Amazon Inspector findings with a known exploit",
        DEFAULT_NOTIFY_FILTERS.inspectorExploitAvailableOnly,
      ),
    },
    additionalProperties: false,
    default: {},
    "x-invalid": "must be an object",
  },
  chatops: {
    description: "the Slack slash-command bot",
    type: "object",
    properties: {
      enabled: bool("turn the bot on (needs slackSigningSecret)", false),
      criticalMuteHours: {
        description: "how long Mute lasts on a critical alert, in hours (other alerts: 24)",
        type: "integer",
        minimum: 1,
        maximum: 24,
        default: 1,
        "x-invalid": "must be a whole number of hours from 1 to 24",
      },
      commandName: {
        description: "the Slack app's slash command; the bot refuses any other",
        type: "string",
        pattern: "^/[a-z0-9_-]{1,31}$",
        default: "/guard",
        "x-invalid": "must be a Slack slash command such as /guard",
      },
      defaultAccount: {
        description: "account id or name (accountNames) used when a command names none",
        type: "string",
        minLength: 1,
        "x-invalid": "must be an account id or a name from accountNames",
        "x-required": "is required when chatops.enabled (an account id or a name from accountNames)",
      },
      defaultRegion: {
        ...region(),
        description: "region used when a command names none (default: the first of chatops.regions)",
      },
      regions: { ...regionList("regions commands may target"), default: [HUB_REGION] },
      users: {
        description: 'object of <Slack user id>: {access: read-only|operator, accounts: [id|name|"*"]}',
        type: "object",
        propertyNames: {
          pattern: SLACK_USER_ID_PATTERN,
          "x-invalid": "is not a Slack user id (U... or W...)",
        },
        additionalProperties: {
          type: "object",
          properties: {
            access: {
              type: "string",
              enum: ["read-only", "operator"],
              "x-invalid": "must be read-only or operator",
              "x-required": "is required (read-only or operator)",
            },
            accounts: {
              type: "array",
              items: { type: "string", minLength: 1, "x-invalid": "must be an account id or a name" },
              minItems: 1,
              "x-invalid": 'must list account ids or names, or ["*"]',
              "x-required": 'is required (account ids or names, or ["*"])',
            },
          },
          required: ["access", "accounts"],
          additionalProperties: false,
          "x-invalid": "must be an object {access, accounts}",
        },
        default: {},
        "x-invalid": "must be an object",
      },
      teamId: {
        description: "the Slack workspace (team id, T...) the app serves; anything from another is refused",
        "x-doc": "the workspace's id shows in Slack under About this workspace, or in any request's team_id",
        type: "string",
        pattern: "^[TE][A-Z0-9]{2,}$",
        "x-invalid": "is not a Slack team id (T...)",
        "x-required": "is required when chatops.enabled (the Slack team id, T..., the app is installed in)",
      },
      groups: {
        description: "object of <group name>: [Slack user ids]: names guardrails can list instead of users",
        type: "object",
        propertyNames: {
          pattern: "^[a-z][a-z0-9-]{0,39}$",
          "x-invalid": "is not a group name (a-z, 0-9, -)",
        },
        additionalProperties: {
          type: "array",
          items: {
            type: "string",
            pattern: SLACK_USER_ID_PATTERN,
            "x-invalid": "is not a Slack user id (U... or W...)",
          },
          minItems: 1,
          uniqueItems: true,
          "x-invalid": "must list Slack user ids",
          "x-duplicate": "is listed twice",
        },
        default: {},
        "x-invalid": "must be an object of group name -> user ids",
      },
      guardrails: {
        description:
          'object of <action>: {users, channels, accounts}: who (user ids or group names) may use an alert button (revert, exempt, mute, acknowledge) or a command (accounts, ec2-list, ec2-console, ec2-start, ec2-stop, s3-list, s3-usage), in which channels (ids), for which accounts (ids or names); a list left out, or ["*"], limits nothing',
        "x-doc": "guardrails narrow what chatops.users allows, never widen it",
        type: "object",
        propertyNames: {
          enum: [...GUARDED_ACTIONS],
          "x-invalid": `is not an action (${GUARDED_ACTIONS.join(", ")})`,
        },
        additionalProperties: {
          type: "object",
          properties: {
            users: {
              type: "array",
              items: { type: "string", minLength: 1, "x-invalid": "must be a Slack user id or a group name" },
              minItems: 1,
              "x-invalid": 'must list Slack user ids or group names, or ["*"]',
            },
            channels: {
              type: "array",
              items: {
                type: "string",
                pattern: "^(\\*|[CGD][A-Z0-9]{2,})$",
                "x-invalid": "is not a Slack channel id (C..., G... or D...) or *",
              },
              minItems: 1,
              "x-invalid": 'must list Slack channel ids, or ["*"]',
            },
            accounts: {
              type: "array",
              items: { type: "string", minLength: 1, "x-invalid": "must be an account id or a name" },
              minItems: 1,
              "x-invalid": 'must list account ids or names, or ["*"]',
            },
          },
          additionalProperties: false,
          "x-invalid": "must be an object {users, channels, accounts}",
        },
        default: {},
        "x-invalid": "must be an object of action -> {users, channels, accounts}",
      },
      productionAccounts: {
        description:
          "account ids or names marked production: their Revert and Exempt may need a second person",
        type: "array",
        items: { type: "string", minLength: 1, "x-invalid": "must be an account id or a name" },
        uniqueItems: true,
        default: [],
        "x-invalid": "must list account ids or names",
        "x-duplicate": "is a duplicate account",
      },
      confirmInProduction: {
        description: "actions a second authorised person must confirm in productionAccounts",
        type: "array",
        items: { type: "string", enum: [...CONFIRMABLE_ACTIONS], "x-invalid": "must be revert or exempt" },
        uniqueItems: true,
        default: [...CONFIRMABLE_ACTIONS],
        "x-invalid": "must list revert and/or exempt",
        "x-duplicate": "is listed twice",
      },
      confirmMinutes: {
        description:
          "how long a production Revert or Exempt waits for a second authorised person, in minutes (1-1440)",
        type: "integer",
        minimum: 1,
        maximum: 1440,
        default: 15,
        "x-invalid": "must be a whole number of minutes from 1 to 1440",
      },
    },
    additionalProperties: false,
    // With the bot on, someone must be allowed to use it, somewhere.
    if: { type: "object", properties: { enabled: { const: true } }, required: ["enabled"] },
    then: {
      required: ["defaultAccount", "teamId"],
      properties: {
        users: {
          type: "object",
          minProperties: 1,
          "x-invalid": "must name at least one Slack user when chatops.enabled",
        },
      },
    },
    default: {},
    "x-invalid": "must be an object",
  },
  aggregator: {
    description:
      "the Config aggregator: organization (management account or Config delegated administrator), account (memberAccounts) or none",
    "x-doc":
      "default: organization with organizationId, else account; none lets the hub deploy before Config delegation is done",
    type: "string",
    enum: ["organization", "account", "none"],
    "x-invalid": "must be organization, account or none",
  },
  slackBotToken: {
    description:
      "the Slack app's bot token: turns on app mode (chat.postMessage to slackChannels, remediation reports in the alert's thread)",
    "x-doc": "pulumi config set --secret slackBotToken xoxb-...",
    "x-secret": true,
    type: "string",
    pattern: "^xoxb-[\\w-]+$",
    "x-invalid": "is not a Slack bot token (xoxb-...)",
  },
  slackChannels: {
    description:
      'app mode: object of <webhook name>: <Slack channel id>; "default" and every slackRoutes webhook are required',
    "x-doc": "pulumi config set --path 'slackChannels.default' C0123456789",
    type: "object",
    additionalProperties: {
      type: "string",
      pattern: "^[CG][A-Z0-9]{2,}$",
      "x-invalid": "is not a Slack channel id (C... or G...: the channel's details show it)",
    },
    "x-invalid": "must be an object of webhook name -> channel id",
  },
  slackSigningSecret: {
    description: "the Slack app's signing secret (required when chatops.enabled)",
    "x-doc": "pulumi config set --secret slackSigningSecret <secret>",
    "x-secret": true,
    type: "string",
    pattern: "^[0-9a-zA-Z]{16,}$",
    "x-invalid": "does not look like a Slack signing secret (hex, 32 characters)",
    "x-required": "secret is not set: pulumi config set --secret slackSigningSecret <value>",
  },
};

const SPOKE: Record<string, SchemaNode> = {
  hubStack: {
    description: "fully qualified hub stack (org/security-guard/hub) whose outputs it reads",
    type: "string",
    pattern: "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$",
    "x-invalid": "is not a fully qualified stack name org/project/stack",
    "x-required": "is required (a fully qualified stack name org/project/stack)",
  },
  createRecorder: bool("false where a Config recorder exists in every region (e.g. Control Tower)", true),
  existingRecorderRegions: {
    ...regionList(
      "regions where the account already has a Config recorder and delivery channel: the stack uses them and creates neither",
    ),
    minItems: 0,
    default: [],
    "x-doc":
      "AWS allows one recorder and one delivery channel per account and region; npm run preflight names the regions that have one",
  },
  globalResourcesRegion: {
    ...region(),
    description: "the one region recording global resource types (default us-east-1)",
  },
  restrictedSshTag: {
    description: "object {key, value?}: scopes the restricted-ssh rule to tagged security groups",
    type: "object",
    properties: {
      key: {
        description: "the tag key a security group must have",
        type: "string",
        minLength: 1,
        "x-invalid": "must be a tag key",
        "x-required": "is required when restrictedSshTag is set",
      },
      value: {
        description: "the tag value it must have (any value when absent)",
        type: "string",
        "x-invalid": "must be a string",
      },
    },
    required: ["key"],
    additionalProperties: false,
    "x-invalid": "must be an object {key, value?}",
  },
  createTrail: bool("create a multi-region CloudTrail trail (off where an organization trail exists)", false),
  extraConfigRules: configRuleList(
    "Config rule names, besides the guard's own, whose compliance changes this spoke forwards to the hub",
  ),
  forwardUnauthorizedCalls: bool(
    "also forward denied API calls (CIS 4.1; automation makes many, so off by default)",
    false,
  ),
  aggregation: {
    description: "organization, or account to authorize the hub's account-list aggregator",
    type: "string",
    enum: ["organization", "account"],
    default: "organization",
    "x-invalid": "must be organization or account",
  },
};

function stackSchema(role: "hub" | "spoke", own: Record<string, SchemaNode>): SchemaNode {
  return {
    title: `security-guard ${role} stack`,
    type: "object",
    properties: { ...COMMON, ...own },
    required: ["role", "accountId", "regions"],
    // Unknown keys are typos until proven otherwise.
    additionalProperties: false,
    "x-invalid": `is not a known key for a ${role}`,
  };
}

const hub = stackSchema("hub", HUB);
hub.required = [...(hub.required as string[]), "slackWebhooks"];
hub.allOf = [
  {
    description: "The central bus is in us-east-1.",
    properties: {
      regions: {
        const: [HUB_REGION],
        "x-invalid": `the hub runs in ${HUB_REGION} only (the central bus is in Virginia)`,
      },
    },
  },
  {
    description: "Account-list mode: without an organization, the hub lists its spokes.",
    if: { type: "object", not: { type: "object", required: ["organizationId"] } },
    then: {
      required: ["memberAccounts"],
      properties: {
        memberAccounts: {
          type: "array",
          minItems: 1,
          "x-invalid": "must list the spoke accounts when organizationId is not set (account-list mode)",
        },
      },
    },
  },
  {
    description: "Chat-ops verifies every request with the Slack app's signing secret.",
    if: {
      properties: {
        chatops: { type: "object", properties: { enabled: { const: true } }, required: ["enabled"] },
      },
      type: "object",
      required: ["chatops"],
    },
    then: { required: ["slackSigningSecret"] },
  },
];

const spoke = stackSchema("spoke", SPOKE);
spoke.required = [...(spoke.required as string[]), "hubStack"];
spoke.allOf = [
  {
    description: "IAM's CloudTrail events are delivered in us-east-1 only.",
    properties: {
      regions: {
        type: "array",
        contains: { const: IAM_EVENTS_REGION },
        "x-invalid": `must include ${IAM_EVENTS_REGION}: IAM's CloudTrail events are delivered only there`,
      },
    },
  },
];

/** The schema of one stack's configuration values (namespace stripped). */
export const STACK_CONFIG_SCHEMA: SchemaNode = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "security-guard stack configuration",
  description: 'The "security-guard:" keys of a Pulumi.<stack>.yaml, namespace stripped.',
  type: "object",
  properties: { role: COMMON.role },
  required: ["role"],
  allOf: [
    { if: { type: "object", properties: { role: { const: "hub" } } }, then: { $ref: "#/definitions/hub" } },
    {
      if: { type: "object", properties: { role: { const: "spoke" } } },
      then: { $ref: "#/definitions/spoke" },
    },
  ],
  definitions: { hub, spoke },
};

/** The keys of each role, in documentation order. */
export const CONFIG_KEYS = {
  common: Object.keys(COMMON),
  hub: Object.keys(HUB),
  spoke: Object.keys(SPOKE),
};
