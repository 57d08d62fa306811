// Step 3, assume role: credentials of the chat-ops role in the target account, for this user.
import { isDeadlineExceeded, RunCall } from "../../shared/deadline";
import { errorCode, errorText } from "../../shared/errors";
import { assumeRole, TempCredentials } from "./aws";
import { Authorized } from "./authorize";
import { accountLabel, WorkerSettings } from "./settings";
import { Step, stop } from "./steps";

export async function assumeStep(
  settings: WorkerSettings,
  target: Authorized,
  userId: string,
  stsRegion: string,
  call: RunCall,
  logFields: Record<string, unknown>,
): Promise<Step<TempCredentials>> {
  try {
    return { ok: true, value: await assumeRole(target.roleArn, userId, stsRegion, call) };
  } catch (err) {
    logFields.error = errorText(err);
    if (isDeadlineExceeded(err)) {
      return stop(
        "unanswered",
        `Sorry, nothing was run: I could not assume the ${target.access} role in ${accountLabel(settings, target.account)} ` +
          `because ${(err as Error).message}. Please try again later.`,
      );
    }
    return stop(
      "aws-error",
      `Sorry, I could not assume the ${target.access} role in ${accountLabel(settings, target.account)} ` +
        `(${errorCode(err) ?? "Error"}). Is the chat-ops role deployed in that account?`,
    );
  }
}
