// Second person in production: in an account marked production, Revert and Exempt (as configured)
// are held for a second authorised person. The first authorised click changes nothing in AWS: it
// records a pending request (one DynamoDB item per alert record and action, expiring after
// confirmMinutes) and the alert shows who is waiting. A click by a different user, authorised for
// the same action in their channel and for the account, claims the request and the action runs
// once; the requester's own second click is refused. Both steps are conditional writes, so of two
// concurrent clicks exactly one is "first" and exactly one confirms
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html).
// TTL removes items lazily, so the conditions compare the stored expiry with the clock too.
import {
  AttributeValue,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { AlertRef } from "../../../shared/alertActions";
import { alertRecordId } from "../../../shared/alertRecords";
import { conditionalWrite } from "../../../shared/conditionalWrite";
import { isDeadlineExceeded, RunCall } from "../../../shared/deadline";
import { errorCode, errorText } from "../../../shared/errors";
import { AlertActionMessage } from "../../shared/interaction";
import { escapeSlack } from "../format";
import { ACTION_LABELS } from "./authorize";
import { ActionResult } from "./context";

export const CONFIRM_KEY_ATTRIBUTE = "id";
export const CONFIRM_TTL_ATTRIBUTE = "expiresAt";
export const DEFAULT_CONFIRM_MINUTES = 15;

export interface PendingRequest {
  /** Slack user id of the first person. */
  requestedBy: string;
  requestedByName?: string;
  /** Epoch milliseconds. */
  requestedAt: number;
  /** Epoch milliseconds; the TTL attribute holds it in seconds. */
  expiresAt: number;
  /** Exempt: the reason the first person typed (it is the one applied). */
  reason?: string;
}

export type ConfirmStep =
  /** This click recorded the request (`expired`: an earlier one had lapsed and was replaced). */
  | { kind: "requested"; request: PendingRequest; expired?: PendingRequest }
  /** The requester clicked again. */
  | { kind: "same-user"; request: PendingRequest }
  /** This click confirmed another person's request: run the action now, once. */
  | { kind: "confirmed"; request: PendingRequest }
  /** Another click confirmed (or the request lapsed) between this click's read and its claim. */
  | { kind: "taken"; request: PendingRequest };

export interface Confirmations {
  /** Records the request, or claims another person's live one; never both. */
  step(
    key: string,
    who: { userId: string; userName?: string; reason?: string },
    call: RunCall,
  ): Promise<ConfirmStep>;
}

const str = (v: string | undefined): AttributeValue | undefined => (v ? { S: v } : undefined);

function parse(item: Record<string, AttributeValue> | undefined): PendingRequest | undefined {
  if (!item?.requestedBy?.S) return undefined;
  const expiresAt = Number(item.expiresAtMs?.N);
  const requestedAt = Number(item.requestedAt?.N);
  if (!Number.isFinite(expiresAt) || !Number.isFinite(requestedAt)) return undefined;
  return {
    requestedBy: item.requestedBy.S,
    ...(item.requestedByName?.S ? { requestedByName: item.requestedByName.S } : {}),
    requestedAt,
    expiresAt,
    ...(item.reason?.S ? { reason: item.reason.S } : {}),
  };
}

export function createConfirmations(options: {
  tableName: string;
  minutes: number;
  now: () => number;
  client?: DynamoDBClient;
}): Confirmations {
  const state: { client?: DynamoDBClient } = { client: options.client };
  const client = (): DynamoDBClient => (state.client ??= new DynamoDBClient({ maxAttempts: 2 }));
  const TableName = options.tableName;

  const read = async (key: string, call: RunCall): Promise<PendingRequest | undefined> => {
    const out = await call("DynamoDB GetItem", (abortSignal) =>
      client().send(
        new GetItemCommand({ TableName, Key: { [CONFIRM_KEY_ATTRIBUTE]: { S: key } }, ConsistentRead: true }),
        { abortSignal },
      ),
    );
    return parse(out.Item);
  };

  /** Writes the request unless a live one exists; false when another click got there first. */
  const request = async (key: string, req: PendingRequest, call: RunCall): Promise<boolean> => {
    const item: Record<string, AttributeValue> = {
      [CONFIRM_KEY_ATTRIBUTE]: { S: key },
      [CONFIRM_TTL_ATTRIBUTE]: { N: String(Math.ceil(req.expiresAt / 1000)) },
      expiresAtMs: { N: String(req.expiresAt) },
      requestedAt: { N: String(req.requestedAt) },
      requestedBy: { S: req.requestedBy },
    };
    for (const [k, v] of [
      ["requestedByName", str(req.requestedByName)],
      ["reason", str(req.reason)],
    ] as const)
      if (v) item[k] = v;
    return conditionalWrite(() =>
      call("DynamoDB PutItem", (abortSignal) =>
        client().send(
          new PutItemCommand({
            TableName,
            Item: item,
            ConditionExpression: "attribute_not_exists(#id) OR #exp <= :now",
            ExpressionAttributeNames: { "#id": CONFIRM_KEY_ATTRIBUTE, "#exp": "expiresAtMs" },
            ExpressionAttributeValues: { ":now": { N: String(req.requestedAt) } },
          }),
          { abortSignal },
        ),
      ),
    );
  };

  /** Deletes the request if it is still `req` and live; false when someone else claimed it. */
  const claim = (key: string, req: PendingRequest, now: number, call: RunCall): Promise<boolean> =>
    conditionalWrite(() =>
      call("DynamoDB DeleteItem", (abortSignal) =>
        client().send(
          new DeleteItemCommand({
            TableName,
            Key: { [CONFIRM_KEY_ATTRIBUTE]: { S: key } },
            ConditionExpression: "#by = :by AND #at = :at AND #exp > :now",
            ExpressionAttributeNames: { "#by": "requestedBy", "#at": "requestedAt", "#exp": "expiresAtMs" },
            ExpressionAttributeValues: {
              ":by": { S: req.requestedBy },
              ":at": { N: String(req.requestedAt) },
              ":now": { N: String(now) },
            },
          }),
          { abortSignal },
        ),
      ),
    );

  return {
    async step(key, who, call) {
      // Two rounds at most: a lost race to be first makes this click a confirmer.
      for (let round = 0; ; round++) {
        const now = options.now();
        const found = await read(key, call);
        const live = found && found.expiresAt > now ? found : undefined;
        if (live && live.requestedBy === who.userId) return { kind: "same-user", request: live };
        if (live)
          return (await claim(key, live, now, call))
            ? { kind: "confirmed", request: live }
            : { kind: "taken", request: live };
        const req: PendingRequest = {
          requestedBy: who.userId,
          ...(who.userName ? { requestedByName: who.userName } : {}),
          requestedAt: now,
          expiresAt: now + options.minutes * 60_000,
          ...(who.reason ? { reason: who.reason } : {}),
        };
        if (await request(key, req, call))
          return { kind: "requested", request: req, ...(found ? { expired: found } : {}) };
        if (round >= 1) throw new Error("the confirmation request kept changing under concurrent clicks");
      }
    },
  };
}

/** What the click does next: run the action (confirmed), or stop with what the user sees. */
export type SecondPersonGate =
  { proceed: true; request: PendingRequest; note: string } | { proceed: false; result: ActionResult };

const minutesLeft = (expiresAt: number, now: number): number =>
  Math.max(1, Math.ceil((expiresAt - now) / 60_000));

const named = (id: string, name?: string): string => (name ? `${name} (${id})` : id);

/** A confirmed Exempt's reason: the requester's, else the confirmer's, else one naming both. */
export function confirmedReason(request: PendingRequest, msg: AlertActionMessage): string {
  return (
    request.reason ??
    (msg.reason?.trim() ||
      `exempted from Slack by ${named(request.requestedBy, request.requestedByName)}, confirmed by ${named(msg.userId, msg.userName)}`)
  );
}

/** The second-person step of a production Revert or Exempt click. */
export async function secondPerson(
  confirmations: Confirmations | undefined,
  msg: AlertActionMessage,
  ref: AlertRef,
  now: () => number,
  call: RunCall,
  logFields: Record<string, unknown>,
): Promise<SecondPersonGate> {
  const label = ACTION_LABELS[msg.action];
  if (!confirmations)
    return {
      proceed: false,
      result: {
        outcome: "denied",
        text: `Sorry, ${label} was not run: in this production account it needs a second authorised person, and the hub has no table for pending confirmations. Nothing was changed.`,
      },
    };
  const who = `<@${escapeSlack(msg.userId)}>`;
  let step: ConfirmStep;
  try {
    step = await confirmations.step(
      `${msg.action}:${alertRecordId(ref)}`,
      { userId: msg.userId, userName: msg.userName, reason: msg.reason?.trim() || undefined },
      call,
    );
  } catch (err) {
    logFields.error = errorText(err);
    return {
      proceed: false,
      result: isDeadlineExceeded(err)
        ? {
            outcome: "unanswered",
            text: `Sorry, ${label} stopped: ${(err as Error).message}. Nothing was changed.`,
          }
        : {
            outcome: "aws-error",
            text: `Sorry, ${label} could not record the confirmation (${errorCode(err) ?? "Error"}). Nothing was changed; please try again later.`,
          },
    };
  }
  const first = `<@${escapeSlack(step.request.requestedBy)}>`;
  const left = minutesLeft(step.request.expiresAt, now());
  logFields.confirmation = step.kind;
  logFields.requestedBy = step.request.requestedBy;
  switch (step.kind) {
    case "requested": {
      const lapsed = step.expired
        ? ` (The earlier request by <@${escapeSlack(step.expired.requestedBy)}> expired.)`
        : "";
      const reason = step.request.reason ? ` Reason: ${escapeSlack(step.request.reason)}.` : "";
      return {
        proceed: false,
        result: {
          outcome: "pending",
          text:
            `${label} is waiting for a second authorised person (requested by ${first}, expires in ${left} min): ` +
            `this is a production account. Nothing was changed yet; another person allowed to ${label} here clicks ${label} to confirm.${reason}${lapsed}`,
        },
      };
    }
    case "same-user":
      return {
        proceed: false,
        result: {
          outcome: "denied",
          text: `Sorry, ${label} was not run: you requested it, and in this production account a second authorised person must confirm it, not you (the request expires in ${left} min). Nothing was changed.`,
        },
      };
    case "taken":
      return {
        proceed: false,
        result: {
          outcome: "denied",
          text: `Sorry, ${label} was not run: the request by ${first} was confirmed by someone else just now, or it expired. Nothing was changed.`,
        },
      };
    case "confirmed":
      return {
        proceed: true,
        request: step.request,
        note: ` Requested by ${first}, confirmed by ${who} (second person, production account).`,
      };
  }
}
