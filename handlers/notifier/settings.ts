// The notifier's non-secret settings: a plain JSON object from stack config, captured by value
// into the Lambda's code by the stack's callbackFactory.
import { WorldPrefixes, worldPrefixesProblems } from "../shared/world";
import { AppModeSettings, validateAppSettings } from "./appMode";
import { IncidentSettings, validateIncidentSettings } from "./incidents/settings";

import { GROUPING_DEFAULTS, GroupingSettings, validateGrouping } from "./grouping";
import { EVENT_KINDS, EventKind } from "./kinds";
import { MuteRule, validateMutes } from "./mutes";
import { SEVERITY_LEVELS, SeverityLevel, isSeverityLevel } from "./severity";

/** Mute on a critical alert: 1 h unless chatops.criticalMuteHours says otherwise. */
export const DEFAULT_CRITICAL_MUTE_HOURS = 1;

export { EVENT_KINDS };
export type { EventKind };

export interface NotifierRoute {
  /** Name of a webhook in the decrypted webhook map. */
  webhook: string;
  /** Only events from these account ids (all accounts when absent). */
  accounts?: string[];
  /** Only these event kinds (all kinds when absent). */
  kinds?: EventKind[];
  /** Only events whose resource's owner tag value is one of these (see ownerTagKeys). */
  owners?: string[];
  /** Only events of accounts in one of these organizational units (ou-...) or below them. */
  organizationalUnits?: string[];
  /** Only events at or above this severity; a lower one falls through to the next route. */
  minSeverity?: SeverityLevel;
  /** Also email this route's events (to the email topic's subscriptions filtered on this route). */
  email?: boolean;
}

/** Owner tag keys tried in order when none are configured: the first present wins. */
export const DEFAULT_OWNER_TAG_KEYS: readonly string[] = ["owner", "team"];

/**
 * Where the owner and organizational units come from when the event does not carry them (only
 * looked up when a route names owners, or organizationalUnits).
 */
export interface LookupSettings {
  /** Partition of the spoke role's ARN (arn:<partition>:iam::<account>:role/<roleName>). */
  partition: string;
  /** The spoke role the notifier assumes to read a resource's tags. */
  roleName: string;
  /** How long a looked-up owner or OU path is kept in the container (default 900 s). */
  cacheSeconds?: number;
  /** The longest one lookup may take: a resource's tags, or an account's OU path (default 2000 ms). */
  timeoutMs?: number;
}

export const LOOKUP_DEFAULTS = { cacheSeconds: 900, timeoutMs: 2000 } as const;

// AWS's own patterns for these ids
// (https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html; tag
// limits: https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html).
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;

/** What happens to an event no route takes. */
export interface DefaultRouteSettings {
  /** Below this severity the event is not posted (logged as skipped, with the reason). */
  minSeverity?: SeverityLevel;
  email?: boolean;
}

export interface DedupeSettings {
  /** DynamoDB table of the seen store (partition key "id", TTL attribute "expiresAt"). */
  tableName: string;
  /** How long a posted event's key is remembered (default 3600 s). */
  windowSeconds?: number;
}

export interface DeliverySettings {
  /** Attempts per message, first try included (default 4). */
  maxAttempts?: number;
  /** First retry delay; doubles each retry, with jitter (default 500 ms). */
  baseDelayMs?: number;
  /** Per-request timeout (default 5000 ms). */
  timeoutMs?: number;
  /** Longest 429 Retry-After we wait for; longer gives up so Lambda's retry takes over (default 30). */
  maxRetryAfterSeconds?: number;
}

export interface DigestSettings {
  /**
   * When one invocation holds more than this many postable events for one webhook, they are posted
   * as digest messages (one compact line per event) instead of one message each (default 5).
   */
  threshold?: number;
  /** Events listed per digest message; more events make more messages, none is dropped (default 40). */
  maxEventsPerMessage?: number;
}

