// Slack app mode: the outcome of an action also goes into the alert's thread (chat.postMessage
// with thread_ts), when the notifier recorded where the alert was posted (the alert threads
// table, keyed by the alert's account and CloudTrail event id). Webhook-mode alerts have no
// recorded thread: their outcome is shown through response_url only.
import { AlertRef } from "../../../shared/alertActions";
import { alertKey, createAlertThreads, postThreadReply } from "../../../shared/alertThreads";
import { Deadline, RunCall } from "../../../shared/deadline";
import { errorText } from "../../../shared/errors";
import { botTokenSource, slackApiBase } from "../../../notifier/appMode";

export type ThreadReplyOutcome = "posted" | "no-thread" | `failed: ${string}`;

export interface ThreadReplier {
  reply(
    ref: AlertRef,
    text: string,
    deadline: Deadline,
    call: RunCall,
    fields: Record<string, unknown>,
  ): Promise<ThreadReplyOutcome>;
}

export function createThreadReplier(tableName: string, env: NodeJS.ProcessEnv): ThreadReplier {
  const threads = createAlertThreads({ tableName });
  const token = botTokenSource(env);
  return {
    async reply(ref, text, deadline, call, fields) {
      if (!ref.eventId) return "no-thread";
      try {
        const thread = await threads.lookup(alertKey(ref.accountId, ref.eventId), call);
        if (!thread) return "no-thread";
        await postThreadReply(
          await token.load(deadline),
          thread,
          { text },
          {
            baseUrl: slackApiBase(env),
            maxAttempts: 3,
            baseDelayMs: 500,
            timeoutMs: 5000,
            maxRetryAfterSeconds: 10,
            remainingMs: () => deadline.remainingMs(),
          },
          fields,
        );
        return "posted";
      } catch (err) {
        return `failed: ${errorText(err)}`;
      }
    },
  };
}
