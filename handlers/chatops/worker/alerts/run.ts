// One click on an alert's button, as named steps: authorize (validate the button's reference, the
// user and their access) -> assume, as the user, the role in the alert's account (Revert, Exempt)
// or the hub's alert-actions role (Mute, Acknowledge) -> act
// -> update the alert through response_url -> report to the hub's bus -> one log line. Every path
// answers the user: a refusal changes nothing and is shown to the clicking user only.
import { Deadline, RunCall } from "../../../shared/deadline";
import { errorCode, errorText } from "../../../shared/errors";
import { isDeadlineExceeded } from "../../../shared/deadline";
import { log } from "../../../shared/log";
import { AlertActionMessage } from "../../shared/interaction";
import { assumeRole, TempCredentials } from "../aws";
import { escapeSlack } from "../format";
import { FetchLike, PostLedger } from "../responder";
import { WorkerSettings } from "../settings";
import { ACTION_LABELS, authorizeClick } from "./authorize";
import { ActionContext, ActionResult } from "./context";
import { exemptGroup } from "./exempt";
import { assumeForAlert } from "./hubSession";
import { MUTE_HOURS, muteSimilar } from "./mute";
import { writeBackToSecurityHub } from "./securityHub";
import { reportAction } from "./report";
import { revertChange } from "./revert";
import { ThreadReplier, ThreadReplyOutcome } from "./thread";
import { resolveAlert } from "./resolve";
import { AlertRecords } from "../../../shared/alertRecords";
import { ephemeralNote, outcomeBelow, updatedAlert } from "./update";
import { Confirmations, confirmedReason, secondPerson } from "./confirm";
import { IncidentMarker, IncidentMarkOutcome } from "./incident";

export interface AlertRunDeps {
  settings: WorkerSettings;
  stsRegion: string;
  now: () => number;
  fetch: FetchLike;
  ledger: PostLedger;
  maxPosts: number;
  postTimeoutMs: number;
  /** The alert records the notifier writes: what each alert's buttons may act on. */
  records?: AlertRecords;
  /** Slack app mode: replies the outcome in the alert's thread. */
  threads?: ThreadReplier;
  /** Pending requests for a second person (production accounts). */
  confirmations?: Confirmations;
  /** The notifier's incidents: Mute and Acknowledge set the alert's incident's state. */
  incidents?: IncidentMarker;
}

export interface AlertRunResult {
  outcome: ActionResult["outcome"];
  delivered: boolean;
}

const EMOJI: Record<string, string> = {
  ok: ":white_check_mark:",
  "dry-run": ":test_tube:",
  "not-applicable": ":information_source:",
  "not-found": ":information_source:",
  pending: ":hourglass_flowing_sand:",
};

function utc(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, " UTC");
}

async function post(
  deps: AlertRunDeps,
  url: string,
  body: Record<string, unknown>,
): Promise<string | undefined> {
  const entry = deps.ledger.entries.get(url) ?? { count: 0, firstAt: deps.now() };
  if (entry.count >= deps.maxPosts) return `response_url post limit (${deps.maxPosts}) reached`;
  entry.count += 1;
  deps.ledger.entries.set(url, entry);
  try {
    const res = await deps.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(deps.postTimeoutMs),
    });
    if (!res.ok) {
      const text = (await res.text().catch(() => "")).slice(0, 200);
      return `response_url post failed: HTTP ${res.status}${text ? `: ${text}` : ""}`;
    }
    return undefined;
  } catch (err) {
    return `response_url post failed: ${errorText(err)}`;
  }
}

