// The four-signal SSH sequence about one security group (CloudTrail AuthorizeSecurityGroupIngress,
// Config NON_COMPLIANT, the remediator's report, Security Hub EC2.13 FAILED then PASSED) through
// the notifier as deployed: the package built from the repo's hub stack file (incidents on by
// default), run in a separate node process with only the AWS SDK on NODE_PATH, its incidents table
// in moto's DynamoDB, Slack the local stand-in. App mode: one top-level card, updated in place
// with chat.update to Resolved, every signal's message in its thread. Webhook mode (grouping on,
// as the hub stack leaves it): the opening message at once, then the later signals as lines of the
// channel's next digest, each naming the incident and what it did (remediated, resolved).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ciphertextFor } from "../../helpers/kms";
import { invokeDeployed } from "../../helpers/deployed";
import { useMoto } from "../../helpers/moto";
import { TEST_BOT_TOKEN, useSlackServer } from "../../helpers/slackServer";
import { createSeenTable } from "../../helpers/seenTable";
import { createIncidentTable } from "../../helpers/incidentTable";
import { buildLambdas } from "../../../verify/lambdaPackages";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DIGEST_RUN_EVENT } from "../../../handlers/notifier/grouping";
import { NOTIFIER_DIGEST_QUEUE_NAME } from "../../../stacks/functionSettings";

const FUNCTION = "security-guard-notifier";
const REPO = path.resolve(__dirname, "..", "..", "..");
const SEQUENCE_DIR = path.join(REPO, "test", "fixtures", "incidents", "ssh-sequence");
const sequence = () =>
  fs
    .readdirSync(SEQUENCE_DIR)
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(SEQUENCE_DIR, f), "utf8")) as unknown);

async function build(app: boolean): Promise<string> {
  const hub = parse(fs.readFileSync(path.join(REPO, "Pulumi.hub.yaml"), "utf8"));
  if (app) hub.config["security-guard:slackChannels"] = { default: "C0SECURITY", payments: "C0PAYMENTS" };
  const stackDir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-incidents-stack-"));
  const stackFile = path.join(stackDir, "Pulumi.hub.yaml");
  fs.writeFileSync(stackFile, stringify(hub));
  const manifest = await buildLambdas(fs.mkdtempSync(path.join(os.tmpdir(), "sg-incidents-lambdas-")), [
    stackFile,
  ]);
  const fn = manifest.functions.find((f) => f.function === FUNCTION);
  assert.ok(fn, `${FUNCTION} is in the manifest`);
  return fn.dir;
}

const encrypt = (plain: string): Promise<string> => ciphertextFor(FUNCTION, plain);

type Block = { type: string; text?: { text: string } };
const blocksOf = (m: { attachments?: unknown[] }) => (m.attachments as Array<{ blocks: Block[] }>)[0].blocks;

