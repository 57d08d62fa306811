// `npm run plan -- --markdown`: the report's Mermaid diagram parses with Mermaid's own parser, and
// the tables say what the plan found.
import { strict as assert } from "assert";
import * as path from "path";
import { listStackFiles, validConfigs } from "../../verify/stackFiles";
import type { PlanReport, StackSummary } from "../../verify/plan";
import { cell, planMarkdown } from "../../verify/planMarkdown";
import { MAX_DRAWN_SPOKES, TopologyStack, topologyDiagram } from "../../verify/topologyDiagram";
import { parseMermaid } from "../helpers/mermaid";

const REPO = path.resolve(__dirname, "..", "..");

function repoTopology(): TopologyStack[] {
  const files = listStackFiles(REPO);
  return validConfigs(files).map((config) => ({
    stack: files.find((f) => f.file === config.stackFile)!.stack,
    config,
  }));
}

function summary(stack: string, over: Partial<StackSummary> = {}): StackSummary {
  return {
    stack,
    file: `Pulumi.${stack}.yaml`,
    role: stack === "hub" ? "hub" : "spoke",
    accountId: "111111111111",
    regions: ["us-east-1", "ap-northeast-1"],
    ok: true,
    resourceCount: 3,
    resources: {
      "pulumi:providers:aws": { global: 2 },
      "aws:cfg/rule:Rule": { "us-east-1": 1, "ap-northeast-1": 1 },
    },
    violations: [],
    quotas: [],
    secretsNeeded: [],
    millis: 1,
    ...over,
  };
}

function report(stacks: StackSummary[]): PlanReport {
  const mandatory = stacks.reduce(
    (n, s) => n + s.violations.filter((v) => v.level === "mandatory").length,
    0,
  );
  return {
    generatedAt: "2026-11-29T00:00:00Z",
    stacks,
    crossStackProblems: [],
    muteReport: [],
    totals: { stacks: stacks.length, resources: 6, mandatory, advisory: 0, failedStacks: 0 },
    ok: mandatory === 0,
  };
}

function mermaidBlock(markdown: string): string {
  const m = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  assert.ok(m, "no ```mermaid block");
  return m[1];
}