export interface NotifierSettings {
  /** Account id to display name. */
  accountNames: Record<string, string>;
  /** First match wins; no match goes to the `default` webhook. */
  routes: NotifierRoute[];
  delivery?: DeliverySettings;
  digest?: DigestSettings;
  /**
   * Security-group alerts carry Revert, Exempt, Mute 24 h and Acknowledge buttons: set when the hub
   * serves Slack interactions (chat-ops enabled), whose Slack app must own the webhooks.
   */
  alertActions?: boolean;
  /** How long Mute lasts on a critical alert, in hours (1-24; default 1). */
  criticalMuteHours?: number;
  /** DynamoDB table of mutes written from Slack (the Mute button), applied besides `mutes`. */
  runtimeMutesTable?: string;
  /** DynamoDB table where each posted alert's buttons are bound to what it may act on. */
  alertRecordsTable?: string;
  defaultRoute?: DefaultRouteSettings;
  /** Events matching a live rule are not posted or emailed (logged with the rule, counted). */
  mutes?: MuteRule[];
  /** Config rules whose NON_COMPLIANT verdict means SSH open to the world (critical); default the guard's. */
  sshConfigRules?: string[];
  /** Longest prefix, per family, of a source that counts as the world (hub key worldPrefixes); default IPv4 /8, IPv6 /16. */
  worldPrefixes?: WorldPrefixes;
  /** SNS topic the email versions are published to (required when a route has email). */
  emailTopicArn?: string;
  /** Remember posted events across invocations, so the second path's copy is not posted again. */
  dedupe?: DedupeSettings;
  /** Slack app mode (bot token, chat.postMessage, threads); webhook mode when absent. */
  app?: AppModeSettings;
  /** Events below the immediate severity wait for a digest posted every windowMinutes. */
  grouping?: GroupingSettings;
  /** Signals about one resource (or one AWS correlation) form one incident with one Slack message. */
  incidents?: IncidentSettings;
  /** Tag keys naming a resource's owner, tried in order, matched ignoring case (default owner, team). */
  ownerTagKeys?: string[];
  /** Owner and OU lookups for routes that name owners or organizationalUnits. */
  lookups?: LookupSettings;
}

export const DEFAULT_WEBHOOK = "default";

/**
 * Slack allows 50 blocks per message: a digest uses a header, a context line, one section per event
 * and possibly a routing note, so at most 47 events fit in one message.
 */
export const MAX_DIGEST_EVENTS_PER_MESSAGE = 47;

export const DIGEST_DEFAULTS: Required<DigestSettings> = {
  threshold: 5,
  maxEventsPerMessage: 40,
};

export const DELIVERY_DEFAULTS: Required<DeliverySettings> = {
  maxAttempts: 4,
  baseDelayMs: 500,
  timeoutMs: 5000,
  maxRetryAfterSeconds: 30,
};

