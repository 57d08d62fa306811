// Routes by the resource's owner and the account's organizational units: the choice itself, the
// owner tag rule, the settings' validation, the per-container resolver (event tags first, lookups
// cached, failures routed without and said), and what the rendered message shows.
import { strict as assert } from "assert";
import { chooseRoute, SignalRoute } from "../../../handlers/notifier/routing";
import { ownerFromTags } from "../../../handlers/notifier/place/ownerTag";
import {
  TagTarget,
  ec2ResourceId,
  iamPrincipal,
  tagSource,
} from "../../../handlers/notifier/place/spokeTags";
import { ttlCache } from "../../../handlers/notifier/place/ttlCache";
import { createPlaceResolver } from "../../../handlers/notifier/place/resolve";
import { validateNotifierSettings, NotifierSettings } from "../../../handlers/notifier/settings";
import { renderMessages } from "../../../handlers/notifier/render";
import { unwrap } from "../../../handlers/findings/envelopes";
import { findingOfRecord } from "../../../handlers/findings/registry";
import type { Finding } from "../../../handlers/findings/model";
import { deadlineFrom } from "../../../handlers/shared/deadline";
import { incidentCard } from "../../../handlers/notifier/incidents/card";
import type { Incident } from "../../../handlers/notifier/incidents/state";
import { incidentSignal } from "../../../handlers/notifier/incidents/adapt";
import { blocksOf, fieldsOf, fixture } from "./fixtures";

const OU_PAYMENTS = "ou-a1b2-11111111";
const OU_PROD = "ou-a1b2-22222222";
const ROUTES: SignalRoute[] = [
  { webhook: "payments", owners: ["payments", "billing"] },
  { webhook: "prod", organizationalUnits: [OU_PROD] },
  { webhook: "data-critical", owners: ["data"], minSeverity: "critical" },
];

const SG_EVENT = "eventbridge/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json";

function findingOf(event: unknown): Finding {
  const out = findingOfRecord(unwrap(event)[0], { sshConfigRules: ["restricted-ssh"] });
  assert.ok(out.finding, `a finding: ${JSON.stringify(out.problems)}`);
  return out.finding;
}

/** A Security Hub finding whose resource carries `tags` (ASFF Resources[].Tags). */
function taggedSecurityHub(tags: Record<string, string>): unknown {
  const e = fixture("findings/securityhub-imported-ec2-19-critical.json") as {
    detail: { findings: Array<{ Resources: Array<Record<string, unknown>> }> };
  };
  e.detail.findings[0].Resources[0].Tags = tags;
  return e;
}

