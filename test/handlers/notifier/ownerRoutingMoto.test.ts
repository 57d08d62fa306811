// Routes by owner and OU against moto: the notifier reads a security group's tags in its spoke
// account through the spoke read role (STS AssumeRole, then EC2 DescribeTags), a bucket's tags
// (AssumeRole, then the Tagging API's GetResources with its ARN), and an account's place in the
// organization through Organizations ListParents, then posts to the local Slack fake.
// An account outside the organization shows the failed OU lookup on its message and still posts.
// IAM roles and users (named by ARN in Access Analyzer findings, by name in CloudTrail IAM calls)
// are read with IAM ListRoleTags / ListUserTags through the same role, every page.
import { strict as assert } from "assert";
import { CreateSecurityGroupCommand, EC2Client } from "@aws-sdk/client-ec2";
import { PutBucketTaggingCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { createNotifierHandler, NotifierSettings } from "../../../handlers/notifier";
import { spokeTagLookup } from "../../../handlers/notifier/place/spokeTags";
import { useMoto } from "../../helpers/moto";
import { captureLogs } from "../../helpers/logs";
import { useSlackServer } from "../../helpers/slackServer";
import { bucket, credsFor } from "../chatops/world";
import { fixture } from "./fixtures";
import { createTaggedRole, createTaggedUser, unusedAccessEvent } from "./iamOwners";

const REGION = "ap-northeast-2";
const OUTSIDE = "222222222222";
const ctx = { awsRequestId: "req-owner", getRemainingTimeInMillis: () => 300_000 };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are edited field by field
type Json = Record<string, any>;

/** The world-open SSH fixture, about `groupId` in `account`, with its own event id. */
function sgEvent(account: string, groupId: string, id: string): Json {
  const e = structuredClone(
    fixture("eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json"),
  ) as Json;
  e.id = id;
  e.account = account;
  e.detail.recipientAccountId = account;
  e.detail.userIdentity.accountId = account;
  e.detail.userIdentity.arn = `arn:aws:iam::${account}:user/alice`;
  e.detail.requestParameters.groupId = groupId;
  for (const r of e.detail.responseElements.securityGroupRuleSet.items) {
    r.groupId = groupId;
    r.groupOwnerId = account;
  }
  e.detail.eventID = `${id}-ct`;
  return e;
}

/** The IAM AttachRolePolicy fixture (role app-runtime) in `account`. */
function iamEvent(account: string): Json {
  const e = structuredClone(
    fixture("eventbridge/cloudtrail-iam-attachrolepolicy-federateduser.json"),
  ) as Json;
  e.account = account;
  e.detail.recipientAccountId = account;
  return e;
}

/** The IAM DetachUserPolicy fixture (user legacy-app) in `account`. */
function iamUserEvent(account: string): Json {
  const e = structuredClone(
    fixture("eventbridge/cloudtrail-iam-detachuserpolicy-iamuser-no-username.json"),
  ) as Json;
  e.account = account;
  e.detail.recipientAccountId = account;
  return e;
}

/** The PutBucketPolicy fixture (Tokyo) about `name` in `account`. */
function bucketEvent(account: string, name: string): Json {
  const e = structuredClone(fixture("cis/s3-put-bucket-policy-tokyo.json")) as Json;
  e.account = account;
  e.detail.recipientAccountId = account;
  e.detail.userIdentity.accountId = account;
  e.detail.requestParameters.bucketName = name;
  e.detail.resources = [{ accountId: account, type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${name}` }];
  return e;
}

const READ_ROLE = "security-guard-coverage-reader";

function contextLines(post: unknown): string[] {
  const blocks = (post as { attachments: Array<{ blocks: Json[] }> }).attachments[0].blocks;
  return blocks
    .filter((b) => b.type === "context")
    .map((b) => (b.elements as Array<{ text?: string }>).map((x) => x.text).join(" "));
}

describe("notifier routes by owner tag and organizational unit (moto, Slack fake)", function () {
  this.timeout(120_000);
  useMoto();
  const slack = useSlackServer();

  /** Each event through a notifier routing by owner to the identity and platform webhooks (owners read through the spoke read role), with the logs. */
  async function notifyTeamsByOwner(events: unknown[]) {
    const settings: NotifierSettings = {
      accountNames: {},
      routes: [
        { webhook: "identity", owners: ["identity"] },
        { webhook: "platform", owners: ["platform"] },
      ],
      lookups: { partition: "aws", roleName: READ_ROLE },
    };
    const notify = createNotifierHandler(settings, {
      ...process.env,
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS: JSON.stringify({
        default: slack.url("/services/default"),
        identity: slack.url("/services/identity"),
        platform: slack.url("/services/platform"),
      }),
    });
    const logs = captureLogs();
    const results: unknown[] = [];
    try {
      for (const event of events) results.push(await notify(event, ctx));
    } finally {
      logs.restore();
    }
    return { results, logs };
  }

  it("a group tagged team=payments goes to the payments webhook via a tag lookup; a bucket tagged team=data goes to data via GetResources; an account in the prod OU's child goes to prod; an account outside the organization posts to default saying why", async () => {
    // The organization: root -> prod -> payments-prod, with one member account in payments-prod.
    const org = new OrganizationsClient({ region: "us-east-1" });
    await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    const rootId = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
    const prod = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: "prod" })))
      .OrganizationalUnit!.Id!;
    const inner = (
      await org.send(new CreateOrganizationalUnitCommand({ ParentId: prod, Name: "payments-prod" }))
    ).OrganizationalUnit!.Id!;
    const member = (
      await org.send(
        new CreateAccountCommand({ AccountName: "payments-prod", Email: "payments@example.com" }),
      )
    ).CreateAccountStatus!.AccountId!;
    await org.send(
      new MoveAccountCommand({ AccountId: member, SourceParentId: rootId, DestinationParentId: inner }),
    );
    org.destroy();

    // The security group in the member account, tagged by its team.
    const ec2 = new EC2Client({ region: REGION, credentials: await credsFor(member) });
    const group = (
      await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: "payments-api",
          Description: "payments api",
          TagSpecifications: [{ ResourceType: "security-group", Tags: [{ Key: "Team", Value: "payments" }] }],
        }),
      )
    ).GroupId!;
    ec2.destroy();

    // A bucket in the member account (Tokyo, the event's region), tagged by its team: no EC2 id,
    // so its owner is read with GetResources by ARN.
    const memberCreds = await credsFor(member);
    await bucket(memberCreds, "data-exports", "ap-northeast-1");
    const s3 = new S3Client({ region: "ap-northeast-1", credentials: memberCreds });
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: "data-exports",
        Tagging: { TagSet: [{ Key: "team", Value: "data" }] },
      }),
    );
    s3.destroy();
    // The role the IAM call names, without an owner tag: its account's OU decides.
    await createTaggedRole(member, "app-runtime", {});

    const settings: NotifierSettings = {
      accountNames: {},
      routes: [
        { webhook: "payments", owners: ["payments"] },
        { webhook: "data", owners: ["data"] },
        { webhook: "prod", organizationalUnits: [prod] },
      ],
      lookups: { partition: "aws", roleName: "security-guard-coverage-reader" },
    };
    const env = {
      ...process.env,
      LOCAL_RUN: "1",
      SLACK_WEBHOOKS: JSON.stringify({
        default: slack.url("/services/default"),
        payments: slack.url("/services/payments"),
        data: slack.url("/services/data"),
        prod: slack.url("/services/prod"),
      }),
    };
    const notify = createNotifierHandler(settings, env);
    const logs = captureLogs();
    const results: unknown[] = [];
    try {
      for (const event of [
        sgEvent(member, group, "ev-1"),
        iamEvent(member),
        sgEvent(OUTSIDE, group, "ev-2"),
        bucketEvent(member, "data-exports"),
      ])
        results.push(await notify(event, ctx));
    } finally {
      logs.restore();
    }
    assert.deepEqual(
      results.map((r) => (r as { posted: number }).posted),
      [1, 1, 1, 1],
      JSON.stringify(logs.lines),
    );

    const [payments] = slack.posts("/services/payments");
    assert.equal(slack.posts("/services/payments").length, 1);
    assert.deepEqual(contextLines(payments).slice(0, 2), [
      ":rotating_light: Severity: *critical*",
      "owner: *payments*",
    ]);
    assert.ok(JSON.stringify(payments).includes(group));

    // The bucket's owner tag, read by ARN, routes it to the data webhook ahead of the prod OU.
    const dataPosts = slack.posts("/services/data");
    assert.equal(dataPosts.length, 1);
    assert.match((dataPosts[0] as { text: string }).text, /PutBucketPolicy/);
    assert.ok(
      contextLines(dataPosts[0]).includes("owner: *data*"),
      JSON.stringify(contextLines(dataPosts[0])),
    );
    assert.ok(JSON.stringify(dataPosts[0]).includes("data-exports"));

    const prodPosts = slack.posts("/services/prod");
    assert.equal(prodPosts.length, 1);
    assert.match((prodPosts[0] as { text: string }).text, /AttachRolePolicy/);
    assert.ok(
      !contextLines(prodPosts[0]).some((l) => l.includes("owner:") || l.includes("Routed without it")),
      "the role was read and has no owner tag",
    );
    assert.deepEqual(
      logs.lines
        .filter((l) => l.message === "owner unknown" && JSON.stringify(l.notes).includes("app-runtime"))
        .map((l) => l.notes),
      [[`arn:aws:iam::${member}:role/app-runtime has no owner tag (owner, team)`]],
    );

    // Outside the organization: ListParents fails, the alert still posts (to default) and says why.
    const fallback = slack.posts("/services/default");
    assert.equal(fallback.length, 1);
    const warning = contextLines(fallback[0]).find((l) => l.startsWith(":warning: Routed without it"));
    assert.match(
      warning ?? "",
      /^:warning: Routed without it: the organizational unit of account 222222222222 could not be looked up: AccountNotFoundException: /,
    );
    const logged = logs.lines.find((l) => l.message === "routed without what could not be looked up");
    assert.ok(logged, "the failed lookup is logged");
    assert.equal(logged.eventId, "ev-2-ct");
    assert.equal((logged.problems as string[]).length, 1);
  });

  it("an IAM role tagged Team=identity and a user tagged owner=platform, read with IAM through the read role, go to their teams; an untagged role goes to default saying so", async () => {
    const member = "555555555555";
    // A path in the ARN: IAM's tag listings take the name alone (the last segment).
    const broker = await createTaggedRole(
      member,
      "identity-broker",
      { Team: "identity" },
      "/service-role/sso/",
    );
    assert.equal(broker, `arn:aws:iam::${member}:role/service-role/sso/identity-broker`);
    const bot = await createTaggedUser(member, "deploy-bot", { owner: "platform" });
    const bare = await createTaggedRole(member, "legacy-batch", {});

    const { results, logs } = await notifyTeamsByOwner([
      unusedAccessEvent(broker, "ev-role"),
      unusedAccessEvent(bot, "ev-user"),
      unusedAccessEvent(bare, "ev-bare"),
    ]);
    assert.deepEqual(
      results.map((r) => (r as { posted: number }).posted),
      [1, 1, 1],
      JSON.stringify(logs.lines),
    );
    const [identity] = slack.posts("/services/identity");
    assert.equal(slack.posts("/services/identity").length, 1);
    assert.equal(contextLines(identity)[1], "owner: *identity*");
    assert.ok(JSON.stringify(identity).includes("identity-broker"));
    const [platform] = slack.posts("/services/platform");
    assert.equal(slack.posts("/services/platform").length, 1);
    assert.equal(contextLines(platform)[1], "owner: *platform*");
    assert.ok(JSON.stringify(platform).includes("deploy-bot"));
    // No owner tag: the default webhook, no owner line, no failure; the log says why.
    const fallback = slack.posts("/services/default");
    assert.equal(fallback.length, 1);
    assert.ok(JSON.stringify(fallback[0]).includes("legacy-batch"));
    assert.ok(
      !contextLines(fallback[0]).some((l) => l.includes("owner:") || l.includes("Routed without it")),
    );
    assert.deepEqual(
      logs.lines.filter((l) => l.message === "owner unknown").map((l) => l.notes),
      [[`${bare} has no owner tag (owner, team)`]],
    );
    assert.equal(
      logs.lines.filter((l) => l.message === "routed without what could not be looked up").length,
      0,
    );
  });

  it("a CloudTrail AttachRolePolicy on a role tagged team=identity, and a DetachUserPolicy on a user tagged owner=platform, both named by name only, go to their teams through the read role", async () => {
    const member = "555555555555";
    // Under a path the event does not carry: IAM's tag listings take the name alone.
    await createTaggedRole(member, "app-runtime", { team: "identity" }, "/service-role/");
    await createTaggedUser(member, "legacy-app", { owner: "platform" });
    const { results, logs } = await notifyTeamsByOwner([iamEvent(member), iamUserEvent(member)]);
    assert.deepEqual(
      results.map((r) => (r as { posted: number }).posted),
      [1, 1],
      JSON.stringify(logs.lines),
    );
    const identity = slack.posts("/services/identity");
    assert.equal(identity.length, 1);
    assert.equal(
      (identity[0] as { text: string }).text.split(" by ")[0],
      "[high] IAM AttachRolePolicy on app-runtime",
    );
    assert.equal(contextLines(identity[0])[1], "owner: *identity*");
    const platform = slack.posts("/services/platform");
    assert.equal(platform.length, 1);
    assert.equal(
      (platform[0] as { text: string }).text.split(" by ")[0],
      "[high] :red_circle: IAM DetachUserPolicy on legacy-app",
    );
    assert.equal(contextLines(platform[0])[1], "owner: *platform*");
    assert.equal(slack.posts("/services/default").length, 0);
    assert.equal(
      logs.lines.filter((l) => l.message === "routed without what could not be looked up").length,
      0,
    );
  });

  it("reads every page of a role's tags (Marker), and fails with IAM's error for a role that is not there", async () => {
    const member = "555555555555";
    // Listed sorted by key, two a page: the owner tag comes on the third page.
    const tags = { "cost-center": "cc-1", env: "prod", name: "many-tags", service: "etl", team: "data" };
    const arn = await createTaggedRole(member, "many-tags", tags);
    const lookup = spokeTagLookup("aws", READ_ROLE, { iamPageSize: 2 });
    const signal = new AbortController().signal;
    assert.deepEqual(await lookup({ accountId: member, resourceId: arn, via: "iam" }, signal), tags);
    await assert.rejects(
      lookup({ accountId: member, resourceId: `arn:aws:iam::${member}:role/gone`, via: "iam" }, signal),
      // IAM's own error, naming the role (moto: "Role gone not found").
      /^NoSuchEntityException: .*\bgone\b/,
    );
  });
});
