// The action buttons of an alert, shown when the hub serves Slack interactions (chat-ops enabled):
// Revert, Exempt, Mute 24 h and Acknowledge on security-group alerts (the CloudTrail formatter adds
// them), Mute 24 h and Acknowledge on every other single-event alert (added after routing, from
// the facts the mute rules match on). Remediation reports and digests get none. Each button's
// value is the alert's reference (handlers/shared/alertActions.ts); the chat-ops functions act on
// a click.
import type { ActionsBlock, Button, KnownBlock } from "@slack/types";
import {
  ALERT_ACTIONS,
  AlertRef,
  MAX_BUTTON_VALUE_CHARS,
  MUTE_HOURS,
  encodeAlertRef,
  isEventId,
  parseAlertRef,
} from "../shared/alertActions";
import type { EventFacts } from "./findingFacts";
import type { WorldPrefixes } from "../shared/world";
import type { SeverityLevel } from "./severityLevels";
import { LIMITS, SlackMessage } from "./slack";

function button(
  action: keyof typeof ALERT_ACTIONS,
  text: string,
  value: string,
  extra: Partial<Button> = {},
): Button {
  return {
    type: "button",
    action_id: ALERT_ACTIONS[action],
    text: { type: "plain_text", text, emoji: false },
    value,
    ...extra,
  };
}

/**
 * Revert and Exempt when the event opened ingress to the world; Mute 24 h and Acknowledge on every
 * security-group alert. A value over Slack's 2,000 characters (an event adding very many rules)
 * drops the permissions and Revert with them: the other actions need only the group.
 */
export function alertButtons(ref: AlertRef, world?: WorldPrefixes): ActionsBlock | undefined {
  let value = encodeAlertRef(ref);
  let revertable = ref.permissions.length > 0;
  if (value.length > MAX_BUTTON_VALUE_CHARS) {
    value = encodeAlertRef({ ...ref, permissions: [] });
    revertable = false;
  }
  // What the worker would refuse (a group named by name, an odd event id) gets no buttons.
  if (!parseAlertRef(value, world).ok) return undefined;
  const elements: Button[] = [];
  if (revertable) {
    elements.push(
      button("revert", "Revert", value, {
        style: "danger",
        confirm: {
          title: { type: "plain_text", text: "Revert this change?" },
          text: {
            type: "plain_text",
            text: `Revokes the world-open ingress this event added to ${ref.groupId}, if it is still there.`,
          },
          confirm: { type: "plain_text", text: "Revert" },
          deny: { type: "plain_text", text: "Cancel" },
        },
      }),
      button("exempt", "Exempt group", value),
    );
  }
  elements.push(muteButton(ref, value, MUTE_HOURS), button("acknowledge", "Acknowledge", value));
  return { type: "actions", block_id: ALERT_ACTIONS_BLOCK_ID, elements };
}

/** Slack's limit for a confirm dialog's text (https://api.slack.com/reference/block-kit/composition-objects#confirm). */
const MAX_CONFIRM_TEXT = 300;

/** What a mute from this alert silences: the fields the mute rule will match on. */
export function muteScope(ref: AlertRef): string {
  const resource = ref.groupId ?? ref.resource;
  return [
    ref.eventName ? `${ref.eventName} alerts` : `${ref.kind} alerts`,
    ...(resource ? [`on ${resource}`] : []),
    `in account ${ref.accountId} ${ref.region}`,
  ].join(" ");
}

/**
 * Mute always asks first, showing what it silences and for how long, so no click mutes more than
 * the user read. The length comes from the alert's record (the worker uses ref.muteHours).
 */
function muteButton(ref: AlertRef, value: string, hours: number, critical = false): Button {
  const text =
    `${critical ? `Critical alert: muted for at most ${hours} h. ` : ""}` +
    `Silences ${muteScope(ref)} for ${hours} h from now. Other alerts still post.`;
  return button("mute", `Mute ${hours} h`, value, {
    confirm: {
      title: { type: "plain_text", text: "Mute alerts like this?" },
      text: { type: "plain_text", text: Array.from(text).slice(0, MAX_CONFIRM_TEXT).join("") },
      confirm: { type: "plain_text", text: `Mute ${hours} h` },
      deny: { type: "plain_text", text: "Cancel" },
    },
  });
}