async function act(
  deps: AlertRunDeps,
  msg: AlertActionMessage,
  ctx: Omit<ActionContext, "credentials">,
  roleArn: string,
  call: RunCall,
  fields: Record<string, unknown>,
): Promise<ActionResult> {
  const label = ACTION_LABELS[msg.action];
  const where = `${ctx.accountLabel} ${ctx.ref.region}`;
  if (msg.action === "acknowledge" || msg.action === "mute") {
    // The hub's record of the decision: an AssumeRole as the Slack user, tagged with action and alert.
    const hubRole = ctx.settings.actionsRoleArn;
    fields.roleArn = hubRole;
    const session = await assumeForAlert(
      hubRole,
      msg.action,
      ctx.ref,
      msg.userId,
      deps.stsRegion,
      call,
      fields,
    );
    if (!session.ok) return session.result;
    // A Security Hub finding's workflow status follows the decision (the record names the finding).
    const writeBack = (why: string) =>
      writeBackToSecurityHub({
        action: msg.action as "acknowledge" | "mute",
        ref: ctx.ref,
        credentials: session.credentials,
        userId: msg.userId,
        userName: msg.userName,
        why,
        call,
        logFields: fields,
      });
    if (msg.action === "acknowledge")
      return {
        outcome: "ok",
        text: `Acknowledged by <@${escapeSlack(msg.userId)}> at ${utc(deps.now())}.${await writeBack("acknowledged")}`,
        done: true,
      };
    try {
      const muted = await muteSimilar({ ...ctx, credentials: session.credentials });
      if (muted.outcome !== "ok") return muted;
      const why = msg.reason?.trim() || `muted for ${MUTE_HOURS} h`;
      return { ...muted, text: `${muted.text}${await writeBack(why)}` };
    } catch (err) {
      return failed(err, label, where, fields);
    }
  }
  try {
    // Changes in the spoke run as the user: the session's source identity is slack-<user id>.
    const credentials: TempCredentials = await assumeRole(roleArn, msg.userId, deps.stsRegion, call);
    const withCreds = { ...ctx, credentials };
    return msg.action === "revert" ? await revertChange(withCreds) : await exemptGroup(withCreds);
  } catch (err) {
    return failed(err, label, where, fields);
  }
}

function failed(err: unknown, label: string, where: string, fields: Record<string, unknown>): ActionResult {
  fields.error = errorText(err);
  if (isDeadlineExceeded(err))
    return {
      outcome: "unanswered",
      text: `Sorry, ${label} stopped in ${where}: ${(err as Error).message}.`,
    };
  return {
    outcome: "aws-error",
    text: `Sorry, ${label} failed in ${where}: ${errorCode(err) ?? "Error"}. Nothing more was changed; please try again later.`,
  };
}