describe("plan --markdown", function () {
  this.timeout(60_000);

  it("draws the repo's topology as a flowchart that Mermaid parses", async () => {
    const diagram = topologyDiagram(repoTopology());
    assert.equal(await parseMermaid(diagram), "flowchart-v2");
    // The hub's functions, each spoke's regions and the flows between them.
    assert.match(diagram, /subgraph hub\["hub: security 111111111111, us-east-1"\]/);
    assert.match(diagram, /^ {2}hub_bus --> hub_notifier -- "alerts, digests" --> hub_slack$/m);
    assert.match(diagram, /^ {2}hub_users\(\["Slack \/guard"\]\)$/m);
    assert.match(diagram, /^ {2}hub_users --> hub_chatops$/m);
    assert.match(diagram, /^ {2}spoke_payments_us_east_1 -- "\+ IAM" --> hub_bus$/m);
    assert.match(diagram, /^ {2}spoke_payments_ap_northeast_2 --> hub_bus$/m);
    assert.match(diagram, /^ {2}spoke_web -\. "Config data" \.-> hub_aggregator$/m);
    assert.match(diagram, /^ {2}spoke_web_roles -\. "assumed by remediator, chat-ops" \.- hub$/m);
  });

  it("summarizes spokes beyond the drawn ones in one node, and still parses", async () => {
    const all = repoTopology();
    const hub = all.find((s) => s.config.role === "hub")!;
    const spoke = all.find((s) => s.config.role === "spoke")!;
    const many = Array.from({ length: MAX_DRAWN_SPOKES + 5 }, (_, i) => ({
      stack: `spoke-${i}`,
      config: { ...spoke.config, accountId: String(100000000000 + i) },
    }));
    const diagram = topologyDiagram([hub, ...many]);
    assert.match(diagram, /more_spokes\["5 more spokes, \d+ regions"\]/);
    assert.equal((diagram.match(/^ {2}subgraph spoke-/gm) ?? []).length, 0);
    assert.equal((diagram.match(/^ {2}subgraph spoke_/gm) ?? []).length, MAX_DRAWN_SPOKES);
    assert.equal(await parseMermaid(diagram), "flowchart-v2");
  });

  it("escapes quotes and brackets in labels so names cannot break the diagram", async () => {
    const [hub] = repoTopology();
    const odd = { ...hub, config: { ...hub.config, accountName: 'sec "ops" <main>' } } as TopologyStack;
    const diagram = topologyDiagram([odd]);
    assert.match(diagram, /sec #quot;ops#quot; #lt;main#gt;/);
    assert.equal(await parseMermaid(diagram), "flowchart-v2");
  });

  it("Mermaid's parser rejects a broken diagram (the check can fail)", async () => {
    await assert.rejects(parseMermaid('flowchart LR\n  a["x" --> b'), /Parse error/);
  });

  it("tabulates stacks, violations with what the policy requires, quotas and resources per region", () => {
    const md = planMarkdown(
      report([
        summary("hub", {
          quotas: [
            { quota: "eventBusPolicyChars", used: 512, limit: 10240, fraction: 0.05, where: "bus-policy" },
          ],
        }),
        summary("spoke-web", {
          ok: false,
          violations: [
            {
              policy: "no-public-ssh-ingress",
              level: "mandatory",
              name: "bastion",
              type: "aws:ec2/securityGroup:SecurityGroup",
              message: "ingress[0] opens SSH | to 0.0.0.0/0.",
            },
          ],
        }),
      ]),
      repoTopology(),
    );
    assert.match(md, /^## security-guard plan: FAIL$/m);
    assert.match(
      md,
      /^\| :x: \| spoke-web \| spoke \| 111111111111 \| us-east-1, ap-northeast-1 \| 3 \| 1 \| 0 \| {2}\|$/m,
    );
    assert.match(md, /^\| :white_check_mark: \| hub \| hub \| .* \| 5\.0% \(eventBusPolicyChars\) \|$/m);
    const violation = md
      .split("\n")
      .find((l) => l.startsWith("| mandatory | spoke-web | no-public-ssh-ingress"));
    assert.ok(violation, md);
    assert.match(
      violation,
      /\| bastion \(aws:ec2\/securityGroup:SecurityGroup\) \| ingress\[0\] opens SSH \\\| to 0\.0\.0\.0\/0\. \| \S/,
    );
    assert.match(md, /^\| hub \| eventBusPolicyChars \| 512 \| 10240 \| 5\.0% \| bus-policy \|$/m);
    assert.match(md, /^\| type \| global \| ap-northeast-1 \| us-east-1 \|$/m);
    assert.match(md, /^\| aws:cfg\/rule:Rule \| {2}\| 1 \| 1 \|$/m);
    assert.ok(mermaidBlock(md).startsWith("flowchart LR"));
  });

  it("lists mute rules to review (expired or never matching)", () => {
    const r = {
      ...report([]),
      muteReport: [
        {
          stackFile: "Pulumi.hub.yaml",
          index: 0,
          name: "bastion-rebuild",
          problem: "expired on 2026-01-01T00:00:00.000Z (bastion rebuild)",
        },
      ],
    };
    const md = planMarkdown(r, []);
    assert.ok(
      md.includes(
        "### Mute rules to review\n\n| stack file | rule | problem |\n| --- | --- | --- |\n" +
          "| Pulumi.hub.yaml | mutes[0] bastion-rebuild | expired on 2026-01-01T00:00:00.000Z (bastion rebuild) |",
      ),
      md,
    );
    assert.ok(!planMarkdown(report([]), []).includes("Mute rules"));
  });

  it("keeps table cells on one line", () => {
    assert.equal(cell("a|b\nc"), "a\\|b<br>c");
  });
});
