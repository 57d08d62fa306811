// Wiring, permissions: the access paths simulated by @cloud-copilot/iam-simulate over the
// documents the hub and a spoke produce, and every IAM action checked against AWS's catalog.
import { strict as assert } from "assert";
import { checkActions } from "../../../verify/wiring/actions";
import { AccessResult, accessPaths, formatAccess } from "../../../verify/wiring/access";
import { StackDocuments, collectDocuments } from "../../../verify/wiring/documents";
import {
  HUB_CONFIG,
  HUB_SECRET_KEYS,
  ORG_ID,
  SPOKE_ACCOUNT,
  SPOKE_CONFIG,
  defaultHub,
  evaluateStack,
  spokeWith,
} from "../../helpers/stacks";

function byName(results: AccessResult[], name: string): AccessResult {
  const r = results.find((x) => x.name === name);
  if (!r) throw new Error(`no access path named "${name}" (have: ${results.map((x) => x.name).join("; ")})`);
  return r;
}

const copy = (d: StackDocuments): StackDocuments => JSON.parse(JSON.stringify(d));

describe("wiring: access paths (iam-simulate)", function () {
  this.timeout(120_000);
  let hub: StackDocuments;
  let spoke: StackDocuments;
  let results: AccessResult[];

  before(async () => {
    hub = collectDocuments("hub", (await defaultHub()).resources);
    spoke = collectDocuments("spoke", (await spokeWith()).resources);
    results = await accessPaths(hub, spoke, { organizationId: ORG_ID });
    console.log(`\n${formatAccess(results)}\n`);
  });

  it("every path of the organization-mode hub and spoke is decided as intended", () => {
    assert.deepEqual(
      results
        .filter((r) => !r.ok)
        .map((r) => `${r.name}: ${r.actual} ${r.error ?? ""} ${r.decisive.join(" | ")}`),
      [],
    );
    // 73: 64 before routes by owner, plus the notifier assuming the spoke read role and that role
    // reading EC2 tags, tags by ARN through the Tagging API and an IAM role's and user's tags
    // (allowed), and tagging a group, through the Tagging API or an IAM role (denied), and the hub
    // resolve rule publishing to the events topic.
    assert.equal(results.length, 73);
  });

  it("spoke forwarder -> hub bus: allowed for the organization's forwarder role only, denied outside it by aws:PrincipalOrgID", () => {
    const inside = byName(results, "spoke forwarder role puts events on the hub bus");
    assert.equal(inside.actual, "Allowed");
    assert.equal(inside.principal, "arn:aws:sts::222222222222:assumed-role/security-guard-forwarder/session");
    assert.equal(inside.resource, "arn:aws:events:us-east-1:111111111111:event-bus/security-guard-events");
    assert.deepEqual(inside.decisive, [
      "allowed by identity spoke-account-forwarder-policy #PutOnHubBus",
      "allowed by resource #SpokeForwardersPutEvents",
    ]);
    const outside = byName(results, "outside-account forwarder role puts events on the hub bus");
    assert.equal(outside.actual, "ImplicitlyDenied");
    assert.deepEqual(outside.decisive, [
      "resource #SpokeForwardersPutEvents: condition StringEquals aws:PrincipalOrgID: request has o-outside0000, policy wants o-a1b2c3d4e5",
    ]);
    assert.equal(byName(results, "EventBridge assumes the spoke forwarder role").actual, "Allowed");
    // Another role of the spoke, even with a broad identity policy, cannot forge events or reports.
    const forged = byName(results, "spoke remediation role puts (forged) events on the hub bus");
    assert.equal(forged.actual, "ImplicitlyDenied");
    assert.deepEqual(forged.decisive, [
      "resource #SpokeForwardersPutEvents: condition ArnLike aws:PrincipalArn: request has arn:aws:iam::222222222222:role/security-guard-remediation, policy wants arn:aws:iam::*:role/security-guard-forwarder",
    ]);
    assert.equal(
      byName(results, "spoke remediation role publishes (forged) Config notifications").actual,
      "ImplicitlyDenied",
    );
  });

  it("spoke Config and CloudWatch alarms -> hub topics: allowed as configured, an outside account denied", () => {
    for (const name of [
      "spoke Config role publishes to the hub config topic",
      "AWS Config (service) for spoke publishes to the hub config topic",
      "CloudWatch alarm of the hub (dead letters) publishes to the hub alarm topic",
    ]) {
      assert.equal(byName(results, name).actual, "Allowed", name);
    }
    // The seeds' hardest bug: both the role's policy and the topic policy must allow the publish.
    assert.deepEqual(byName(results, "spoke Config role publishes to the hub config topic").decisive, [
      "allowed by identity spoke-account-config-delivery #NotifyHub",
      "allowed by resource #SpokeConfigPublishes",
    ]);
    for (const name of [
      "outside-account Config role publishes to the hub config topic",
      "AWS Config (service) for outside-account publishes to the hub config topic",
      "CloudWatch alarm of outside-account publishes to the hub alarm topic",
      "CloudWatch alarm of outside-account gets a data key for the encrypted alarm topic",
    ]) {
      assert.equal(byName(results, name).actual, "ImplicitlyDenied", name);
    }
    assert.ok(
      byName(
        results,
        "CloudWatch alarm of outside-account publishes to the hub alarm topic",
      ).decisive.includes(
        "resource #CloudWatchAlarmsPublish: condition StringEquals aws:SourceAccount: request has 999999999999, policy wants 111111111111; condition ArnLike aws:SourceArn: request has arn:aws:cloudwatch:ap-northeast-2:999999999999:alarm:high-cpu, policy wants arn:aws:cloudwatch:*:111111111111:alarm:*",
      ),
    );
    // Organization mode: a spoke's alarm state changes travel by EventBridge, not the alarm topic.
    assert.equal(
      byName(results, "CloudWatch alarm of spoke publishes to the hub alarm topic").actual,
      "ImplicitlyDenied",
    );
  });

  it("remediator role may assume the spoke remediation role; the chat-ops worker may not", () => {
    const ok = byName(results, "remediator role assumes the spoke remediation role");
    assert.equal(ok.actual, "Allowed");
    assert.equal(ok.resource, "arn:aws:iam::222222222222:role/security-guard-remediation");
    assert.deepEqual(ok.decisive, [
      "allowed by identity hub-remediator-policy #AssumeSpokeRoles",
      "allowed by resource #1",
    ]);
    const worker = byName(results, "chat-ops worker role assumes the spoke remediation role");
    assert.equal(worker.actual, "ImplicitlyDenied");
    assert.deepEqual(worker.decisive, [
      "identity hub-chatops-worker-policy #AssumeSpokeRoles: resource does not match",
      "identity hub-chatops-worker-policy #ActAsSlackUserInHub: resource does not match",
      "resource #1: condition ArnEquals aws:PrincipalArn: request has arn:aws:iam::111111111111:role/security-guard-chatops-worker-role, policy wants arn:aws:iam::111111111111:role/security-guard-remediator-role",
    ]);
    assert.deepEqual(
      byName(results, "remediator role assumes an outside account's remediation role").decisive,
      [
        "identity hub-remediator-policy #AssumeSpokeRoles: condition StringEquals aws:ResourceOrgID: request has o-outside0000, policy wants o-a1b2c3d4e5",
      ],
    );
  });

  it("spoke remediation role: describe, prefix lists, rule scope, revoke, authorize and its own record tags allowed; other tags and delete denied", () => {
    for (const name of [
      "remediation role revokes security-group ingress",
      "remediation role describes security groups",
      "remediation role authorizes security-group ingress",
      "remediation role reads managed prefix list entries",
      "remediation role reads the Config rules' scope",
      "remediation role records its change in a tag",
      "remediation role stamps an exemption's expiry",
      "remediation role removes an expired exemption",
    ]) {
      assert.equal(byName(results, name).actual, "Allowed", name);
    }
    for (const name of [
      "remediation role writes another tag",
      "remediation role deletes another tag",
      "remediation role deletes a security group",
    ]) {
      assert.equal(byName(results, name).actual, "ImplicitlyDenied", name);
    }
    assert.deepEqual(byName(results, "remediation role deletes a security group").decisive, [
      "identity: no statement allows the action",
    ]);
  });

  it("notifier decrypts only with its own function name as encryption context", () => {
    const own = byName(results, "security-guard-notifier role decrypts a secret for security-guard-notifier");
    assert.equal(own.actual, "Allowed");
    assert.ok(
      own.decisive.includes("allowed by identity hub-notifier-policy #OwnSecretsOnly"),
      own.decisive.join("\n"),
    );
    const other = byName(
      results,
      "security-guard-notifier role decrypts a secret for security-guard-chatops-ack",
    );
    assert.equal(other.actual, "ImplicitlyDenied");
    // Denied for the right reason: the context value was seen and differs (not merely absent).
    assert.ok(
      other.decisive.includes(
        "identity hub-notifier-policy #OwnSecretsOnly: condition StringEquals kms:EncryptionContext:LambdaFunctionName: request has security-guard-chatops-ack, policy wants security-guard-notifier",
      ),
      other.decisive.join("\n"),
    );
  });

  it("Mute and Acknowledge: the worker assumes the hub alert-actions role only as a Slack user; only that role writes mutes", () => {
    const asUser = byName(
      results,
      "chat-ops worker role assumes the hub alert-actions role for a Slack user",
    );
    assert.equal(asUser.actual, "Allowed");
    assert.equal(asUser.resource, "arn:aws:iam::111111111111:role/security-guard-alert-actions");
    assert.deepEqual(asUser.decisive, [
      "allowed by identity hub-chatops-worker-policy #ActAsSlackUserInHub",
      "allowed by resource #WorkerActsAsSlackUser",
    ]);
    const anonymous = byName(
      results,
      "chat-ops worker role assumes the hub alert-actions role without a Slack source identity",
    );
    assert.equal(anonymous.actual, "ImplicitlyDenied");
    assert.ok(
      anonymous.decisive.some((d) =>
        /#WorkerActsAsSlackUser: condition StringLike sts:SourceIdentity: request has \(absent\)/.test(d),
      ),
      anonymous.decisive.join("\n"),
    );
    const remediator = byName(results, "remediator role assumes the hub alert-actions role for a Slack user");
    assert.equal(remediator.actual, "ImplicitlyDenied");
    assert.ok(
      remediator.decisive.some((d) =>
        d.includes(
          "#WorkerActsAsSlackUser: condition ArnEquals aws:PrincipalArn: request has arn:aws:iam::111111111111:role/security-guard-remediator-role",
        ),
      ),
      remediator.decisive.join("\n"),
    );
    const mutes = byName(results, "hub alert-actions role puts an item in the mutes table");
    assert.deepEqual(
      [mutes.actual, mutes.resource, mutes.decisive],
      [
        "Allowed",
        "arn:aws:dynamodb:us-east-1:111111111111:table/security-guard-alert-mutes",
        ["allowed by identity hub-chatops-alert-actions-policy #WriteMutes"],
      ],
    );
    assert.equal(
      byName(results, "hub alert-actions role puts an item in another table").actual,
      "ImplicitlyDenied",
    );
    assert.equal(
      byName(results, "security-guard-chatops-worker role dynamodb:PutItem on the mutes table").actual,
      "ImplicitlyDenied",
    );
    const notified = byName(results, "hub alert-actions role sets a finding's workflow status to NOTIFIED");
    assert.deepEqual(
      [notified.actual, notified.decisive],
      ["Allowed", ["allowed by identity hub-chatops-alert-actions-policy #UpdateFindingWorkflow"]],
    );
    const suppressed = byName(results, "hub alert-actions role sets an OCSF finding's status to Suppressed");
    assert.deepEqual(
      [suppressed.actual, suppressed.decisive],
      ["Allowed", ["allowed by identity hub-chatops-alert-actions-policy #UpdateOcsfFindingStatus"]],
    );
    for (const name of [
      "hub alert-actions role sets a finding's workflow status to RESOLVED",
      "hub alert-actions role sets an OCSF finding's status to Resolved",
      "security-guard-chatops-worker role securityhub:BatchUpdateFindings",
    ])
      assert.equal(byName(results, name).actual, "ImplicitlyDenied", name);
  });

  it("chat-ops read-only role cannot stop instances; the operator role can", () => {
    assert.equal(byName(results, "chat-ops read-only role stops an instance").actual, "ImplicitlyDenied");
    assert.equal(byName(results, "chat-ops operator role stops an instance").actual, "Allowed");
    assert.deepEqual(byName(results, "chat-ops operator role stops an instance").decisive, [
      "allowed by identity spoke-account-chatops-op-policy #StartStop",
    ]);
  });

  it("routes by owner: the notifier may assume the spoke read role only when a route names owners, and that role only reads tags", async () => {
    const denied = byName(results, "notifier role assumes the spoke read role (no route names owners)");
    assert.deepEqual([denied.actual, denied.ok], ["ImplicitlyDenied", true]);
    const owners = await evaluateStack(
      "hub",
      { ...HUB_CONFIG, slackRoutes: [{ webhook: "default", owners: ["payments"] }] },
      { secretKeys: HUB_SECRET_KEYS },
    );
    const out = await accessPaths(collectDocuments("hub", owners.resources), spoke, {
      organizationId: ORG_ID,
    });
    assert.deepEqual(
      out.filter((r) => !r.ok).map((r) => `${r.name}: ${r.actual} ${r.decisive.join(" | ")}`),
      [],
    );
    const allowed = byName(out, "notifier role assumes the spoke read role (a route names owners)");
    assert.equal(allowed.actual, "Allowed");
    assert.deepEqual(allowed.decisive, [
      "allowed by identity hub-notifier-policy #ReadOwnerTags",
      "allowed by resource #1",
    ]);
    assert.equal(byName(out, "spoke read role reads an EC2 resource's tags").actual, "Allowed");
    assert.equal(byName(out, "spoke read role tags a security group").actual, "ImplicitlyDenied");
    assert.equal(
      byName(out, "spoke read role reads any resource's tags by ARN (Tagging API)").actual,
      "Allowed",
    );
    assert.equal(
      byName(out, "spoke read role tags a resource through the Tagging API").actual,
      "ImplicitlyDenied",
    );
    // IAM roles and users (paths included): read with IAM's own tag listings, never tagged.
    for (const name of [
      "spoke read role lists an IAM role's tags",
      "spoke read role lists an IAM user's tags",
    ])
      assert.deepEqual(byName(out, name).decisive, [
        "allowed by identity spoke-account-coverage-reader-policy #ReadIamOwnerTags",
      ]);
    assert.equal(byName(out, "spoke read role tags an IAM role").actual, "ImplicitlyDenied");
  });

  it("account-list mode (no organization): members allowed, an outside account denied by principal", async () => {
    const listHub = await evaluateStack(
      "hub",
      { ...HUB_CONFIG, organizationId: undefined, memberAccounts: [SPOKE_ACCOUNT] },
      { secretKeys: HUB_SECRET_KEYS },
    );
    const listSpoke = await evaluateStack("spoke", SPOKE_CONFIG, {
      hubOutputs: listHub.outputs as Record<string, unknown>,
    });
    const list = await accessPaths(listHub.resources, listSpoke.resources, {});
    assert.deepEqual(
      list.filter((r) => !r.ok).map((r) => `${r.name}: ${r.actual} ${r.decisive.join(" | ")}`),
      [],
    );
    assert.deepEqual(byName(list, "outside-account forwarder role puts events on the hub bus").decisive, [
      "resource #SpokeForwardersPutEvents: principal does not match",
    ]);
    // Account-list mode: the member's alarms publish to the hub alarm topic.
    assert.equal(
      byName(list, "CloudWatch alarm of spoke publishes to the hub alarm topic").actual,
      "Allowed",
    );
  });

  describe("a broken document fails its path and prints the decisive statements", () => {
    it("the seeds' bug: a Config role without sns:Publish on the hub topic", async () => {
      const broken = copy(spoke);
      const delivery = broken.roles["security-guard-config"].inline[0].policy;
      delivery.Statement = delivery.Statement.filter((s) => s.Sid !== "NotifyHub");
      const out = await accessPaths(hub, broken, { organizationId: ORG_ID });
      const r = byName(out, "spoke Config role publishes to the hub config topic");
      assert.deepEqual(
        [r.ok, r.actual, r.decisive],
        [false, "ImplicitlyDenied", ["identity: no statement allows the action"]],
      );
      const text = formatAccess(out);
      assert.match(
        text,
        /FAIL spoke Config role publishes to the hub config topic +ImplicitlyDenied +\(expected Allowed\)\n +identity: no statement allows the action/,
      );
      assert.match(text, /72 of 73 access paths as intended/);
    });

    it("a bus policy without the organization condition lets an outside account in", async () => {
      const broken = copy(hub);
      for (const doc of Object.values(broken.busPolicies)) for (const s of doc.Statement) delete s.Condition;
      const r = byName(
        await accessPaths(broken, spoke, { organizationId: ORG_ID }),
        "outside-account forwarder role puts events on the hub bus",
      );
      assert.deepEqual([r.ok, r.actual], [false, "Allowed"]);
      assert.deepEqual(r.decisive, [
        "allowed by identity spoke-account-forwarder-policy #PutOnHubBus",
        "allowed by resource #SpokeForwardersPutEvents",
      ]);
    });

    it("a remediation role that trusts the chat-ops worker", async () => {
      const broken = copy(spoke);
      broken.roles["security-guard-remediation"].trust.Statement[0].Principal = {
        AWS: hub.roles["security-guard-chatops-worker-role"].arn,
      };
      const out = await accessPaths(hub, broken, { organizationId: ORG_ID });
      // The worker's own policy still names only the chat-ops roles: denied, but the remediator is now locked out.
      assert.equal(
        byName(out, "chat-ops worker role assumes the spoke remediation role").actual,
        "ImplicitlyDenied",
      );
      const r = byName(out, "remediator role assumes the spoke remediation role");
      assert.deepEqual(
        [r.ok, r.actual, r.decisive],
        [false, "ImplicitlyDenied", ["resource #1: principal does not match"]],
      );
    });

    it("a misspelt action (events:PutEvent) silently grants nothing, as in AWS: the path fails", async () => {
      const broken = copy(spoke);
      broken.roles["security-guard-forwarder"].inline[0].policy.Statement[0].Action = "events:PutEvent";
      const r = byName(
        await accessPaths(hub, broken, { organizationId: ORG_ID }),
        "spoke forwarder role puts events on the hub bus",
      );
      assert.deepEqual(
        [r.ok, r.actual, r.decisive],
        [false, "ImplicitlyDenied", ["identity: no statement allows the action"]],
      );
      assert.match(
        formatAccess([r]),
        /FAIL spoke forwarder role puts events on the hub bus +ImplicitlyDenied \(expected Allowed\)/,
      );
    });

    it("a missing role is reported by name, not thrown", async () => {
      const broken = copy(hub);
      delete broken.roles["security-guard-remediator-role"];
      const r = byName(
        await accessPaths(broken, spoke, { organizationId: ORG_ID }),
        "remediator role assumes the spoke remediation role",
      );
      assert.deepEqual(
        [r.actual, r.error],
        ["Error", "missing: role security-guard-remediator-role in stack hub"],
      );
    });
  });
});

