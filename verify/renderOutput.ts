// What `npm run render` prints for one event file: the Slack message(s) as JSON, or with `email`
// the email(s) as subject and plain-text body; skipped and incomplete records go to stderr. Shared
// by the command and the golden corpus (test/golden), so both say the same thing.
import { DIGEST_DEFAULTS, NotifierSettings, renderMessages } from "../handlers/notifier";
import { renderDigestEmail, renderEmail } from "../handlers/notifier/email";
import { digestEntry } from "../handlers/notifier/digestEntry";

export interface RenderOutput {
  stdout: string;
  stderr: string;
}

/** Throws when the event as a whole cannot be rendered (the command exits 1 with the message). */
export function renderOutput(event: unknown, settings: NotifierSettings, email: boolean): RenderOutput {
  const rendered = renderMessages(event, settings);
  let stderr = "";
  for (const r of rendered) {
    if (r.skipped) stderr += `render: record ${r.recordId} skipped: ${r.skipped}\n`;
    if (r.problems.length) stderr += `render: record ${r.recordId} is incomplete: ${r.problems.join("; ")}\n`;
  }
  const shown = rendered.filter((r) => r.message && r.skipped === undefined);
  if (email) {
    if (shown.length === 0) return { stdout: "[]\n", stderr };
    // More records than the digest threshold are one digest email, as the notifier sends a burst.
    const emails =
      shown.length > (settings.digest?.threshold ?? DIGEST_DEFAULTS.threshold)
        ? [
            renderDigestEmail(
              shown.map((r) => ({ entry: digestEntry(r), message: r.message! })),
              settings,
            ),
          ]
        : shown.map((r) => renderEmail(r.message!, r.severity ?? "medium"));
    return { stdout: emails.map((e) => `Subject: ${e.subject}\n\n${e.body}`).join("\n"), stderr };
  }
  const messages = shown.map((r) => r.message!);
  return { stdout: JSON.stringify(messages.length === 1 ? messages[0] : messages, null, 2) + "\n", stderr };
}