/** Every problem with a settings object, each naming the key and the bad value; [] when valid. */
export function validateNotifierSettings(settings: unknown): string[] {
  const problems: string[] = [];
  if (typeof settings !== "object" || settings === null || Array.isArray(settings)) {
    return ["notifier settings must be an object with accountNames and routes"];
  }
  const s = settings as Record<string, unknown>;
  const names = s.accountNames;
  if (typeof names !== "object" || names === null || Array.isArray(names)) {
    problems.push("accountNames must be an object mapping 12-digit account ids to names");
  } else {
    for (const [id, name] of Object.entries(names)) {
      if (!/^\d{12}$/.test(id))
        problems.push(`accountNames: key ${JSON.stringify(id)} is not a 12-digit account id`);
      if (typeof name !== "string" || name.trim() === "")
        problems.push(`accountNames.${id} must be a non-empty string`);
    }
  }
  if (!Array.isArray(s.routes)) {
    problems.push("routes must be an array (may be empty)");
  } else {
    s.routes.forEach((r: unknown, i: number) => {
      const where = `routes[${i}]`;
      if (typeof r !== "object" || r === null || Array.isArray(r)) {
        problems.push(`${where} must be an object with a webhook name`);
        return;
      }
      const route = r as Record<string, unknown>;
      if (typeof route.webhook !== "string" || route.webhook.trim() === "") {
        problems.push(`${where}.webhook must be a non-empty webhook name`);
      }
      if (route.accounts !== undefined) {
        if (!Array.isArray(route.accounts) || route.accounts.length === 0) {
          problems.push(`${where}.accounts must be a non-empty array of 12-digit account ids when given`);
        } else {
          for (const a of route.accounts) {
            if (typeof a !== "string" || !/^\d{12}$/.test(a))
              problems.push(`${where}.accounts: ${JSON.stringify(a)} is not a 12-digit account id`);
          }
        }
      }
      if (route.kinds !== undefined) {
        if (!Array.isArray(route.kinds) || route.kinds.length === 0) {
          problems.push(`${where}.kinds must be a non-empty array of ${EVENT_KINDS.join(", ")} when given`);
        } else {
          for (const k of route.kinds) {
            if (!(EVENT_KINDS as readonly unknown[]).includes(k)) {
              problems.push(`${where}.kinds: ${JSON.stringify(k)} is not one of ${EVENT_KINDS.join(", ")}`);
            }
          }
        }
      }
      if (route.owners !== undefined) {
        if (!Array.isArray(route.owners) || route.owners.length === 0)
          problems.push(`${where}.owners must be a non-empty array of owner tag values when given`);
        else
          for (const o of route.owners)
            if (typeof o !== "string" || o === "" || o.length > MAX_TAG_VALUE)
              problems.push(
                `${where}.owners: ${JSON.stringify(o)} is not a tag value (1 to ${MAX_TAG_VALUE} characters)`,
              );
      }
      if (route.organizationalUnits !== undefined) {
        if (!Array.isArray(route.organizationalUnits) || route.organizationalUnits.length === 0)
          problems.push(
            `${where}.organizationalUnits must be a non-empty array of organizational unit ids (ou-...) when given`,
          );
        else
          for (const o of route.organizationalUnits)
            if (typeof o !== "string" || !OU_ID.test(o))
              problems.push(
                `${where}.organizationalUnits: ${JSON.stringify(o)} is not an organizational unit id (ou-xxxx-xxxxxxxx)`,
              );
      }
      if (route.minSeverity !== undefined && !isSeverityLevel(route.minSeverity))
        problems.push(
          `${where}.minSeverity: ${JSON.stringify(route.minSeverity)} is not one of ${SEVERITY_LEVELS.join(", ")}`,
        );
      if (route.email !== undefined && typeof route.email !== "boolean")
        problems.push(`${where}.email must be true or false, got ${JSON.stringify(route.email)}`);
    });
  }
  if (s.runtimeMutesTable !== undefined && (typeof s.runtimeMutesTable !== "string" || !s.runtimeMutesTable))
    problems.push(`runtimeMutesTable must be a table name, got ${JSON.stringify(s.runtimeMutesTable)}`);
  if (s.alertRecordsTable !== undefined && (typeof s.alertRecordsTable !== "string" || !s.alertRecordsTable))
    problems.push(`alertRecordsTable must be a table name, got ${JSON.stringify(s.alertRecordsTable)}`);
  if (
    s.criticalMuteHours !== undefined &&
    !(
      typeof s.criticalMuteHours === "number" &&
      Number.isInteger(s.criticalMuteHours) &&
      s.criticalMuteHours >= 1 &&
      s.criticalMuteHours <= 24
    )
  )
    problems.push(
      `criticalMuteHours must be a whole number from 1 to 24, got ${JSON.stringify(s.criticalMuteHours)}`,
    );
  if (s.alertActions !== undefined && typeof s.alertActions !== "boolean")
    problems.push(`alertActions must be true or false, got ${JSON.stringify(s.alertActions)}`);
  if (s.delivery !== undefined) {
    if (typeof s.delivery !== "object" || s.delivery === null || Array.isArray(s.delivery)) {
      problems.push("delivery must be an object when given");
    } else {
      const d = s.delivery as Record<string, unknown>;
      const checks: Array<[keyof DeliverySettings, number]> = [
        ["maxAttempts", 1],
        ["baseDelayMs", 0],
        ["timeoutMs", 1],
        ["maxRetryAfterSeconds", 0],
      ];
      for (const [key, min] of checks) {
        const v = d[key];
        if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < min)) {
          problems.push(`delivery.${key} must be a number >= ${min}, got ${JSON.stringify(v)}`);
        }
      }
    }
  }
  if (s.digest !== undefined) {
    if (typeof s.digest !== "object" || s.digest === null || Array.isArray(s.digest)) {
      problems.push("digest must be an object when given");
    } else {
      const d = s.digest as Record<string, unknown>;
      const checks: Array<[keyof DigestSettings, number, number]> = [
        ["threshold", 0, Number.MAX_SAFE_INTEGER],
        ["maxEventsPerMessage", 1, MAX_DIGEST_EVENTS_PER_MESSAGE],
      ];
      for (const [key, min, max] of checks) {
        const v = d[key];
        if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)) {
          problems.push(
            `digest.${key} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? " up" : ` to ${max}`}, got ${JSON.stringify(v)}`,
          );
        }
      }
    }
  }
  problems.push(...signalProblems(s), ...lookupProblems(s));
  if (s.app !== undefined) problems.push(...validateAppSettings(s.app));
  if (s.grouping !== undefined) problems.push(...validateGrouping(s.grouping));
  if (s.incidents !== undefined) problems.push(...validateIncidentSettings(s.incidents));
  return problems;
}

