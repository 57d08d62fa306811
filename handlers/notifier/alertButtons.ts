// The action buttons of an alert, shown when the hub serves Slack interactions (chat-ops enabled):
// Revert, Exempt, Mute 24 h and Acknowledge on security-group alerts (the CloudTrail formatter adds
// them), Mute 24 h and Acknowledge on every other single-event alert (added after routing, from
// the facts the mute rules match on). Remediation reports and digests get none. Each button's
// value is the alert's reference (handlers/shared/alertActions.ts); the chat-ops functions act on
// a click.
import { DEFAULT_WORLD_PREFIXES, WorldPrefixes, isWorldCidr } from "../shared/world";
import type { ActionsBlock, Button, KnownBlock } from "@slack/types";
import {
  ALERT_ACTIONS,
  AlertRef,
  MAX_BUTTON_VALUE_CHARS,
  WorldPermission,
  encodeAlertRef,
  isEventId,
  parseAlertRef,
} from "../shared/alertActions";
import type { EventFacts } from "./facts";
import { Json, at, isObject, newProblems, items, num, str } from "./read";
import { LIMITS, SlackMessage } from "./slack";

const PROTOCOL_NAMES: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

function protocolOf(v: unknown): string | undefined {
  const p = typeof v === "number" ? String(v) : typeof v === "string" ? v.toLowerCase() : undefined;
  if (p === undefined) return undefined;
  if (Object.prototype.hasOwnProperty.call(PROTOCOL_NAMES, p)) return PROTOCOL_NAMES[p];
  return p === "all" ? "-1" : p;
}

/**
 * The world-open ingress permissions an AuthorizeSecurityGroupIngress call added, one per world
 * CIDR, from CloudTrail's request parameters (the `ipPermissions.items` form, and the flat
 * cidrIp/ipProtocol/fromPort/toPort form). Other calls add none that Revert can take back.
 */
export function worldPermissionsAdded(
  eventName: string,
  params: Json | undefined,
  limits: WorldPrefixes = DEFAULT_WORLD_PREFIXES,
): WorldPermission[] {
  if (eventName !== "AuthorizeSecurityGroupIngress" || !params) return [];
  const problems = newProblems();
  const out: WorldPermission[] = [];
  const add = (perm: unknown, cidr: string | undefined) => {
    if (cidr === undefined || !isWorldCidr(cidr, limits)) return;
    const protocol = protocolOf(at(perm, "ipProtocol"));
    if (!protocol) return;
    out.push({
      protocol,
      fromPort: num(perm, "fromPort", problems),
      toPort: num(perm, "toPort", problems),
      cidr,
    });
  };
  add(params, str(params, "cidrIp", problems));
  for (const perm of items(params, "ipPermissions", problems)) {
    if (!isObject(perm)) continue;
    for (const r of items(perm, "ipRanges", problems)) add(perm, str(r, "cidrIp", problems));
    for (const r of items(perm, "ipv6Ranges", problems)) add(perm, str(r, "cidrIpv6", problems));
  }
  return out;
}

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
export function alertButtons(ref: AlertRef): ActionsBlock | undefined {
  let value = encodeAlertRef(ref);
  let revertable = ref.permissions.length > 0;
  if (value.length > MAX_BUTTON_VALUE_CHARS) {
    value = encodeAlertRef({ ...ref, permissions: [] });
    revertable = false;
  }
  // What the worker would refuse (a group named by name, an odd event id) gets no buttons.
  if (!parseAlertRef(value).ok) return undefined;
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
  elements.push(button("mute", "Mute 24 h", value), button("acknowledge", "Acknowledge", value));
  return { type: "actions", block_id: ALERT_ACTIONS_BLOCK_ID, elements };
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
