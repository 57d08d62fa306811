// The deployment topology as a Mermaid flowchart for the plan report (GitHub renders ```mermaid
// blocks in job summaries and comments): the hub with its functions, each spoke account with its
// regions, and the flows between them. Flowchart syntax: https://mermaid.js.org/syntax/flowchart.html
import type { StackConfig } from "../stacks/configSchema";

export interface TopologyStack {
  stack: string;
  config: StackConfig;
}

/** What the diagram's unlabelled edges from spoke regions carry, for a line under it. */
export const TOPOLOGY_LEGEND =
  "Each spoke region forwards security-group API calls, AWS Config compliance changes and CloudWatch alarm " +
  "state changes to the hub's event bus; us-east-1 also forwards IAM API calls. The hub's remediator and " +
  "chat-ops act in spoke accounts by assuming the spoke's roles.";

/** Spokes drawn one by one; beyond this the rest are summarized in one node (GitHub renders big graphs poorly). */
export const MAX_DRAWN_SPOKES = 8;

/** A Mermaid node id: letters, digits and underscores only. */
export function nodeId(...parts: string[]): string {
  return parts.join("_").replace(/[^A-Za-z0-9_]/g, "_");
}

/** A quoted Mermaid label: quotes and angle brackets as entity codes (Mermaid's own escape). */
export function label(text: string): string {
  return `"${text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;")}"`;
}

function accountText(config: StackConfig): string {
  return config.accountName ? `${config.accountName} ${config.accountId}` : config.accountId;
}

/**
 * The Mermaid source (without the ``` fence). Left to right: spokes, the hub, Slack. Every edge runs
 * that way (the hub assuming spoke roles is an undirected dotted line from the spoke's roles), so
 * the layout ranks spokes, hub and Slack in columns instead of crossing back and forth.
 */
export function topologyDiagram(stacks: TopologyStack[]): string {
  const hubs = stacks.filter((s) => s.config.role === "hub");
  const spokes = stacks.filter((s) => s.config.role === "spoke");
  const lines = ["flowchart LR"];
  const hubOf = (ref: string) =>
    hubs.find((h) => h.stack === ref.split("/").pop()) ?? (hubs.length === 1 ? hubs[0] : undefined);

  const drawn = spokes.slice(0, MAX_DRAWN_SPOKES);
  for (const { stack, config } of drawn) {
    if (config.role !== "spoke") continue;
    lines.push(`  subgraph ${nodeId(stack)}[${label(`${stack}: ${accountText(config)}`)}]`);
    for (const region of config.regions) lines.push(`    ${nodeId(stack, region)}[${label(region)}]`);
    lines.push(`    ${nodeId(stack, "roles")}{{${label("roles the hub assumes")}}}`);
    lines.push("  end");
  }
  const rest = spokes.length - drawn.length;
  if (rest > 0) {
    const regions = new Set(spokes.slice(MAX_DRAWN_SPOKES).flatMap((s) => s.config.regions));
    lines.push(`  more_spokes[${label(`${rest} more spokes, ${regions.size} regions`)}]`);
  }

  for (const { stack, config } of hubs) {
    if (config.role !== "hub") continue;
    const id = (n: string) => nodeId(stack, n);
    lines.push(
      `  subgraph ${nodeId(stack)}[${label(`${stack}: ${accountText(config)}, ${config.regions.join(", ")}`)}]`,
    );
    lines.push(`    ${id("bus")}[[${label("event bus")}]]`);
    lines.push(`    ${id("notifier")}[${label("notifier")}]`);
    if (config.remediation.enabled) lines.push(`    ${id("remediator")}[${label("SSH remediator")}]`);
    if (config.chatops.enabled)
      lines.push(`    ${id("chatops")}[${label(`chat-ops ${config.chatops.commandName}`)}]`);
    lines.push(`    ${id("aggregator")}[(${label("Config aggregator")})]`);
    lines.push("  end");
    lines.push(`  ${id("slack")}([${label("Slack channels")}])`);
    lines.push(`  ${id("bus")} --> ${id("notifier")} -- ${label("alerts, digests")} --> ${id("slack")}`);
    if (config.remediation.enabled) {
      lines.push(`  ${id("bus")} -- ${label("restricted-ssh NON_COMPLIANT")} --> ${id("remediator")}`);
      lines.push(`  ${id("remediator")} -- ${label("report")} --> ${id("notifier")}`);
    }
    if (config.chatops.enabled) {
      lines.push(`  ${id("users")}([${label(`Slack ${config.chatops.commandName}`)}])`);
      lines.push(`  ${id("users")} --> ${id("chatops")}`);
      lines.push(`  ${id("chatops")} -- ${label("replies")} --> ${id("slack")}`);
    }
    if (rest > 0) lines.push(`  more_spokes -- ${label("same flows")} --> ${id("bus")}`);
  }

  for (const { stack, config } of drawn) {
    if (config.role !== "spoke") continue;
    const hub = hubOf(config.hubStack);
    if (!hub || hub.config.role !== "hub") continue;
    for (const region of config.regions) {
      // Every region forwards security-group calls, Config compliance and alarms (TOPOLOGY_LEGEND);
      // IAM calls reach EventBridge only in us-east-1 (CloudTrail global service events).
      const edge = region === "us-east-1" ? ` -- ${label("+ IAM")} --> ` : " --> ";
      lines.push(`  ${nodeId(stack, region)}${edge}${nodeId(hub.stack, "bus")}`);
    }
    lines.push(`  ${nodeId(stack)} -. ${label("Config data")} .-> ${nodeId(hub.stack, "aggregator")}`);
    const assumers = [
      hub.config.remediation.enabled ? "remediator" : "",
      hub.config.chatops.enabled ? "chat-ops" : "",
    ].filter(Boolean);
    if (assumers.length > 0)
      lines.push(
        `  ${nodeId(stack, "roles")} -. ${label(`assumed by ${assumers.join(", ")}`)} .- ${nodeId(hub.stack)}`,
      );
  }
  return lines.join("\n");
}