describe("incidents through the deployed notifier (built package, moto DynamoDB, Slack stand-in)", function () {
  this.timeout(600_000);
  const moto = useMoto();
  const slack = useSlackServer();

  beforeEach(async () => {
    await createIncidentTable("security-guard-incidents");
    await createSeenTable("security-guard-notifier-seen");
    await createSeenTable("security-guard-alert-threads");
    await createSeenTable("security-guard-alert-mutes");
  });

  it("app mode: one card, updated in place to Resolved, every signal in its thread", async () => {
    const dir = await build(true);
    const env = {
      ...moto().env,
      LOCAL_RUN: "1",
      SLACK_API_BASE_URL: slack.apiUrl(),
      SLACK_BOT_TOKEN_CIPHERTEXT: await encrypt(TEST_BOT_TOKEN),
      SLACK_WEBHOOKS_CIPHERTEXT: await encrypt(JSON.stringify({ default: slack.url("/services/default") })),
    };
    const { results, stdout, stderr } = await invokeDeployed(dir, sequence(), env);
    const diag = `results:\n${JSON.stringify(results)}\nstdout:\n${stdout}\nstderr:\n${stderr}`;
    assert.ok(
      results.every((r) => r.ok),
      diag,
    );
    assert.doesNotMatch(stdout + stderr, /incident store did not answer/, diag);
    const calls = slack
      .apiCalls()
      .map((c) => [c.method, c.args.channel, c.args.thread_ts === undefined ? "" : "thread"]);
    assert.deepEqual(
      calls,
      [
        ["chat.postMessage", "C0PAYMENTS", ""],
        ["chat.postMessage", "C0PAYMENTS", "thread"],
        ...[1, 2, 3, 4].flatMap(() => [
          ["chat.update", "C0PAYMENTS", ""],
          ["chat.postMessage", "C0PAYMENTS", "thread"],
        ]),
      ],
      diag,
    );
    const messages = slack.messages("C0PAYMENTS");
    const top = messages.filter((m) => m.thread_ts === undefined);
    assert.equal(top.length, 1, "one top-level post");
    assert.equal(messages.filter((m) => m.thread_ts === top[0].ts).length, 5, "five replies in its thread");
    assert.deepEqual(
      top[0].history.map((h) => blocksOf(h)[0].text?.text.split(":")[0]),
      ["Open", "Open", "Remediated", "Remediated"],
    );
    const card = blocksOf(top[0]);
    assert.match(card[0].text!.text, /^Resolved: /);
    assert.equal(top[0].attachments && (top[0].attachments[0] as { color: string }).color, "#2EB67D");
    assert.deepEqual(slack.delivered("/services/default"), [], "nothing went to a webhook");
  });

  it("webhook mode: the opening message at once, the later signals as digest lines naming the incident", async () => {
    const dir = await build(false);
    const hooks = Object.fromEntries(
      ["default", "payments", "data", "web"].map((n) => [n, slack.url(`/services/${n}`)]),
    );
    await new SQSClient({}).send(new CreateQueueCommand({ QueueName: NOTIFIER_DIGEST_QUEUE_NAME }));
    const env = {
      ...moto().env,
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS_CIPHERTEXT: await encrypt(JSON.stringify(hooks)),
    };
    const { results, stdout, stderr } = await invokeDeployed(dir, [...sequence(), DIGEST_RUN_EVENT], env);
    const diag = `results:\n${JSON.stringify(results)}\nstdout:\n${stdout}\nstderr:\n${stderr}`;
    assert.ok(
      results.every((r) => r.ok),
      diag,
    );
    const run = results[5].value as { held: number; posted: number };
    assert.deepEqual([run.held, run.posted], [4, 4], `the digest run posts the four that waited\n${diag}`);
    const posted = Object.keys(hooks).flatMap((n) =>
      (
        slack.delivered(`/services/${n}`).map((r) => r.json) as Array<{
          text: string;
          attachments: Array<{ blocks: Block[] }>;
        }>
      ).map((m) => ({ hook: n, ...m })),
    );
    assert.deepEqual(
      posted.map((p) => [p.hook, p.text]),
      [
        ["payments", posted[0].text],
        ["payments", ":red_circle: 4 security events (1 critical, 2 high, 1 info)"],
      ],
      diag,
    );
    assert.match(JSON.stringify(posted[0].attachments), /Incident `\w+`: later signals about this resource/);
    const id = /Incident `(\w+)`/.exec(JSON.stringify(posted[0].attachments))![1];
    // Every later signal is a line of the digest, naming the incident and what it did to it.
    const lines = (posted[1].attachments[0].blocks as Array<Block & { block_id?: string }>)
      .filter((b) => b.block_id?.startsWith("event:"))
      .map((b) => b.text!.text.replace(/^.* · /, ""));
    assert.deepEqual(lines, [
      `incident \`${id}\` joined`,
      `incident \`${id}\` remediated`,
      `incident \`${id}\` joined`,
      `incident \`${id}\` resolved`,
    ]);
  });
});