/** Problems with the severity, muting, email and de-duplication settings. */
function signalProblems(s: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const d = s.defaultRoute;
  if (d !== undefined) {
    if (typeof d !== "object" || d === null || Array.isArray(d))
      problems.push("defaultRoute must be an object when given");
    else {
      const r = d as Record<string, unknown>;
      if (r.minSeverity !== undefined && !isSeverityLevel(r.minSeverity))
        problems.push(
          `defaultRoute.minSeverity: ${JSON.stringify(r.minSeverity)} is not one of ${SEVERITY_LEVELS.join(", ")}`,
        );
      if (r.email !== undefined && typeof r.email !== "boolean")
        problems.push(`defaultRoute.email must be true or false, got ${JSON.stringify(r.email)}`);
    }
  }
  problems.push(...validateMutes(s.mutes, "mutes"));
  if (
    s.sshConfigRules !== undefined &&
    (!Array.isArray(s.sshConfigRules) || !s.sshConfigRules.every((x) => typeof x === "string" && x !== ""))
  )
    problems.push("sshConfigRules must be an array of Config rule names when given");
  problems.push(...worldPrefixesProblems(s.worldPrefixes));
  const routes = Array.isArray(s.routes) ? (s.routes as Array<Record<string, unknown> | null>) : [];
  const emails =
    routes.some((r) => typeof r === "object" && r !== null && r.email === true) ||
    (typeof d === "object" && d !== null && (d as Record<string, unknown>).email === true);
  if (
    s.emailTopicArn !== undefined &&
    (typeof s.emailTopicArn !== "string" || !/^arn:[^:]+:sns:[^:]+:\d{12}:.+/.test(s.emailTopicArn))
  )
    problems.push(`emailTopicArn must be an SNS topic ARN, got ${JSON.stringify(s.emailTopicArn)}`);
  else if (emails && s.emailTopicArn === undefined)
    problems.push("emailTopicArn is required when a route has email");
  if (s.dedupe !== undefined) {
    const x = s.dedupe as Record<string, unknown> | null;
    if (typeof x !== "object" || x === null || Array.isArray(x))
      problems.push("dedupe must be an object with tableName when given");
    else {
      if (typeof x.tableName !== "string" || x.tableName === "")
        problems.push("dedupe.tableName must be a table name");
      if (
        x.windowSeconds !== undefined &&
        (typeof x.windowSeconds !== "number" || !Number.isInteger(x.windowSeconds) || x.windowSeconds < 1)
      )
        problems.push(
          `dedupe.windowSeconds must be a positive integer, got ${JSON.stringify(x.windowSeconds)}`,
        );
    }
  }
  return problems;
}

