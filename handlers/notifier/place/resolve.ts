// Where an event sits for routing: who owns its resource (the owner tag) and which organizational
// units its account is in. The owner comes from the event's own resource tags when the source
// carries them (Security Hub, Inspector, GuardDuty instances, attack sequences); otherwise, and only
// when a route names owners, from the resource's tags read in its account (spokeTags.ts: EC2
// DescribeTags for EC2 resources, IAM ListRoleTags/ListUserTags for IAM roles and users, the
// Tagging API for others named by ARN). The OUs are read only when a route names
// organizationalUnits (orgUnits.ts). Both are kept per container
// (ttlCache.ts): in memory rather than in DynamoDB, because a lookup costs one call either way, the
// notifier runs in at most a few containers (the queues' maximum concurrency), and owners and OUs
// change rarely, so a table would add a call, a table and its permissions for no fewer lookups.
// A lookup that fails or runs out of time never holds an alert back: the route is chosen without
// it, and `problems` says what could not be looked up and why (shown on the message, logged).
import type { Finding } from "../../findings/model";
import type { Deadline } from "../../shared/deadline";
import { errorText } from "../../shared/errors";
import type { RoutePlace } from "../routing";
import { carriesTags, ownerFromTags } from "./ownerTag";
import { ParentLookup } from "./orgUnits";
import { TagLookup, TagTarget, resourceTagSource } from "./spokeTags";
import { ttlCache } from "./ttlCache";

export interface Place extends RoutePlace {
  /** Where the owner came from: the event's resource tags, or the tags read in its account. */
  ownerSource?: "event" | "lookup";
  /** The tag key that named the owner, as the resource spells it. */
  ownerKey?: string;
  /** What a route needs but could not be looked up, and why: shown on the message and logged. */
  problems: string[];
  /** Why the owner is unknown without a failure (an IAM policy, no owner tag): logged. */
  notes: string[];
}

/** The place as the event alone tells it (no lookup): `npm run render`, `npm run routes`, tests. */
export function placeFromEvent(finding: Finding | undefined, ownerTagKeys: readonly string[]): Place {
  const owner = ownerFromTags(finding?.resources[0]?.tags, ownerTagKeys);
  return owner
    ? { owner: owner.owner, ownerSource: "event", ownerKey: owner.key, problems: [], notes: [] }
    : { problems: [], notes: [] };
}

export interface PlaceResolver {
  resolve(finding: Finding | undefined, deadline: Deadline): Promise<Place>;
}

export interface PlaceResolverOptions {
  ownerTagKeys: readonly string[];
  /** Look owners up (a route names owners) with this lookup. */
  tags?: TagLookup;
  /** Look OUs up (a route names organizationalUnits) with this lookup. */
  parents?: ParentLookup;
  cacheSeconds: number;
  timeoutMs: number;
  now?: () => number;
}

/** Resources and accounts remembered per container (a few hundred bytes each). */
export const PLACE_CACHE_ENTRIES = 2000;
/** How long a failed lookup is remembered before it is tried again. */
export const FAILED_LOOKUP_TTL_MS = 60_000;

export function createPlaceResolver(o: PlaceResolverOptions): PlaceResolver {
  const cache = <T>() =>
    ttlCache<T>({
      ttlMs: o.cacheSeconds * 1000,
      failureTtlMs: Math.min(FAILED_LOOKUP_TTL_MS, o.cacheSeconds * 1000),
      maxEntries: PLACE_CACHE_ENTRIES,
      now: o.now,
    });
  const tagCache = cache<Record<string, string>>();
  const ouCache = cache<string[]>();
  return {
    async resolve(finding, deadline) {
      const place = placeFromEvent(finding, o.ownerTagKeys);
      if (!finding || finding.unreadable) return place;
      const r = finding.resources[0];
      const accountId = r?.account_uid ?? finding.cloud.account?.uid;
      const region = r?.region ?? finding.cloud.region;
      const lookups: Promise<void>[] = [];
      const tags = o.tags;
      if (tags && place.owner === undefined && r && !carriesTags(r)) {
        const source = resourceTagSource(r);
        // IAM roles and users are global (no region), and their ARN names their account.
        const lookupRegion =
          "skip" in source ? undefined : source.via === "iam" ? "" : source.region || region;
        const ownerAccount = ("accountId" in source && source.accountId) || accountId;
        if ("skip" in source) place.notes.push(`owner not looked up: ${source.skip}`);
        else if (!ownerAccount || lookupRegion === undefined)
          place.notes.push(`owner not looked up: the event names no ${ownerAccount ? "region" : "account"}`);
        else {
          const { resourceId, via } = source;
          const target: TagTarget =
            via === "iam"
              ? { accountId: ownerAccount, resourceId, via }
              : { accountId: ownerAccount, region: lookupRegion, resourceId, via };
          const where = lookupRegion ? `${ownerAccount} ${lookupRegion}` : ownerAccount;
          const what = `the tags of ${resourceId} in ${where}`;
          lookups.push(
            tagCache
              .get(`${ownerAccount}|${lookupRegion}|${resourceId}`, () =>
                deadline.run(what, (signal) => tags(target, signal), o.timeoutMs),
              )
              .then(
                (found) => {
                  const owner = ownerFromTags(found, o.ownerTagKeys);
                  if (owner)
                    Object.assign(place, { owner: owner.owner, ownerSource: "lookup", ownerKey: owner.key });
                  else place.notes.push(`${resourceId} has no owner tag (${o.ownerTagKeys.join(", ")})`);
                },
                (err) => {
                  place.problems.push(`the owner of ${resourceId} could not be looked up: ${errorText(err)}`);
                },
              ),
          );
        }
      }
      const parents = o.parents;
      if (parents && accountId)
        lookups.push(
          ouCache
            .get(accountId, () =>
              deadline.run(
                `Organizations ListParents of ${accountId}`,
                (signal) => parents(accountId, signal),
                o.timeoutMs,
              ),
            )
            .then(
              (path) => {
                place.organizationalUnits = path;
              },
              (err) => {
                place.problems.push(
                  `the organizational unit of account ${accountId} could not be looked up: ${errorText(err)}`,
                );
              },
            ),
        );
      await Promise.all(lookups);
      return place;
    },
  };
}