/**
 * Critical alerts get no 24-hour mute: one click on, say, a root console sign-in would hide every
 * such sign-in of the account and Region for a day. Their Mute lasts `hours` (config
 * chatops.criticalMuteHours), says so in its confirmation, and the length is written into the
 * alert's record (the button's reference), so the worker applies it whatever the click carries.
 * A reason dialog was not chosen: it needs the app's bot token, which webhook installs lack, and
 * a short, confirmed mute bounds the harm of a hasty click on its own.
 */
export function withCriticalMute(
  message: SlackMessage,
  severity: SeverityLevel,
  hours: number,
  world?: WorldPrefixes,
): SlackMessage {
  if (severity !== "critical") return message;
  let changed = false;
  const attachments = message.attachments.map((a) => ({
    ...a,
    blocks: a.blocks.map((b): KnownBlock => {
      if (b.type !== "actions" || b.block_id !== ALERT_ACTIONS_BLOCK_ID) return b as KnownBlock;
      return {
        ...(b as ActionsBlock),
        elements: (b as ActionsBlock).elements.map((e) => {
          if (e.type !== "button" || e.action_id !== ALERT_ACTIONS.mute) return e;
          const parsed = parseAlertRef(e.value, world);
          if (!parsed.ok) return e;
          const ref = { ...parsed.ref, muteHours: hours };
          changed = true;
          return muteButton(ref, encodeAlertRef(ref), hours, true);
        }),
      };
    }),
  }));
  return changed ? { ...message, attachments } : message;
}

/** block_id of the actions block (the worker finds the buttons by it when it updates the alert). */
export const ALERT_ACTIONS_BLOCK_ID = "guard_alert_actions";

/**
 * Mute 24 h and Acknowledge for an alert that is not about a security group, from its facts: the
 * value names the account, region, kind, event name and resource (id, else ARN) the notifier's
 * mute rules match on, and the event's own id when it has a plain one. Undefined when the alert
 * cannot be referenced safely (no account or region, a resource the worker would refuse): then a
 * mute would be broader than "alerts like this one".
 */
export function muteAckButtons(facts: EventFacts, eventId: string | undefined): ActionsBlock | undefined {
  if (!facts.accountId || !facts.region || facts.unreadable) return undefined;
  const resource = facts.resourceId ?? facts.resourceArn;
  const ref: AlertRef = {
    accountId: facts.accountId,
    region: facts.region,
    kind: facts.kind,
    ...(facts.eventName ? { eventName: facts.eventName } : {}),
    // A security-group alert (a failed call, say, that got no buttons of its own) names its group
    // as such; without one the reference is refused below and the alert gets no buttons.
    ...(resource ? (facts.kind === "security-group" ? { groupId: resource } : { resource }) : {}),
    ...(eventId && isEventId(eventId) ? { eventId } : {}),
    permissions: [],
    ...(facts.securityHubFinding ? { securityHubFinding: facts.securityHubFinding } : {}),
    ...(facts.securityHubOcsfUid ? { securityHubOcsfUid: facts.securityHubOcsfUid } : {}),
  };
  // No permissions, so no Revert or Exempt: Mute 24 h and Acknowledge, or nothing when refused.
  return alertButtons(ref);
}

function hasActions(message: SlackMessage): boolean {
  return message.attachments.some((a) => a.blocks.some((b) => b.block_id === ALERT_ACTIONS_BLOCK_ID));
}

/**
 * The message with Mute 24 h and Acknowledge just above its footer (the last block), unless it
 * already has buttons (security-group alerts), is a remediation report, or is at Slack's 50 blocks.
 */
export function withMuteAck(
  message: SlackMessage,
  facts: EventFacts | undefined,
  eventId: string | undefined,
): SlackMessage {
  if (!facts || facts.kind === "remediation" || hasActions(message)) return message;
  const [first, ...rest] = message.attachments;
  if (!first || first.blocks.length >= LIMITS.blocks) return message;
  const actions = muteAckButtons(facts, eventId);
  if (!actions) return message;
  const blocks: KnownBlock[] = [...first.blocks];
  blocks.splice(Math.max(0, blocks.length - 1), 0, actions);
  return { ...message, attachments: [{ ...first, blocks }, ...rest] };
}