export async function runAlertAction(
  deps: AlertRunDeps,
  msg: AlertActionMessage,
  logBase: Record<string, unknown>,
  call: RunCall,
  deadline: Deadline,
): Promise<AlertRunResult> {
  const started = deps.now();
  const fields: Record<string, unknown> = { ...logBase, action: msg.action };
  const resolved = await resolveAlert(deps.records, msg, call, fields);
  const authorized = resolved.ok ? authorizeClick(deps.settings, msg, resolved.value.ref, fields) : resolved;
  let result: ActionResult;
  // Production: the first authorised click only records the request; a second person's runs it.
  const gate =
    authorized.ok && authorized.value.needsSecondPerson
      ? await secondPerson(deps.confirmations, msg, authorized.value.ref, deps.now, call, fields)
      : undefined;
  if (!authorized.ok) {
    result = authorized.result;
  } else if (gate && !gate.proceed) {
    result = gate.result;
  } else {
    const { ref, user, roleArn, accountLabel } = authorized.value;
    result = await act(
      deps,
      msg,
      {
        ref,
        user,
        userId: msg.userId,
        userName: msg.userName,
        call,
        accountLabel,
        settings: deps.settings.alertActions!,
        now: deps.now,
        // A confirmed Exempt applies the reason its requester gave.
        reason: gate?.proceed ? confirmedReason(gate.request, msg) : msg.reason,
        ...(msg.expiryDays !== undefined ? { expiryDays: msg.expiryDays } : {}),
        modalSkipped: msg.modalSkipped,
      },
      roleArn,
      call,
      fields,
    );
    if (gate?.proceed) result = { ...result, text: `${result.text}${gate.note}` };
  }

  // The alert's incident (named by its record) is muted or acknowledged too; its card says so.
  let incident: IncidentMarkOutcome | undefined;
  const incidentKey = resolved.ok ? resolved.value.incidentKey : undefined;
  if (
    deps.incidents &&
    incidentKey &&
    result.outcome === "ok" &&
    (msg.action === "mute" || msg.action === "acknowledge")
  ) {
    const who = msg.userName ? `${msg.userName} (${msg.userId})` : msg.userId;
    incident = await deps.incidents.mark(
      incidentKey,
      msg.action === "mute" ? "muted" : "acknowledged",
      who,
      deadline,
      call,
      fields,
    );
    if (incident.startsWith("failed") || incident.startsWith("set, card not updated"))
      log("error", "chatops alert action: incident state not fully shown", { ...fields, problem: incident });
  }

  // The alert shows what happened to everyone in the channel; refusals and failures only the user sees.
  const shared = authorized.ok && !["aws-error", "unanswered", "denied"].includes(result.outcome);
  const muteHours = authorized.ok ? authorized.value.ref.muteHours : undefined;
  const label = msg.action === "mute" && muteHours ? `Mute ${muteHours} h` : ACTION_LABELS[msg.action];
  const by = msg.action === "acknowledge" ? "" : ` (${label} by <@${escapeSlack(msg.userId)}>)`;
  const line = `${EMOJI[result.outcome] ?? ":warning:"} ${result.text}${result.outcome === "ok" ? by : ""}`;
  // The alert is rebuilt from the notifier's copy in its record, never from Slack's copy of the click
  // (which a crafted message could change and which made the SNS message as large as the alert):
  // updated in place, the alert stays one message whose buttons say what is still to do. Without a
  // copy (too large to keep, or recorded before copies were kept) the outcome is still shown to the
  // channel, below the alert, which stays as it was (its done button too).
  const copy = resolved.ok ? resolved.value.message : undefined;
  const replacement = shared ? updatedAlert(copy, line, result.done ? msg.action : undefined) : undefined;
  const body = replacement ?? (shared ? outcomeBelow(line) : ephemeralNote(result.text));
  const problem = await post(deps, msg.responseUrl, body);

  // App mode: the outcome also in the alert's thread, for the channel's record (refusals stay private).
  let threadReply: ThreadReplyOutcome | undefined;
  if (shared && deps.threads && authorized.ok) {
    threadReply = await deps.threads.reply(authorized.value.ref, line, deadline, call, fields);
    if (threadReply.startsWith("failed"))
      log("error", "chatops alert action: thread reply not posted", { ...fields, problem: threadReply });
  }

  const bus = deps.settings.alertActions?.reportBus;
  let reported = false;
  if (bus) {
    try {
      await reportAction(
        bus,
        {
          action: msg.action,
          outcome: result.outcome,
          userId: msg.userId,
          ...(msg.userName ? { userName: msg.userName } : {}),
          accountId: fields.account as string | undefined,
          region: fields.region as string | undefined,
          groupId: fields.groupId as string | undefined,
          resource: fields.resource as string | undefined,
          ...(authorized.ok
            ? { eventName: authorized.value.ref.eventName, alertEventId: authorized.value.ref.eventId }
            : {}),
          text: result.text,
        },
        call,
      );
      reported = true;
    } catch (err) {
      log("error", "chatops alert action: report to the bus failed", { ...fields, error: errorText(err) });
    }
  }
  const level = ["aws-error", "unanswered"].includes(result.outcome)
    ? "error"
    : result.outcome === "ok"
      ? "info"
      : "warn";
  log(level, "chatops alert action", {
    ...fields,
    outcome: result.outcome,
    delivered: problem === undefined,
    ...(problem ? { problem } : {}),
    reported,
    updated: replacement !== undefined,
    ...(threadReply ? { threadReply } : {}),
    ...(incident ? { incidentState: incident } : {}),
    durationMs: deps.now() - started,
    ...(result.outcome === "ok" ? {} : { reply: result.text }),
  });
  return { outcome: result.outcome, delivered: problem === undefined };
}