/** Problems with ownerTagKeys and lookups. */
function lookupProblems(s: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const keys = s.ownerTagKeys;
  if (keys !== undefined) {
    if (!Array.isArray(keys) || keys.length === 0)
      problems.push("ownerTagKeys must be a non-empty array of tag keys when given");
    else {
      const seen = new Set<string>();
      for (const k of keys) {
        if (typeof k !== "string" || k === "" || k.length > MAX_TAG_KEY)
          problems.push(
            `ownerTagKeys: ${JSON.stringify(k)} is not a tag key (1 to ${MAX_TAG_KEY} characters)`,
          );
        else if (seen.has(k.toLowerCase()))
          problems.push(`ownerTagKeys: ${JSON.stringify(k)} is listed twice (keys match ignoring case)`);
        else seen.add(k.toLowerCase());
      }
    }
  }
  const l = s.lookups;
  if (l !== undefined) {
    if (typeof l !== "object" || l === null || Array.isArray(l))
      problems.push("lookups must be an object with partition and roleName when given");
    else {
      const x = l as Record<string, unknown>;
      if (typeof x.partition !== "string" || !/^aws(-[a-z-]+)?$/.test(x.partition))
        problems.push(
          `lookups.partition must be an AWS partition (aws, aws-cn, ...), got ${JSON.stringify(x.partition)}`,
        );
      if (typeof x.roleName !== "string" || !/^[\w+=,.@-]{1,64}$/.test(x.roleName))
        problems.push(`lookups.roleName must be an IAM role name, got ${JSON.stringify(x.roleName)}`);
      for (const [key, min] of [
        ["cacheSeconds", 0],
        ["timeoutMs", 1],
      ] as const) {
        const v = x[key];
        if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < min))
          problems.push(`lookups.${key} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
      }
    }
  }
  return problems;
}

/** Settings with every default filled in: what the handler runs with. */
export interface ResolvedNotifierSettings extends NotifierSettings {
  delivery: Required<DeliverySettings>;
  digest: Required<DigestSettings>;
  grouping?: Required<GroupingSettings>;
}

/** Validates `settings` (throwing every problem at once) and fills in the defaults. */
export function parseNotifierSettings(settings: unknown): ResolvedNotifierSettings {
  const problems = validateNotifierSettings(settings);
  if (problems.length) throw new Error(`invalid notifier settings: ${problems.join("; ")}`);
  const { grouping, ...s } = settings as NotifierSettings;
  return {
    ...s,
    delivery: { ...DELIVERY_DEFAULTS, ...(s.delivery ?? {}) },
    digest: { ...DIGEST_DEFAULTS, ...(s.digest ?? {}) },
    ...(grouping ? { grouping: { ...GROUPING_DEFAULTS, ...grouping } } : {}),
  };
}

/** The webhook name for an event: the first route matching its account and kind, else `default`. */
export function chooseWebhook(
  settings: NotifierSettings,
  accountId: string | undefined,
  kind: EventKind,
): string {
  for (const route of settings.routes) {
    if (route.accounts && (accountId === undefined || !route.accounts.includes(accountId))) continue;
    if (route.kinds && !route.kinds.includes(kind)) continue;
    return route.webhook;
  }
  return DEFAULT_WEBHOOK;
}
