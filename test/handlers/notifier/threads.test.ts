// App mode's thread facts and header texts, from the remediation report alone.
import { strict as assert } from "assert";
import { durationText, withUpdatedHeader } from "../../../handlers/notifier/threads";
import { renderMessages } from "../../../handlers/notifier";
import { COLORS } from "../../../handlers/notifier";
import { fixture } from "./fixtures";

const settings = {
  accountNames: {},
  routes: [],
  app: { channels: { default: "C0DEFAULT" }, threadTable: "t" },
};

describe("notifier thread facts (app mode)", () => {
  it("says durations the way a header reads them", () => {
    assert.deepEqual([0, 12_400, 60_000, 245_000, 3_600_000, 7_380_000].map(durationText), [
      "0 s",
      "12 s",
      "1 min",
      "4 min 5 s",
      "1 h",
      "2 h 3 min",
    ]);
  });

  it("an alert is keyed by its account and CloudTrail event id; its report follows that key", () => {
    const [alert] = renderMessages(
      fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json"),
      settings,
    );
    const [report] = renderMessages(fixture("eventbridge/remediation-revoked.json"), settings);
    assert.deepEqual(alert.thread, { alertKey: "alert#222222222222#b7a1e0c2-3d4f-4e5a-9b6c-7d8e9f0a1b2c" });
    assert.deepEqual(report.thread, {
      follows: {
        alertKey: "alert#222222222222#b7a1e0c2-3d4f-4e5a-9b6c-7d8e9f0a1b2c",
        header: "SSH closed automatically 7 s after it was opened",
        severity: "good",
        reportedAt: Date.parse("2026-11-20T01:02:10Z"),
      },
    });
  });

  it("every outcome has its header; a report without an opening time says no duration", () => {
    const headers = ["dry-run", "exempt", "already-compliant-config-trigger"].map((f) => {
      const [r] = renderMessages(fixture(`eventbridge/remediation-${f}.json`), settings);
      return r.thread?.follows?.header;
    });
    assert.equal(
      headers[0]?.startsWith("Dry run: SSH would have been closed automatically"),
      true,
      headers[0],
    );
    assert.equal(headers[1], "SSH left open: the security group is exempt");
    assert.equal(headers[2], "SSH is no longer open to the internet: nothing to revoke");
    const report = fixture("eventbridge/remediation-revoked.json") as { detail: Record<string, unknown> };
    delete report.detail.openedAt;
    assert.equal(renderMessages(report, settings)[0].thread?.follows?.header, "SSH closed automatically");
  });

  it("webhook mode renders no thread facts (its output is unchanged)", () => {
    const [alert] = renderMessages(
      fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json"),
      { accountNames: {}, routes: [] },
    );
    assert.equal("thread" in alert, false);
  });

  it("rewrites only the header (old one struck through below it) and the colour", () => {
    const updated = withUpdatedHeader(
      {
        text: "alert",
        attachments: [
          {
            color: COLORS.danger,
            blocks: [
              { type: "header", text: { type: "plain_text", text: "Opened <ssh>" } },
              { type: "section", text: { type: "mrkdwn", text: "body" } },
            ],
          },
        ],
      },
      "SSH closed automatically 3 s after it was opened",
      "good",
    );
    assert.deepEqual(updated, {
      text: "SSH closed automatically 3 s after it was opened: alert",
      attachments: [
        {
          color: COLORS.good,
          blocks: [
            {
              type: "header",
              text: {
                type: "plain_text",
                text: "SSH closed automatically 3 s after it was opened",
                emoji: false,
              },
            },
            { type: "context", elements: [{ type: "mrkdwn", text: "~Opened &lt;ssh&gt;~" }] },
            { type: "section", text: { type: "mrkdwn", text: "body" } },
          ],
        },
      ],
    });
  });
});
