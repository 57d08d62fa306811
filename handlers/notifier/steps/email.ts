// email: the plain-text version of each postable event whose route has email recipients, published
// to the email topic with the route as a message attribute (each recipient's subscription filters
// on it). A route with more than `digest.threshold` events in one invocation gets one digest email,
// like Slack. Sent before the Slack post: a record whose email fails is reported failed and not
// posted, so its retry sends both (a Slack failure after a sent email may send that email twice).
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import { Email, renderDigestEmail, renderEmail } from "../email";
import { EmailPublisher } from "../emailPublish";
import { Invocation, RenderedMessage } from "../pipeline";
import { digestEntry } from "../digestEntry";
import type { NotifierSettings } from "../settings";
import { Outcomes } from "./report";

/** Publishes the emails of `toPost`; returns the records still to post to Slack (the failed ones are reported). */
export async function sendEmails(
  toPost: RenderedMessage[],
  publisher: EmailPublisher | undefined,
  threshold: number,
  inv: Invocation,
  outcomes: Outcomes,
  /** Account names for the digest email's list. */
  settings: Pick<NotifierSettings, "accountNames">,
): Promise<RenderedMessage[]> {
  const byRoute: Record<string, RenderedMessage[]> = Object.create(null);
  for (const r of toPost) if (r.email && r.route !== undefined) (byRoute[r.route] ??= []).push(r);
  const routes = Object.keys(byRoute);
  if (!routes.length) return toPost;
  const failed: RenderedMessage[] = [];
  for (const route of routes) {
    const group = byRoute[route];
    const emails: Array<{ email: Email; records: RenderedMessage[] }> =
      group.length > threshold
        ? [
            {
              email: renderDigestEmail(
                group.map((r) => ({ entry: digestEntry(r), message: r.message! })),
                settings,
              ),
              records: group,
            },
          ]
        : group.map((r) => ({ email: renderEmail(r.message!, r.severity ?? "medium"), records: [r] }));
    for (const { email, records } of emails) {
      const ids = {
        requestId: inv.requestId,
        route,
        recordIds: records.map((r) => r.recordId),
        eventIds: records.map((r) => r.eventId ?? r.recordId),
      };
      try {
        if (!publisher) throw new Error("no email topic is configured (emailTopicArn)");
        const messageId = await publisher.publish(email, route, inv.deadline);
        log("info", records.length > 1 ? "emailed digest" : "emailed", {
          ...ids,
          subject: email.subject,
          messageId,
        });
      } catch (err) {
        log("error", "email publish failed; the record is retried", { ...ids, error: errorText(err) });
        for (const r of records) {
          outcomes.fail(r, `email: ${errorText(err)}`);
          failed.push(r);
        }
      }
    }
  }
  return toPost.filter((r) => !failed.includes(r));
}