describe("routes by owner and organizational unit", () => {
  describe("chooseRoute", () => {
    it("a route naming owners takes only events whose owner is one of them, and says which owner decided", () => {
      assert.deepEqual(
        chooseRoute(ROUTES, undefined, "222222222222", "security-group", "high", { owner: "billing" }),
        {
          route: "0",
          webhook: "payments",
          email: false,
          owner: "billing",
        },
      );
      assert.equal(
        chooseRoute(ROUTES, undefined, "222222222222", "security-group", "high", { owner: "Payments" }).route,
        "default",
        "owner values match exactly",
      );
      assert.equal(chooseRoute(ROUTES, undefined, "222222222222", "iam", "high").route, "default");
    });

    it("a route naming OUs takes accounts in that OU or any OU below it, and says which OU decided", () => {
      const nested = { organizationalUnits: [OU_PAYMENTS, OU_PROD, "r-a1b2"] };
      assert.deepEqual(chooseRoute(ROUTES, undefined, "222222222222", "iam", "low", nested), {
        route: "1",
        webhook: "prod",
        email: false,
        organizationalUnit: OU_PROD,
      });
      assert.equal(
        chooseRoute(ROUTES, undefined, "222222222222", "iam", "low", {
          organizationalUnits: [OU_PAYMENTS, "r-a1b2"],
        }).route,
        "default",
      );
    });

    it("owners combine with minSeverity and the earlier routes: a lower severity falls through", () => {
      const place = { owner: "data", organizationalUnits: [OU_PROD, "r-a1b2"] };
      assert.equal(chooseRoute(ROUTES, undefined, "222222222222", "guardduty", "critical", place).route, "1");
      const noOu = { owner: "data" };
      assert.equal(
        chooseRoute(ROUTES, undefined, "222222222222", "guardduty", "critical", noOu).webhook,
        "data-critical",
      );
      assert.equal(
        chooseRoute(ROUTES, undefined, "222222222222", "guardduty", "high", noOu).webhook,
        "default",
      );
    });
  });

  describe("owner tag", () => {
    it("the first configured key the resource has wins, keys matched ignoring case, blank values skipped", () => {
      const keys = ["owner", "team"];
      assert.deepEqual(ownerFromTags({ Team: "payments", OWNER: "alice" }, keys), {
        owner: "alice",
        key: "OWNER",
      });
      assert.deepEqual(ownerFromTags({ Team: " payments ", owner: " " }, keys), {
        owner: "payments",
        key: "Team",
      });
      assert.equal(ownerFromTags({ Name: "web" }, keys), undefined);
      assert.equal(ownerFromTags(undefined, keys), undefined);
    });

    it("EC2 resources are read with DescribeTags by id or ARN, IAM roles and users with IAM, others by ARN with the Tagging API", () => {
      assert.equal(ec2ResourceId("sg-0a1b2c3d4e5f60718"), "sg-0a1b2c3d4e5f60718");
      assert.equal(ec2ResourceId("i-0123456789abcdef0"), "i-0123456789abcdef0");
      assert.equal(
        ec2ResourceId("arn:aws:ec2:ap-northeast-1:444444444444:security-group/sg-0b1c2d3e4f5a6b7c8"),
        "sg-0b1c2d3e4f5a6b7c8",
      );
      assert.equal(ec2ResourceId("arn:aws:s3:::payments-bucket"), undefined);
      assert.equal(ec2ResourceId("alice"), undefined);
      const ec2Arn = "arn:aws:ec2:ap-northeast-1:444444444444:security-group/sg-0b1c2d3e4f5a6b7c8";
      assert.deepEqual(tagSource(ec2Arn), { resourceId: "sg-0b1c2d3e4f5a6b7c8", via: "ec2" });
      // A global ARN names no region (the event's is used); a regional one names its own.
      assert.deepEqual(tagSource("arn:aws:s3:::payments-bucket"), {
        resourceId: "arn:aws:s3:::payments-bucket",
        via: "tagging",
        region: undefined,
      });
      const key = "arn:aws:kms:eu-west-1:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      assert.deepEqual(tagSource(key), { resourceId: key, via: "tagging", region: "eu-west-1" });
      // IAM is global: no region, and the ARN's account is where the tags are read.
      assert.deepEqual(tagSource("arn:aws:iam::444444444444:role/app"), {
        resourceId: "arn:aws:iam::444444444444:role/app",
        via: "iam",
        accountId: "444444444444",
      });
      assert.deepEqual(tagSource("arn:aws-cn:iam::555555555555:user/ci/deploy/bot"), {
        resourceId: "arn:aws-cn:iam::555555555555:user/ci/deploy/bot",
        via: "iam",
        accountId: "555555555555",
      });
      // The name IAM's tag listings take is the ARN's last path segment.
      assert.deepEqual(iamPrincipal("arn:aws:iam::444444444444:role/service-role/etl/app"), {
        kind: "role",
        name: "app",
      });
      assert.deepEqual(iamPrincipal("arn:aws:iam::444444444444:user/alice"), { kind: "user", name: "alice" });
      assert.equal(iamPrincipal("arn:aws:iam::444444444444:role/"), undefined);
      assert.equal(iamPrincipal("arn:aws:iam::444444444444:group/admins"), undefined);
      assert.deepEqual(tagSource("arn:aws:iam::444444444444:policy/s3-write-all"), {
        skip: "arn:aws:iam::444444444444:policy/s3-write-all is an IAM resource other than a role or user (only their tags are read)",
      });
      assert.deepEqual(tagSource("alice"), { skip: "alice is neither an EC2 id nor an ARN" });
    });
  });

  describe("settings", () => {
    const base: NotifierSettings = { accountNames: {}, routes: [] };
    it("accepts owners, OUs, ownerTagKeys and lookups", () => {
      assert.deepEqual(
        validateNotifierSettings({
          ...base,
          routes: ROUTES,
          ownerTagKeys: ["Owner", "team"],
          lookups: {
            partition: "aws",
            roleName: "security-guard-coverage-reader",
            cacheSeconds: 60,
            timeoutMs: 500,
          },
        }),
        [],
      );
    });

    it("names each bad owner, OU, tag key and lookup setting", () => {
      assert.deepEqual(
        validateNotifierSettings({
          ...base,
          routes: [
            { webhook: "a", owners: [] },
            { webhook: "b", owners: [""], organizationalUnits: ["r-a1b2", OU_PROD] },
            { webhook: "c", organizationalUnits: "ou-a1b2-22222222" },
          ],
          ownerTagKeys: ["owner", "Owner"],
          lookups: { partition: "aws", roleName: "no spaces please", timeoutMs: 0 },
        }),
        [
          "routes[0].owners must be a non-empty array of owner tag values when given",
          'routes[1].owners: "" is not a tag value (1 to 256 characters)',
          'routes[1].organizationalUnits: "r-a1b2" is not an organizational unit id (ou-xxxx-xxxxxxxx)',
          "routes[2].organizationalUnits must be a non-empty array of organizational unit ids (ou-...) when given",
          'ownerTagKeys: "Owner" is listed twice (keys match ignoring case)',
          'lookups.roleName must be an IAM role name, got "no spaces please"',
          "lookups.timeoutMs must be an integer >= 1, got 0",
        ],
      );
    });
  });

  describe("ttl cache", () => {
    it("shares one load per key until it expires, drops the oldest key when full, retries failures sooner", async () => {
      let t = 0;
      const cache = ttlCache<number>({ ttlMs: 1000, failureTtlMs: 100, maxEntries: 2, now: () => t });
      let loads = 0;
      const load = (v: number) => () => (loads++, Promise.resolve(v));
      assert.deepEqual(await Promise.all([cache.get("a", load(1)), cache.get("a", load(2))]), [1, 1]);
      assert.equal(loads, 1);
      await cache.get("b", load(3));
      await cache.get("c", load(4));
      assert.equal(cache.size(), 2);
      assert.equal(await cache.get("a", load(5)), 5, "a was the oldest: evicted");
      t = 1500;
      assert.equal(await cache.get("c", load(6)), 6, "expired after ttlMs");
      t = 2000;
      await assert.rejects(cache.get("x", () => Promise.reject(new Error("down"))));
      await assert.rejects(
        cache.get("x", () => Promise.resolve(0)),
        /down/,
        "a failure is kept for failureTtlMs",
      );
      t = 2101;
      assert.equal(await cache.get("x", () => Promise.resolve(7)), 7, "and then tried again");
    });
  });

  describe("resolver", () => {
    const deadline = () => deadlineFrom(undefined, 0, 10_000);

    it("event tags decide without a lookup; otherwise the EC2 resource's tags are read once per TTL", async () => {
      let t = 0;
      const calls: string[] = [];
      const resolver = createPlaceResolver({
        ownerTagKeys: ["owner", "team"],
        tags: async (target) => {
          calls.push(`${target.accountId} ${"region" in target ? target.region : "-"} ${target.resourceId}`);
          return { team: "payments" };
        },
        cacheSeconds: 60,
        timeoutMs: 1000,
        now: () => t,
      });
      const tagged = findingOf(taggedSecurityHub({ Team: "web" }));
      assert.deepEqual(await resolver.resolve(tagged, deadline()), {
        owner: "web",
        ownerSource: "event",
        ownerKey: "Team",
        problems: [],
        notes: [],
      });
      assert.deepEqual(calls, []);
      const sg = findingOf(fixture(SG_EVENT));
      for (let i = 0; i < 3; i++)
        assert.deepEqual(await resolver.resolve(sg, deadline()), {
          owner: "payments",
          ownerSource: "lookup",
          ownerKey: "team",
          problems: [],
          notes: [],
        });
      assert.deepEqual(calls, ["222222222222 ap-northeast-2 sg-0a1b2c3d4e5f60718"]);
      t = 61_000;
      await resolver.resolve(sg, deadline());
      assert.equal(calls.length, 2, "looked up again after cacheSeconds");
    });

    it("an IAM role named by ARN is read in the ARN's account without a region, once for every region", async () => {
      const targets: TagTarget[] = [];
      const resolver = createPlaceResolver({
        ownerTagKeys: ["owner", "team"],
        tags: async (target) => {
          targets.push(target);
          return { Team: "identity" };
        },
        cacheSeconds: 60,
        timeoutMs: 1000,
      });
      const unused = fixture("findings/access-analyzer-unused-iam-role.json") as {
        region: string;
        id: string;
      };
      const elsewhere = structuredClone(unused);
      elsewhere.region = "eu-west-1";
      elsewhere.id = "other-region";
      for (const event of [unused, elsewhere])
        assert.deepEqual(await resolver.resolve(findingOf(event), deadline()), {
          owner: "identity",
          ownerSource: "lookup",
          ownerKey: "Team",
          problems: [],
          notes: [],
        });
      assert.deepEqual(targets, [
        {
          accountId: "222222222222",
          resourceId: "arn:aws:iam::222222222222:role/legacy-batch-exporter",
          via: "iam",
        },
      ]);
    });

    it("a failed or slow lookup routes without the owner and says why; a resource named neither by EC2 id nor by ARN is only noted", async () => {
      const failing = createPlaceResolver({
        ownerTagKeys: ["owner"],
        tags: async () => {
          throw new Error(
            "cannot assume arn:aws:iam::222222222222:role/security-guard-coverage-reader: AccessDenied",
          );
        },
        parents: () => new Promise<string[]>(() => undefined),
        cacheSeconds: 60,
        timeoutMs: 50,
      });
      const place = await failing.resolve(findingOf(fixture(SG_EVENT)), deadline());
      assert.deepEqual(place, {
        problems: [
          "the owner of sg-0a1b2c3d4e5f60718 could not be looked up: Error: cannot assume arn:aws:iam::222222222222:role/security-guard-coverage-reader: AccessDenied",
          "the organizational unit of account 222222222222 could not be looked up: DeadlineExceeded: Organizations ListParents of 222222222222 did not answer within 50 ms",
        ],
        notes: [],
      });
      // A CloudTrail call on an IAM role names it by name; the finding carries its ARN, which is read.
      const iam = fixture("eventbridge/cloudtrail-iam-attachrolepolicy-federateduser.json") as {
        detail: { eventName: string; requestParameters: Record<string, string> };
      };
      const targets: unknown[] = [];
      const ok = createPlaceResolver({
        ownerTagKeys: ["owner"],
        tags: async (target) => {
          targets.push(target);
          return {};
        },
        cacheSeconds: 60,
        timeoutMs: 50,
      });
      const read = await ok.resolve(findingOf(iam), deadline());
      assert.deepEqual(read, {
        problems: [],
        notes: ["arn:aws:iam::444444444444:role/app-runtime has no owner tag (owner)"],
      });
      assert.deepEqual(targets, [
        { accountId: "444444444444", resourceId: "arn:aws:iam::444444444444:role/app-runtime", via: "iam" },
      ]);
      // A group is named by name only, and groups carry no tags: nothing is read, the note says why.
      iam.detail.eventName = "AttachGroupPolicy";
      iam.detail.requestParameters = { groupName: "admins", policyArn: "arn:aws:iam::aws:policy/X" };
      const noted = await ok.resolve(findingOf(iam), deadline());
      assert.deepEqual(noted, {
        problems: [],
        notes: ["owner not looked up: admins is neither an EC2 id nor an ARN"],
      });
      assert.equal(targets.length, 1);
    });
  });

  describe("the message", () => {
    it("shows the owner from the event's tags under the severity line, and its route takes it", () => {
      const [r] = renderMessages(taggedSecurityHub({ owner: "payments" }), {
        accountNames: {},
        routes: ROUTES,
      });
      assert.equal(r.webhook, "payments");
      assert.equal(r.route, "0");
      const texts = blocksOf(r.message!).map((b) =>
        b.type === "context" ? (b.elements ?? []).map((e) => e.text).join(" ") : b.type,
      );
      assert.deepEqual(texts.slice(0, 3), [
        "header",
        ":rotating_light: Severity: *critical*",
        "owner: *payments*",
      ]);
    });

    it("an event without owner tags renders as before: no owner line", () => {
      const [r] = renderMessages(fixture(SG_EVENT), { accountNames: {}, routes: ROUTES });
      assert.equal(r.webhook, "default");
      assert.ok(!JSON.stringify(r.message).includes("owner:"));
    });
  });

  describe("the incident card", () => {
    it("the signal carries the owner and the card shows it with the resource", () => {
      const signal = incidentSignal(findingOf(fixture(SG_EVENT)), "critical", "SSH open", "ev-1", "payments");
      assert.deepEqual(signal?.resource, {
        uid: "sg-0a1b2c3d4e5f60718",
        account: "222222222222",
        region: "ap-northeast-2",
        owner: "payments",
      });
      const inc = {
        key: "k",
        id: "INC-1",
        state: "open",
        severity: "critical",
        title: "SSH open",
        resource: signal!.resource,
        openedAt: "2026-11-20T01:02:03Z",
        lastSignalAtMs: 0,
        stateSince: "2026-11-20T01:02:03Z",
        signals: 1,
        repeats: 0,
        timeline: [],
        omitted: 0,
        seen: {},
        posted: false,
        unposted: [],
      } as unknown as Incident;
      assert.equal(
        fieldsOf(incidentCard(inc, { "222222222222": "payments" })).Resource,
        "`sg-0a1b2c3d4e5f60718` · payments (222222222222) · ap-northeast-2 · owner: payments",
      );
    });
  });
});
