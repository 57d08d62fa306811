// Mute and Acknowledge on an alert that belongs to an incident: the incident becomes muted or
// acknowledged (the notifier's incidents table, a conditional write on the version read, so a
// signal joining at the same moment is not lost), and in Slack app mode its card is rewritten in
// place (chat.update) to say so. The incident's key comes from the alert's record, written by the
// notifier, never from the button. Signals that join a muted or acknowledged incident go to its
// thread (app mode) or wait for its next change of state (webhook mode), as for any live incident.
import { Deadline, RunCall } from "../../../shared/deadline";
import { errorText } from "../../../shared/errors";
import { callSlackApi } from "../../../shared/slackWebApi";
import { fitToSlack } from "../../../notifier/blockKit";
import { botTokenSource, slackApiBase } from "../../../notifier/appMode";
import { incidentCard } from "../../../notifier/incidents/card";
import { createIncidentStore, dynamoIncidentRecords } from "../../../notifier/incidents/store";

export type IncidentMarkOutcome =
  "set" | "set, card updated" | "no live incident" | `set, card not updated: ${string}` | `failed: ${string}`;

export interface IncidentMarker {
  mark(
    key: string,
    state: "muted" | "acknowledged",
    by: string,
    deadline: Deadline,
    call: RunCall,
    fields: Record<string, unknown>,
  ): Promise<IncidentMarkOutcome>;
}

export function createIncidentMarker(options: {
  tableName: string;
  windowSeconds: number;
  /** Account id -> name, for the card (as the notifier shows them). */
  accountNames: Record<string, string>;
  /** App mode (a bot token): the card is updated in place. */
  app: boolean;
  env: NodeJS.ProcessEnv;
  now: () => number;
}): IncidentMarker {
  const store = createIncidentStore({
    records: dynamoIncidentRecords({ tableName: options.tableName, updateOnly: true }),
    windowSeconds: options.windowSeconds,
    now: options.now,
  });
  const token = options.app ? botTokenSource(options.env) : undefined;
  return {
    async mark(key, state, by, deadline, call, fields) {
      let incident;
      try {
        incident = await store.setByPerson(key, state, by, call);
      } catch (err) {
        return `failed: ${errorText(err)}`;
      }
      if (!incident) return "no live incident";
      if (!token || !incident.message) return "set";
      try {
        const card = fitToSlack(incidentCard(incident, options.accountNames));
        // chat.update edits in place without a new notification (https://api.slack.com/methods/chat.update).
        await callSlackApi(
          "chat.update",
          await token.load(deadline),
          {
            channel: incident.message.channel,
            ts: incident.message.ts,
            text: card.text,
            attachments: card.attachments,
          },
          {
            baseUrl: slackApiBase(options.env),
            maxAttempts: 3,
            baseDelayMs: 500,
            timeoutMs: 5000,
            maxRetryAfterSeconds: 10,
            remainingMs: () => deadline.remainingMs(),
          },
          fields,
        );
        return "set, card updated";
      } catch (err) {
        return `set, card not updated: ${errorText(err)}`;
      }
    },
  };
}
