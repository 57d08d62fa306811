// The liveness function and the notifier as deployed (npm run lambdas packages, separate processes,
// moto + the Slack fake): a spoke region's heartbeat is recorded; two intervals later the check puts
// a silence alert (and the organization's accounts without a spoke) on the hub bus; the hub's
// notify path takes it to Slack; the region's next heartbeat and check post the recovery.
// moto's EventBridge delivers the hub bus rule's matches to an SQS queue, from which the test hands
// them to the notifier as the hub's topic would (one EventBridge event each).
import { strict as assert } from "assert";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { buildDeployedPackages, invokeDeployed } from "../../helpers/deployed";
import { createLivenessTable } from "../../helpers/livenessTable";
import { ciphertextFor } from "../../helpers/kms";
import { envWith, livenessEventsQueue, sessionAs } from "../../helpers/livenessBus";
import { useMoto } from "../../helpers/moto";
import { useSlackServer } from "../../helpers/slackServer";

const HUB = "111111111111";
const SPOKE = "222222222222";

/** A liveness alert as the hub bus rule delivered it. */
interface Alert {
  source: string;
  "detail-type": string;
  detail: {
    [key: string]: unknown;
    account: string;
    command: string;
    diagnosis: string;
    silentForMinutes: number;
  };
}

describe("liveness as deployed: silence raised and cleared through the notifier (moto + Slack fake)", function () {
  this.timeout(240_000);
  const moto = useMoto();
  const slack = useSlackServer();
  let livenessDir: string;
  let notifierDir: string;

  before(async function () {
    this.timeout(300_000);
    const { manifest } = await buildDeployedPackages({ grouping: false });
    const dir = (name: string) => {
      const fn = manifest.functions.find((f) => f.function === name);
      assert.ok(fn, `${name} is in the manifest`);
      return fn.dir;
    };
    livenessDir = dir("security-guard-liveness");
    notifierDir = dir("security-guard-notifier");
    const liveness = manifest.functions.find((f) => f.function === "security-guard-liveness")!;
    assert.deepEqual(
      liveness.packages.filter((p) => p === "axios" || p.startsWith("@pulumi") || p.startsWith("@aws-sdk")),
      [],
      "the liveness package carries neither axios, Pulumi nor the SDK",
    );
  });
  after(async () => slack?.stop());

  function heartbeat(at: Date, id: string) {
    return {
      version: "0",
      id,
      source: "security-guard.heartbeat",
      "detail-type": "Security Guard Heartbeat",
      account: SPOKE,
      region: "ap-northeast-2",
      time: at.toISOString(),
      resources: [],
      detail: { path: "forwarding", intervalMinutes: 15 },
    };
  }

  /** The CloudTrail path: the heartbeat schedule's TagResource call as CloudTrail recorded it. */
  function trailHeartbeat(at: Date) {
    return {
      version: "0",
      id: "ct-1",
      source: "aws.scheduler",
      "detail-type": "AWS API Call via CloudTrail",
      account: SPOKE,
      region: "ap-northeast-2",
      time: at.toISOString(),
      resources: [],
      detail: {
        eventSource: "scheduler.amazonaws.com",
        eventName: "TagResource",
        userIdentity: {
          type: "AssumedRole",
          sessionContext: { sessionIssuer: { type: "Role", userName: "security-guard-heartbeat" } },
        },
      },
    };
  }

  it("raises a critical silence alert after two missed heartbeats and posts the recovery", async () => {
    // A session in the hub account (moto keeps resources per account).
    const credentials = await sessionAs(`arn:aws:iam::${HUB}:role/security-guard-liveness-role`, "fn");
    const env = envWith(moto().env, credentials);
    const region = "us-east-1";
    await createLivenessTable(new DynamoDBClient({ region, credentials }));
    // The organization: the hub is its management account; "sandbox" has no spoke.
    const orgs = new OrganizationsClient({ region, credentials });
    await orgs.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    await orgs.send(new CreateAccountCommand({ AccountName: "sandbox", Email: "sandbox@example.com" }));
    const sandbox = (await orgs.send(new ListAccountsCommand({}))).Accounts!.find(
      (a) => a.Name === "sandbox",
    )!.Id!;
    // The hub bus, and a rule that shows what the notify rule would receive from the liveness function.
    const alerts = await livenessEventsQueue<Alert>(credentials, "liveness-alerts", region);

    // A heartbeat 40 minutes ago (more than two 15-minute intervals), then the check.
    const now = Date.now();
    const first = await invokeDeployed(
      livenessDir,
      [
        heartbeat(new Date(now - 40 * 60_000), "hb-1"),
        trailHeartbeat(new Date(now - 5 * 60_000)),
        { "security-guard": "liveness-check" },
      ],
      env,
    );
    const diag = `stdout:\n${first.stdout}\nstderr:\n${first.stderr}`;
    assert.deepEqual(
      first.results.map((r) => r.value),
      [
        { action: "heartbeat", alerts: 0 },
        { action: "heartbeat", alerts: 0 },
        { action: "check", alerts: 3 },
      ],
      diag,
    );
    const raised = await alerts();
    const silent = raised.find((e) => e["detail-type"] === "Spoke Region Silent")!;
    assert.ok(silent, JSON.stringify(raised));
    assert.equal(silent.source, "security-guard.liveness");
    assert.deepEqual(
      { ...silent.detail, lastSeen: undefined, diagnosis: undefined, silentForMinutes: undefined },
      {
        account: SPOKE,
        region: "ap-northeast-2",
        path: "forwarding",
        intervalMinutes: 15,
        lastSeen: undefined,
        diagnosis: undefined,
        silentForMinutes: undefined,
      },
    );
    assert.ok(silent.detail.silentForMinutes >= 40, JSON.stringify(silent.detail));
    assert.match(
      silent.detail.diagnosis,
      /aws events describe-rule --name security-guard-heartbeat --region ap-northeast-2/,
    );
    const noSpoke = raised.filter((e) => e["detail-type"] === "Account Without Spoke").map((e) => e.detail);
    assert.deepEqual(
      noSpoke.map((d) => [d.account, d.command]).sort(),
      [
        [HUB, `npm run account:add -- --account ${HUB} --name master --regions ap-northeast-2`],
        [sandbox, `npm run account:add -- --account ${sandbox} --name sandbox --regions ap-northeast-2`],
      ].sort(),
    );

    // A second check: nothing new (the silence is reported once; the accounts again only after a day).
    const again = await invokeDeployed(livenessDir, [{ "security-guard": "liveness-check" }], env);
    assert.deepEqual(
      again.results.map((r) => r.value),
      [{ action: "check", alerts: 0 }],
    );

    // The region is heard again: the next check posts the recovery.
    const back = await invokeDeployed(
      livenessDir,
      [heartbeat(new Date(), "hb-2"), { "security-guard": "liveness-check" }],
      env,
    );
    assert.deepEqual(
      back.results.map((r) => r.value),
      [
        { action: "heartbeat", alerts: 0 },
        { action: "check", alerts: 1 },
      ],
    );
    const [recovered] = await alerts();
    assert.equal(recovered["detail-type"], "Spoke Region Recovered");
    assert.equal(recovered.detail.account, SPOKE);

    // The weekly summary: the same checks as npm run coverage, through the spokes' reader roles.
    const weekly = await invokeDeployed(livenessDir, [{ "security-guard": "coverage-summary" }], env, {
      timeoutMs: 120_000,
    });
    assert.deepEqual(
      weekly.results.map((r) => r.value),
      // The coverage summary, and the list of mutes and exemptions (test/handlers/liveness/mutesSummary.test.ts).
      [{ action: "summary", alerts: 2 }],
      weekly.stderr,
    );
    const summary = (await alerts()).find((e) => e["detail-type"] === "Coverage Summary")!;
    assert.equal(summary["detail-type"], "Coverage Summary");
    const gaps = summary.detail.gaps as Array<{ check: string; account: string; region: string }>;
    assert.equal(summary.detail.spokeAccounts, 1);
    assert.ok(
      gaps.some((g) => g.check === "no-spoke" && g.account === sandbox),
      JSON.stringify(gaps),
    );
    assert.ok(
      gaps.some((g) => g.check === "guardduty" && g.account === SPOKE && g.region === "ap-northeast-2"),
      JSON.stringify(gaps),
    );

    // The notifier as deployed posts both to Slack.
    const posted = await invokeDeployed(notifierDir, [silent, recovered], {
      ...moto().env,
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS_CIPHERTEXT: await ciphertextFor(
        "security-guard-notifier",
        JSON.stringify({ default: slack.url("/services/default") }),
      ),
    });
    assert.deepEqual(
      posted.results.map((r) => (r.value as { posted: number }).posted),
      [1, 1],
      posted.stderr,
    );
    const texts = slack.delivered().map((r) => (r.json as { text: string }).text);
    assert.equal(texts.length, 2);
    assert.match(
      texts[0],
      /^\[critical\] No heartbeat from \d{12} ap-northeast-2 for \d+ min \(forwarding path\)/,
    );
    assert.match(texts[1], /^\[info\] \d{12} ap-northeast-2 is heard again \(forwarding path\)/);
  });
});
