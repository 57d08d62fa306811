// Routes: the first route whose accounts, kinds and minSeverity all admit the event takes it (its
// webhook, and its email recipients when it has any); an event below a route's minSeverity falls
// through to the next route; no route gives the default route, which may have a minSeverity of its
// own (below it the event is not posted, and says why).
import { SeverityLevel, atLeast } from "./severity";
import { EventKind } from "./kinds";

export interface SignalRoute {
  webhook: string;
  accounts?: string[];
  kinds?: EventKind[];
  minSeverity?: SeverityLevel;
  /** The route has email recipients (SNS email subscriptions filtered on this route's id). */
  email?: boolean;
}

export interface DefaultRoute {
  minSeverity?: SeverityLevel;
  email?: boolean;
}

/** Where an event goes: `route` is the id email subscriptions filter on ("0", "1", ... or "default"). */
export interface RouteChoice {
  route: string;
  webhook: string;
  email: boolean;
  /** Set when no route takes the event and the default route's minSeverity is above it. */
  below?: SeverityLevel;
}

export const DEFAULT_ROUTE_ID = "default";

export function chooseRoute(
  routes: SignalRoute[],
  defaultRoute: DefaultRoute | undefined,
  accountId: string | undefined,
  kind: EventKind,
  severity: SeverityLevel,
): RouteChoice {
  for (const [i, r] of routes.entries()) {
    if (r.accounts && (accountId === undefined || !r.accounts.includes(accountId))) continue;
    if (r.kinds && !r.kinds.includes(kind)) continue;
    if (r.minSeverity && !atLeast(severity, r.minSeverity)) continue;
    return { route: String(i), webhook: r.webhook, email: r.email === true };
  }
  const min = defaultRoute?.minSeverity;
  return {
    route: DEFAULT_ROUTE_ID,
    webhook: "default",
    email: defaultRoute?.email === true,
    ...(min && !atLeast(severity, min) ? { below: min } : {}),
  };
}
