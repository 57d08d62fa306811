// The contracts between the notifier's steps. One invocation flows through them in this order:
//
//   parse     event -> RawRecord[]           (steps/parse.ts: unwrap SNS / SQS / EventBridge)
//   classify  RawRecord -> Classified        (steps/classify.ts: the finding, findingOfRecord, and
//                                             the layout its source chooses, layout/index.ts)
//   place     Classified -> Place            (steps/place.ts: the resource's owner and the account's
//                                             OUs, from the event or looked up: place/resolve.ts)
//   route     Classified -> RenderedMessage  (steps/route.ts: severity, then the first route that
//                                             takes it: webhook and email)
//   screen    RenderedMessage[] -> same      (RecordStep list: log problems, mute, de-duplicate;
//                                             each marks what it holds back as skipped, with why)
//   hold      RenderedMessage[] -> same      (steps/hold.ts, grouping on: what can wait goes to the
//                                             digest queue; a digest run reads it back and posts it)
//   plan      RenderedMessage[] -> PostUnit[] (steps/plan.ts: single messages, or digests for a burst)
//   email     RenderedMessage[] -> same      (steps/email.ts: the plain-text version to the email topic)
//   post      PostUnit -> outcomes           (steps/post.ts: Slack webhook, within the time left)
//   report    outcomes -> response           (steps/report.ts: batchItemFailures, or throw to retry)
//
// parse, classify and route are pure (`renderMessages` runs just those, with the place the event
// itself tells, for `npm run render`).
import type { Deadline } from "../shared/deadline";
import type { EventKind } from "./kinds";
import type { Severity, SlackMessage } from "./slack";
import type { Finding } from "../findings/model";
import type { EventFacts } from "./findingFacts";
import type { SeverityLevel } from "./severity";
import type { IncidentSignal } from "./incidents/signal";

/** What the handler uses of the Lambda context. */
export interface InvocationContext {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}

/** One invocation, as every step after parsing sees it. */
export interface Invocation {
  requestId: string;
  /** An SQS event source: failed records go back through batchItemFailures instead of a throw. */
  sqs: boolean;
  context?: InvocationContext;
  /** Bounds every AWS call of the invocation, leaving time to report (handlers/shared/deadline.ts). */
  deadline: Deadline;
}

/** Slack app mode's thread facts of a record (threads.ts). */
export interface ThreadFacts {
  /** This record is an alert: remember where it is posted under this key. */
  alertKey?: string;
  /** This record follows an alert: reply in its thread, then set its header to `header`. */
  follows?: {
    alertKey: string;
    header?: string;
    severity?: Severity;
    /** When the report was made (epoch ms): a fresh report may reach us before its alert is posted. */
    reportedAt?: number;
  };
}

/** One record after classify and route: its message, kind, account and webhook. */
export interface RenderedMessage {
  /** SNS/SQS message id, EventBridge id, or position in the batch. */
  recordId: string;
  /** The event's own id (CloudTrail eventID, EventBridge id, ...), when known. */
  eventId?: string;
  kind: EventKind;
  accountId?: string;
  /** Webhook name chosen by the routes. */
  webhook: string;
  /** What the record says (absent when a source skips it): severity, mutes and buttons read it. */
  finding?: Finding;
  /** The Slack message; absent when the record is skipped. */
  message?: SlackMessage;
  /** Why the record is not posted (routine Config delivery notices, or a screening step's reason). */
  skipped?: string;
  /** Missing or mistyped fields, and unreadable records: logged as errors by the handler. */
  problems: string[];
  /** Severity (severity.ts), the route's id ("0", "1", ... or "default") and whether it emails. */
  severity?: SeverityLevel;
  route?: string;
  email?: boolean;
  /** What mute rules and de-duplication decide on. */
  facts?: EventFacts;
  dedupeKey?: string;
  /** An unreadable record as received (JSON): logged, size-bounded, under its event id. */
  raw?: string;
  /** Slack app mode: the alert this record is (to remember), or the alert it follows (to reply to). */
  thread?: ThreadFacts;
  /** What the event says about a resource's security state: it joins that resource's incident. */
  signal?: IncidentSignal;
  /** The mute rule that silenced it: its signal still joins its incident (recorded, not posted). */
  muted?: string;
  /** Shown as a digest line: the incident it joined and how ("incident `ID` resolved"), as mrkdwn. */
  incident?: string;
}

/**
 * A screening step between routing and planning. It returns the records it was given (same order,
 * none dropped), each possibly annotated or marked `skipped` with a reason: skipped records are
 * logged and counted, never silently lost.
 */
export type RecordStep = (
  records: RenderedMessage[],
  invocation: Invocation,
) => RenderedMessage[] | Promise<RenderedMessage[]>;

/** One Slack post: a single event's message, or one part of a digest. */
export interface PostUnit {
  webhook: string;
  message: SlackMessage;
  records: RenderedMessage[];
  digest?: { part: number; parts: number };
}
