// A digest line is built from the event's finding (handlers/findings/model.ts), not read back out of
// its rendered message: severity emoji, "[severity] title" linked to the first console link, the
// main resource, the actor, the account with its name, the region and the event id. Records that
// could not be read get a line too.
import { strict as assert } from "assert";
import { NotifierSettings, renderMessages } from "../../../handlers/notifier";
import { digestMessages } from "../../../handlers/notifier/digest";
import { digestEntry } from "../../../handlers/notifier/digestEntry";
import { fixture } from "./fixtures";

const settings: NotifierSettings = { accountNames: { "222222222222": "payments" }, routes: [] };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** An SQS batch of the given message bodies, record ids m-0, m-1, ... */
function batch(bodies: string[]) {
  return {
    Records: bodies.map((body, i) => ({ messageId: `m-${i}`, body, eventSource: "aws:sqs", attributes: {} })),
  };
}

/** The digest's event lines for `bodies`, by record id. */
function lines(bodies: string[]): Record<string, string> {
  const records = renderMessages(batch(bodies), settings).filter((r) => r.skipped === undefined);
  const [part] = digestMessages(records.map(digestEntry), settings, 40);
  const blocks = part.message.attachments[0].blocks as Array<{ block_id?: string; text?: { text: string } }>;
  return Object.fromEntries(
    blocks.filter((b) => b.block_id?.startsWith("event:")).map((b) => [b.block_id!.slice(6), b.text!.text]),
  );
}

describe("digest lines from the finding", () => {
  it("an unreadable record: its own line, unknown account and region, record id, marked incomplete", () => {
    assert.deepEqual(lines(["{not json"]), {
      "m-0":
        ":large_orange_circle: *[medium] Unreadable notification* · unknown account · unknown region · `m-0` · :warning: incomplete event",
    });
  });

  it("an ARN resource and actor show their short form; an account without a name shows its id", () => {
    const hub = fixture("findings/securityhub-imported-ec2-19-critical.json") as Json;
    const dryRun = fixture("eventbridge/remediation-dry-run.json") as Json;
    assert.deepEqual(lines([JSON.stringify(hub), JSON.stringify(dryRun)]), {
      "m-0":
        ":rotating_light: *<https://ap-northeast-1.console.aws.amazon.com/securityhub/home?region=ap-northeast-1#/findings?search=Id%3D%5Coperator%5C%3AEQUALS%5C%3Aarn%3Aaws%3Asecurityhub%3Aap-northeast-1%3A444444444444%3Asecurity-control%2FEC2.19%2Ffinding%2F5f0c0a2e-3b1d-4e7a-9c21-6d8e2f4a1b3c|[critical] Security groups should not allow unrestricted access to ports with high risk>* · `security-group/sg-0b1c2d3e4f5a6b7c8` · 444444444444 · ap-northeast-1 · `8e5622f9-d81c-4d81-612a-9319e7ee2506`",
      "m-1":
        ":rotating_light: *<https://ap-northeast-2.console.aws.amazon.com/ec2/home?region=ap-northeast-2#SecurityGroup:groupId=sg-0a1b2c3d4e5f60718|[critical] Dry run: would revoke SSH open to the internet on sg-0a1b2c3d4e5f60718>* · `bastion` · by user/alice · payments (222222222222) · ap-northeast-2 · `b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e`",
    });
  });

  it("one event with several findings says how many more; event text is escaped, never a mention or link", () => {
    const hub = fixture("findings/securityhub-imported-ec2-19-critical.json") as Json;
    const [first] = hub.detail.findings;
    hub.detail.findings.push({ ...first, Id: `${first.Id}-2` }, { ...first, Id: `${first.Id}-3` });
    const alarm = fixture("eventbridge/cloudwatch-alarm-state-change-alarm.json") as Json;
    alarm.detail.alarmName = "<!channel> *pwn* <https://evil.example|x>";
    assert.deepEqual(lines([JSON.stringify(hub), JSON.stringify(alarm)]), {
      "m-0":
        ":rotating_light: *<https://ap-northeast-1.console.aws.amazon.com/securityhub/home?region=ap-northeast-1#/findings?search=Id%3D%5Coperator%5C%3AEQUALS%5C%3Aarn%3Aaws%3Asecurityhub%3Aap-northeast-1%3A444444444444%3Asecurity-control%2FEC2.19%2Ffinding%2F5f0c0a2e-3b1d-4e7a-9c21-6d8e2f4a1b3c|[critical] Security groups should not allow unrestricted access to ports with high risk (+2 more)>* · `security-group/sg-0b1c2d3e4f5a6b7c8` · 444444444444 · ap-northeast-1 · `8e5622f9-d81c-4d81-612a-9319e7ee2506`",
      "m-1":
        ":red_circle: *<https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#alarmsV2:alarm/%3C!channel%3E%20*pwn*%20%3Chttps%3A%2F%2Fevil.example%7Cx%3E|[high] ALARM: &lt;!channel&gt; *pwn* &lt;https://evil.example¦x&gt;>* · `&lt;!channel&gt; *pwn* &lt;https://evil.example|x&gt;` · 333333333333 · ap-northeast-1 · `8e9f0a1b-2c3d-4e4f-5a6b-7c8d9e0f1a2b`",
    });
  });
});
