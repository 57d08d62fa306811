// The deployment topology as a Mermaid flowchart for the plan report (GitHub renders ```mermaid
// blocks in job summaries and comments): the hub with its functions, each spoke account with its
// regions, and the flows between them. Flowchart syntax: https://mermaid.js.org/syntax/flowchart.html
import type { StackConfig } from "../stacks/configSchema";

export interface TopologyStack {
  stack: string;
  config: StackConfig;
}

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

/** The Mermaid source (without the ``` fence). */
export function topologyDiagram(stacks: TopologyStack[]): string {
  const hubs = stacks.filter((s) => s.config.role === "hub");
  const spokes = stacks.filter((s) => s.config.role === "spoke");
  const lines = ["flowchart LR"];
  const slack = "slack";
  lines.push(`  ${slack}(["Slack"])`);

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
    lines.push(`  ${id("bus")} --> ${id("notifier")} -- ${label("alerts")} --> ${slack}`);
    if (config.remediation.enabled) {
      lines.push(`  ${id("bus")} -- ${label("restricted-ssh NON_COMPLIANT")} --> ${id("remediator")}`);
      lines.push(`  ${id("remediator")} -- ${label("report")} --> ${id("bus")}`);
    }
    if (config.chatops.enabled)
      lines.push(`  ${slack} -- ${label(config.chatops.commandName)} --> ${id("chatops")}`);
  }

  const hubOf = (ref: string) =>
    hubs.find((h) => h.stack === ref.split("/").pop()) ?? (hubs.length === 1 ? hubs[0] : undefined);
  const drawn = spokes.slice(0, MAX_DRAWN_SPOKES);
  for (const { stack, config } of drawn) {
    if (config.role !== "spoke") continue;
    lines.push(`  subgraph ${nodeId(stack)}[${label(`${stack}: ${accountText(config)}`)}]`);
    for (const region of config.regions) lines.push(`    ${nodeId(stack, region)}[${label(region)}]`);
    lines.push("  end");
    const hub = hubOf(config.hubStack);
    if (!hub || hub.config.role !== "hub") continue;
    for (const region of config.regions) {
      // IAM calls reach EventBridge only in us-east-1 (CloudTrail global service events).
      const what = region === "us-east-1" ? "SG, IAM, Config, alarms" : "SG, Config, alarms";
      lines.push(`  ${nodeId(stack, region)} -- ${label(what)} --> ${nodeId(hub.stack, "bus")}`);
    }
    lines.push(`  ${nodeId(stack)} -. ${label("Config data")} .-> ${nodeId(hub.stack, "aggregator")}`);
    if (hub.config.remediation.enabled)
      lines.push(
        `  ${nodeId(hub.stack, "remediator")} -. ${label("assume role, revoke SSH")} .-> ${nodeId(stack)}`,
      );
    if (hub.config.chatops.enabled)
      lines.push(`  ${nodeId(hub.stack, "chatops")} -. ${label("assume role")} .-> ${nodeId(stack)}`);
  }
  const rest = spokes.length - drawn.length;
  if (rest > 0) {
    const regions = new Set(spokes.slice(MAX_DRAWN_SPOKES).flatMap((s) => s.config.regions));
    lines.push(`  more_spokes[${label(`${rest} more spokes, ${regions.size} regions`)}]`);
    for (const hub of hubs)
      lines.push(`  more_spokes -- ${label("same flows")} --> ${nodeId(hub.stack, "bus")}`);
  }
  return lines.join("\n");
}
