// Routes: the first route whose accounts, kinds, owners, organizationalUnits and minSeverity all
// admit the event takes it (its webhook, and its email recipients when it has any); an event below
// a route's minSeverity falls through to the next route; no route gives the default route, which may
// have a minSeverity of its own (below it the event is not posted, and says why). Owners and
// organizational units come from the event's place (place/resolve.ts): a route that names them does
// not take an event whose owner or OU is unknown.
import { SeverityLevel, atLeast } from "./severity";
import { EventKind } from "./kinds";

export interface SignalRoute {
  webhook: string;
  accounts?: string[];
  kinds?: EventKind[];
  /** Only events whose resource's owner tag value is one of these (exact match). */
  owners?: string[];
  /** Only events of accounts in one of these organizational units (ou-...), directly or below. */
  organizationalUnits?: string[];
  minSeverity?: SeverityLevel;
  /** The route has email recipients (SNS email subscriptions filtered on this route's id). */
  email?: boolean;
}

export interface DefaultRoute {
  minSeverity?: SeverityLevel;
  email?: boolean;
}

/** What routes may match besides the account and kind: who owns the resource, where the account is. */
export interface RoutePlace {
  /** The resource's owner tag value. */
  owner?: string;
  /** The account's parents from its own OU up to the root (ou-... and r-... ids). */
  organizationalUnits?: string[];
}

/** Where an event goes: `route` is the id email subscriptions filter on ("0", "1", ... or "default"). */
export interface RouteChoice {
  route: string;
  webhook: string;
  email: boolean;
  /** Set when no route takes the event and the default route's minSeverity is above it. */
  below?: SeverityLevel;
  /** The owner the chosen route matched on (set when that route names owners). */
  owner?: string;
  /** The organizational unit the chosen route matched on (set when that route names OUs). */
  organizationalUnit?: string;
}

export const DEFAULT_ROUTE_ID = "default";

export function chooseRoute(
  routes: SignalRoute[],
  defaultRoute: DefaultRoute | undefined,
  accountId: string | undefined,
  kind: EventKind,
  severity: SeverityLevel,
  place: RoutePlace = {},
): RouteChoice {
  for (const [i, r] of routes.entries()) {
    if (r.accounts && (accountId === undefined || !r.accounts.includes(accountId))) continue;
    if (r.kinds && !r.kinds.includes(kind)) continue;
    if (r.owners && (place.owner === undefined || !r.owners.includes(place.owner))) continue;
    const ou = r.organizationalUnits
      ? place.organizationalUnits?.find((p) => r.organizationalUnits!.includes(p))
      : undefined;
    if (r.organizationalUnits && ou === undefined) continue;
    if (r.minSeverity && !atLeast(severity, r.minSeverity)) continue;
    return {
      route: String(i),
      webhook: r.webhook,
      email: r.email === true,
      ...(r.owners ? { owner: place.owner } : {}),
      ...(ou !== undefined ? { organizationalUnit: ou } : {}),
    };
  }
  const min = defaultRoute?.minSeverity;
  return {
    route: DEFAULT_ROUTE_ID,
    webhook: "default",
    email: defaultRoute?.email === true,
    ...(min && !atLeast(severity, min) ? { below: min } : {}),
  };
}

/** Whether any route needs the resource's owner looked up (or its account's organizational units). */
export function routesUse(routes: SignalRoute[], what: "owners" | "organizationalUnits"): boolean {
  return routes.some((r) => r[what] !== undefined);
}
