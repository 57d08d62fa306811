// Incidents benchmark: correlated signals through the notifier's incident logic (the same code
// `npm run render -- FILE...` runs: handlers/notifier/incidents/window.ts, app mode, in-memory
// store, recording sink). The window: N copies of the four-signal SSH sequence (each on its own
// security group), GuardDuty attack sequences with their member findings (members first, the
// sequence later, then a member re-published 6 h on), and an Inspector flood (many findings on a
// few images). Reported: top-level posts per incident (target <= 1.2), signals represented (100%),
// posts per raw event of this window, and the notifier's processing time of a critical signal
// (p50/p99) to which the event source mapping's batching window adds 20 s on the main queue and
// 0 s on the critical lane.
//
// Run: npm run bench:incidents
import * as fs from "fs";
import * as path from "path";
import { renderWindow } from "../handlers/notifier/incidents/window";
import type { NotifierSettings } from "../handlers/notifier/settings";

const FIX = path.resolve(__dirname, "..", "test", "fixtures");
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixture JSON, edited by path
const load = (rel: string) => JSON.parse(fs.readFileSync(path.join(FIX, rel), "utf8")) as Record<string, any>;
const SEQ = fs
  .readdirSync(path.join(FIX, "incidents", "ssh-sequence"))
  .sort()
  .map((f) => fs.readFileSync(path.join(FIX, "incidents", "ssh-sequence", f), "utf8"));

const settings: NotifierSettings = { accountNames: {}, routes: [] };

function sshSequence(i: number): unknown[] {
  const sg = `sg-0a1b2c3d4e5f${String(i).padStart(5, "0")}`;
  return SEQ.map((text) =>
    JSON.parse(
      text
        .replaceAll("sg-0a1b2c3d4e5f60718", sg)
        .replaceAll(
          "b7a1e0c2-3d4f-4e5a-9b6c-7d8e9f0a1b2c",
          `b7a1e0c2-3d4f-4e5a-9b6c-${String(i).padStart(12, "0")}`,
        )
        .replace(
          /"id": "([0-9a-f-]{24})[0-9a-f]{12}"/,
          (_m, p) => `"id": "${p}${String(i).padStart(12, "0")}"`,
        ),
    ),
  );
}

function attackSequence(i: number): unknown[] {
  const base = load("events/findings/guardduty-iam-anomalous-behavior-high.json");
  const member = (m: number) => {
    const e = structuredClone(base);
    e.id = `gd-event-${i}-${m}`;
    e.detail.id = `member-${i}-${m}`;
    e.detail.resource.accessKeyDetails = {
      ...(e.detail.resource.accessKeyDetails ?? {}),
      userName: `user-${i}-${m}`,
    };
    return e;
  };
  const seq = structuredClone(base);
  seq.id = `gd-seq-${i}`;
  seq.detail.id = `sequence-${i}`;
  seq.detail.type = "AttackSequence:IAM/CompromisedCredentials";
  seq.detail.severity = 9;
  seq.detail.service = {
    ...(seq.detail.service ?? {}),
    detection: {
      sequence: { uid: `sequence-${i}`, signals: [0, 1, 2].map((m) => ({ uid: `member-${i}-${m}` })) },
    },
  };
  const republished = member(1);
  republished.id = `gd-event-${i}-1-again`;
  republished.detail.updatedAt = "2026-11-20T18:00:00.000Z";
  // The sequence arrives after its first member (as AWS correlates after the fact), before the others.
  return [member(0), seq, member(1), member(2), republished];
}

function inspectorFlood(images: number, perImage: number): unknown[] {
  const out: unknown[] = [];
  for (let img = 0; img < images; img++)
    for (let f = 0; f < perImage; f++)
      out.push({
        version: "0",
        id: `insp-${img}-${f}`,
        "detail-type": "Inspector2 Finding",
        source: "aws.inspector2",
        account: "333333333333",
        time: "2026-11-20T03:00:00Z",
        region: "us-east-1",
        resources: [],
        detail: {
          findingArn: `arn:aws:inspector2:us-east-1:333333333333:finding/${img}-${f}`,
          status: "ACTIVE",
          severity: "HIGH",
          title: `CVE-2026-${1000 + f} - openssl`,
          resources: [
            {
              type: "AWS_ECR_CONTAINER_IMAGE",
              id: `arn:aws:ecr:us-east-1:333333333333:repository/app${img}/sha256:${img}`,
            },
          ],
        },
      });
  return out;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const ssh = Array.from({ length: 20 }, (_, i) => sshSequence(i)).flat();
  const attacks = Array.from({ length: 5 }, (_, i) => attackSequence(i)).flat();
  const flood = inspectorFlood(3, 100);
  // The flood arrives as batches of up to 100 (the queue's batch size).
  const floodBatches = Array.from({ length: Math.ceil(flood.length / 100) }, (_, b) => ({
    Records: flood.slice(b * 100, b * 100 + 100).map((e, n) => ({
      messageId: `m-${b}-${n}`,
      body: JSON.stringify(e),
      eventSource: "aws:sqs",
    })),
  }));
  const batches = [...ssh, ...attacks, ...floodBatches];
  const raw = ssh.length + attacks.length + flood.length;
  const result = await renderWindow(batches, settings, "app");
  const incidents = 20 + 5 + 3;
  const represented = result.outcomes.filter(
    (o) =>
      o.status === "posted" ||
      (o.status === "skipped" &&
        /repeat of a finding already in incident|listed in its next update/.test(o.reason ?? "")),
  ).length;
  const failed = result.outcomes.filter((o) => o.status === "failed").length;

  // A lone critical signal's processing: the opening CloudTrail call, each in a fresh window.
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = process.hrtime.bigint();
    await renderWindow([sshSequence(1000 + i)[0]], settings, "app");
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const p50 = pct(times, 50);
  const p99 = pct(times, 99);
  const rows = [
    [
      "raw events in the window",
      `${raw} (${ssh.length} SSH-sequence, ${attacks.length} GuardDuty, ${flood.length} Inspector)`,
    ],
    ["incidents", String(incidents)],
    ["top-level posts", String(result.posts.length)],
    ["top-level posts per incident (target <= 1.2)", (result.posts.length / incidents).toFixed(2)],
    ["card updates (chat.update) / thread replies", `${result.updates.length} / ${result.replies.length}`],
    [
      "signals represented (target 100%)",
      `${represented} / ${result.outcomes.length} (${((100 * represented) / result.outcomes.length).toFixed(1)}%), failed ${failed}`,
    ],
    [
      "top-level posts per raw event of this window",
      `${result.posts.length} / ${raw} = 1/${Math.round(raw / result.posts.length)}`,
    ],
    [
      "critical signal, notifier processing p50 / p99 (in-process, no network)",
      `${p50.toFixed(1)} ms / ${p99.toFixed(1)} ms`,
    ],
    [
      "critical time to Slack added by the hub, main queue (20 s window) p50 / p99",
      `${(20 + p50 / 1000).toFixed(2)} s / ${(20 + p99 / 1000).toFixed(2)} s`,
    ],
    [
      "critical time to Slack added by the hub, critical lane (no window) p50 / p99 (target <= 3 s)",
      `${(p50 / 1000).toFixed(3)} s / ${(p99 / 1000).toFixed(3)} s + SQS poll`,
    ],
  ];
  console.log(rows.map(([k, v]) => `| ${k} | ${v} |`).join("\n"));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
