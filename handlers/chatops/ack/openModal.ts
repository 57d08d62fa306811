// Exempt asks for a reason: the ack opens the dialog itself with views.open, because the click's
// trigger_id is valid for 3 s only (https://api.slack.com/interactivity/handling#modal_responses).
// views.open needs the bot token and no scope (https://api.slack.com/methods/views.open). When
// there is no token (webhook-only installs) or Slack does not open the dialog, the click goes on
// to the worker as before, with the default reason and the reason the dialog was not shown.
import type { ExemptionDays } from "../../shared/alertActions";
import { ENV } from "../../shared/constants";
import { Deadline, deadlineFrom } from "../../shared/deadline";
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import { parseAlertPointer } from "../../shared/alertRecords";
import { botTokenSource, slackApiBase } from "../../shared/slackBotToken";
import { callSlackApi, isSlackApiError } from "../../shared/slackWebApi";
import { encodeDialogState, exemptModalView } from "./exemptModal";
import { ClickForm } from "./interaction";

/** Kept back from the request's deadline for the fallback (publishing the click) if the dialog fails. */
export const FALLBACK_RESERVE_MS = 700;

export interface ModalOpener {
  /** Slack user ids with operator access: only they get the dialog (others are refused by the worker). */
  operators: readonly string[];
  /** Exempt's expiry in days: offered, and the longest allowed. */
  days?: ExemptionDays;
  env: NodeJS.ProcessEnv;
  token: { load(deadline: Deadline): Promise<string> };
}

export function modalOpener(
  operators: readonly string[] | undefined,
  env: NodeJS.ProcessEnv,
  days?: ExemptionDays,
): ModalOpener {
  return { operators: operators ?? [], ...(days ? { days } : {}), env, token: botTokenSource(env) };
}

/**
 * "opened": the dialog is shown and nothing is queued until it is submitted. "not-for-user": the
 * click goes on unchanged (the worker gives its refusal). Otherwise why no dialog was shown.
 */
export type ModalOutcome = { kind: "opened" } | { kind: "not-for-user" } | { kind: "skipped"; why: string };

export async function openExemptModal(
  opener: ModalOpener,
  click: ClickForm,
  deadline: Deadline,
): Promise<ModalOutcome> {
  const msg = click.message;
  const fields = click.logFields;
  if (!opener.operators.includes(msg.userId)) return { kind: "not-for-user" };
  // The value only points at the alert's record, which the worker reads: a bad pointer is refused
  // there, with the same words as any other click.
  if (!parseAlertPointer(msg.value).ok) return { kind: "not-for-user" };
  const env = opener.env;
  if (!env[ENV.slackBotTokenCiphertext] && !env[ENV.slackBotTokenPlain])
    return {
      kind: "skipped",
      why: "the hub has no Slack bot token (webhook-only setup), so no reason dialog can be opened",
    };
  if (!click.triggerId) return { kind: "skipped", why: "the click carried no trigger_id" };
  const encoded = encodeDialogState({
    value: msg.value,
    responseUrl: msg.responseUrl,
    ...(msg.channelId ? { channelId: msg.channelId } : {}),
    ...(click.messageTs ? { messageTs: click.messageTs } : {}),
  });
  if (!encoded.ok) return { kind: "skipped", why: encoded.error };
  // The dialog's own budget ends early enough for the fallback to still be queued in time.
  const own = deadlineFrom(undefined, 0, deadline.remainingMs() - FALLBACK_RESERVE_MS);
  try {
    const token = await opener.token.load(own);
    const baseUrl = slackApiBase(env);
    await own.run("Slack views.open", () =>
      callSlackApi(
        "views.open",
        token,
        { trigger_id: click.triggerId, view: JSON.stringify(exemptModalView(encoded.metadata, opener.days)) },
        // One attempt: the trigger expires 3 s after the click, and a retry could open it twice.
        {
          baseUrl,
          maxAttempts: 1,
          baseDelayMs: 0,
          timeoutMs: Math.max(1, own.remainingMs()),
          maxRetryAfterSeconds: 0,
        },
        fields,
      ),
    );
    log("info", "chatops ack: exempt reason dialog opened", { ...fields, outcome: "dialog" });
    return { kind: "opened" };
  } catch (err) {
    log("error", "chatops ack: exempt reason dialog not opened", { ...fields, error: errorText(err) });
    const answer =
      isSlackApiError(err) && err.slackError ? `views.open answered ${err.slackError}` : errorText(err);
    return { kind: "skipped", why: `Slack did not open the reason dialog (${answer})` };
  }
}
