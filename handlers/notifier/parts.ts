// The notifier's per-container parts: built once from the settings and the environment when the
// Lambda container starts (the CallbackFunction's factory), then handed to every invocation's steps.
// The AWS clients inside are created on first use, and the secrets (webhook map, bot token) are
// decrypted on first use and kept here.
import { AlertRecords, createAlertRecords } from "../shared/alertRecords";
import { createAlertThreads } from "../shared/alertThreads";
import { SeenStore, createSeenStore } from "../shared/seenStore";
import { channelPacer } from "../shared/slackWebApi";
import { botTokenSource, slackApiBase } from "../shared/slackBotToken";
import { DEFAULT_MIN_POST_INTERVAL_MS, DEFAULT_POST_BURST } from "./appMode";
import { DEDUPE_WINDOW_SECONDS } from "./dedupe";
import { DigestQueue, sqsDigestQueue } from "./digestQueue";
import { EmailPublisher, snsEmailPublisher } from "./emailPublish";
import { GroupingSettings } from "./grouping";
import { IncidentStore, createIncidentStore, dynamoIncidentRecords } from "./incidents/store";
import { organizationParents } from "./place/orgUnits";
import { PlaceResolver, createPlaceResolver } from "./place/resolve";
import { spokeTagLookup } from "./place/spokeTags";
import { routesUse } from "./routing";
import { Invocation, RecordStep } from "./pipeline";
import {
  DEFAULT_OWNER_TAG_KEYS,
  DigestSettings,
  LOOKUP_DEFAULTS,
  NotifierSettings,
  ResolvedNotifierSettings,
  parseNotifierSettings,
} from "./settings";
import { AppTransport } from "./steps/postApp";
import { runtimeMuteRecords } from "./steps/runtimeMutes";
import { dedupeRecords, logProblems, muteRecords } from "./steps/screen";
import { WebhookSource, webhookSource } from "./webhooks";

/** The longest one seen-store call may take (within the invocation's deadline). */
export const STORE_CALL_CAP_MS = 1500;

/** App mode's parts: the bot token (decrypted once), the threads table and the pacer, as a transport. */
export interface AppParts {
  transport(inv: Invocation): Promise<AppTransport>;
}

/** Everything an invocation needs that outlives it. */
export interface NotifierParts {
  settings: ResolvedNotifierSettings;
  /** The webhook map (webhook mode), decrypted on first use. */
  webhooks: WebhookSource;
  /** De-duplication's seen store (settings.dedupe). */
  store?: SeenStore;
  /** Incidents on (settings.incidents). */
  incidents?: IncidentStore;
  /** The email topic (settings.emailTopicArn). */
  publisher?: EmailPublisher;
  /** Owner and OU lookups, when a route names owners or organizationalUnits. */
  places?: PlaceResolver;
  /** Steps between routing and planning, in order (see RecordStep). */
  screenSteps: readonly RecordStep[];
  /** De-duplication, run after the secret is loaded (its calls must not eat the decrypt's time). */
  holdBackDuplicates: RecordStep;
  /** Where alerts with buttons are recorded (settings.alertRecordsTable). */
  alertRecords?: AlertRecords;
  /** Slack app mode (settings.app). */
  app?: AppParts;
  /** Grouping on: its settings and the digest queue. */
  grouping?: Required<GroupingSettings>;
  digestQueue?: DigestQueue;
  /** A digest run posts every held event of a destination as one digest (a lone event as itself). */
  windowDigest: Required<DigestSettings>;
}

export function buildParts(input: NotifierSettings, env: NodeJS.ProcessEnv): NotifierParts {
  const settings = parseNotifierSettings(input);
  const store: SeenStore | undefined = settings.dedupe
    ? createSeenStore({
        tableName: settings.dedupe.tableName,
        windowSeconds: settings.dedupe.windowSeconds ?? DEDUPE_WINDOW_SECONDS,
      })
    : undefined;
  const grouping = settings.grouping;
  return {
    settings,
    webhooks: webhookSource(env),
    store,
    incidents: settings.incidents
      ? createIncidentStore({
          records: dynamoIncidentRecords({ tableName: settings.incidents.tableName }),
          windowSeconds: settings.incidents.windowSeconds,
        })
      : undefined,
    publisher: settings.emailTopicArn ? snsEmailPublisher(settings.emailTopicArn) : undefined,
    places: placeResolver(settings),
    screenSteps: [
      logProblems,
      muteRecords(settings.mutes ?? [], () => Date.now()),
      ...(settings.runtimeMutesTable
        ? [runtimeMuteRecords(settings.runtimeMutesTable, STORE_CALL_CAP_MS)]
        : []),
    ],
    holdBackDuplicates: dedupeRecords(store, STORE_CALL_CAP_MS),
    alertRecords: settings.alertRecordsTable
      ? createAlertRecords({ tableName: settings.alertRecordsTable, worldPrefixes: settings.worldPrefixes })
      : undefined,
    app: settings.app ? appParts(settings.app, env) : undefined,
    grouping,
    digestQueue: grouping ? sqsDigestQueue(grouping.queueUrl) : undefined,
    windowDigest: { ...settings.digest, threshold: 1 },
  };
}

/** Lookups only for what the routes name: owners through the spoke role, OUs through Organizations. */
function placeResolver(settings: ResolvedNotifierSettings): PlaceResolver | undefined {
  const owners = routesUse(settings.routes, "owners") && settings.lookups;
  const ous = routesUse(settings.routes, "organizationalUnits");
  if (!owners && !ous) return undefined;
  return createPlaceResolver({
    ownerTagKeys: settings.ownerTagKeys ?? DEFAULT_OWNER_TAG_KEYS,
    tags: owners ? spokeTagLookup(owners.partition, owners.roleName) : undefined,
    parents: ous ? organizationParents() : undefined,
    cacheSeconds: settings.lookups?.cacheSeconds ?? LOOKUP_DEFAULTS.cacheSeconds,
    timeoutMs: settings.lookups?.timeoutMs ?? LOOKUP_DEFAULTS.timeoutMs,
  });
}

function appParts(app: NonNullable<NotifierSettings["app"]>, env: NodeJS.ProcessEnv): AppParts {
  const token = botTokenSource(env);
  const threads = createAlertThreads({ tableName: app.threadTable, ttlDays: app.threadTtlDays });
  const pacer = channelPacer({
    burst: app.postBurst ?? DEFAULT_POST_BURST,
    intervalMs: app.minPostIntervalMs ?? DEFAULT_MIN_POST_INTERVAL_MS,
  });
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  return {
    async transport(inv: Invocation): Promise<AppTransport> {
      return {
        token: await token.load(inv.deadline),
        channels: app.channels,
        threads,
        apiBaseUrl: slackApiBase(env),
        async pace(channel, api) {
          await pacer.take(channel, sleep);
          return { ...api, onRetryAfter: (ms) => pacer.rateLimited(channel, ms) };
        },
      };
    },
  };
}