describe("wiring: IAM actions of hub and spoke exist in AWS's catalog", function () {
  this.timeout(120_000);

  it("checks every action of every document and finds none unknown", async () => {
    const hub = checkActions("hub", (await defaultHub()).resources);
    const spoke = checkActions("spoke", (await spokeWith()).resources);
    assert.deepEqual([...hub.problems, ...spoke.problems], []);
    // Not an empty pass: the hub and the spoke hold dozens of documents and actions.
    assert.ok(hub.documents >= 12 && hub.actions >= 50, JSON.stringify(hub));
    assert.ok(spoke.documents >= 10 && spoke.actions >= 20, JSON.stringify(spoke));
  });

  it("names a misspelt action with its resource and statement", async () => {
    const spoke = await spokeWith();
    const resources = spoke.resources.map((r) =>
      r.name === "spoke-account-forwarder-policy"
        ? {
            ...r,
            props: {
              ...r.props,
              policy: String(r.props.policy).replace("events:PutEvents", "events:PutEvent"),
            },
          }
        : r,
    );
    assert.deepEqual(checkActions("spoke", resources).problems, [
      'spoke spoke-account-forwarder-policy policy Statement[0] (Sid "PutOnHubBus"): "events:PutEvent" is not an action in AWS\'s action catalog',
    ]);
  });
});

describe("wiring: chat-ops sessions carry the Slack user (iam-simulate)", function () {
  this.timeout(120_000);

  it("the worker may assume the chat-ops roles only with a slack-* source identity", async () => {
    const { accessPaths } = await import("../../../verify/wiring/access");
    const { collectDocuments } = await import("../../../verify/wiring/documents");
    const { defaultHub, spokeWith } = await import("../../helpers/stacks");
    const hub = await defaultHub();
    const spoke = await spokeWith();
    const results = await accessPaths(
      collectDocuments("hub", hub.resources),
      collectDocuments("spoke", spoke.resources),
      {
        organizationId: "o-a1b2c3d4e5",
        spokeRegion: "ap-northeast-2",
      },
    );
    const decision = (name: string) => results.find((r) => r.name === name)?.actual;
    assert.equal(
      decision("chat-ops worker role assumes the spoke operator role for a Slack user"),
      "Allowed",
    );
    assert.equal(
      decision("chat-ops worker role sets the Slack user as source identity on the operator role"),
      "Allowed",
    );
    assert.equal(
      decision("chat-ops worker role assumes the spoke operator role without a Slack source identity"),
      "ImplicitlyDenied",
    );
  });
});
