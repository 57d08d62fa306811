// Routes by owner through the notifier as deployed: the package built (as CallbackFunction
// serializes it) from the repo's hub stack file with a route naming owners ahead of its account
// route, run in a separate node process with only the AWS SDK on NODE_PATH. The settings in the
// serialized closure carry the lookup (the spoke read role), so the function assumes that role in
// the resource's account in moto and reads the tags of an IAM role and user there with IAM
// ListRoleTags / ListUserTags, then posts to the local Slack fake.
import { strict as assert } from "assert";
import { buildDeployedPackagesWith, invokeDeployed } from "../../helpers/deployed";
import { useMoto } from "../../helpers/moto";
import { createSeenTable } from "../../helpers/seenTable";
import { useSlackServer } from "../../helpers/slackServer";
import type { SlackMessage } from "../../../handlers/notifier";
import { contextTexts } from "./fixtures";
import { createTaggedRole, createTaggedUser, unusedAccessEvent } from "./iamOwners";

const FUNCTION = "security-guard-notifier";
/** The payments account: Pulumi.hub.yaml routes it to the payments webhook. */
const PAYMENTS = "222222222222";

describe("notifier as deployed routes by an IAM role's and user's owner tag (built package, moto + Slack fake)", function () {
  this.timeout(300_000);
  const moto = useMoto();
  const slack = useSlackServer();
  let fnDir: string;

  before(async function () {
    this.timeout(600_000);
    const { manifest } = await buildDeployedPackagesWith({
      slackRoutes: [
        { webhook: "identity", owners: ["identity"] },
        { webhook: "platform", owners: ["platform"] },
        { webhook: "payments", accounts: [PAYMENTS] },
      ],
      grouping: { enabled: false },
    });
    const fn = manifest.functions.find((f) => f.function === FUNCTION);
    assert.ok(fn, `${FUNCTION} is in the manifest`);
    // The IAM client comes with the runtime's SDK, as every AWS client the function uses.
    assert.ok(
      !fn.packages.some((p) => p.startsWith("@pulumi") || p.startsWith("@aws-sdk")),
      `packages: ${fn.packages}`,
    );
    fnDir = fn.dir;
  });

  it("an IAM role tagged Team=identity and a user tagged owner=platform in the payments account go to their teams; an untagged role keeps the account's route", async () => {
    await createSeenTable("security-guard-notifier-seen");
    const role = await createTaggedRole(PAYMENTS, "identity-broker", { Team: "identity" }, "/sso/");
    const user = await createTaggedUser(PAYMENTS, "deploy-bot", { owner: "platform" });
    const bare = await createTaggedRole(PAYMENTS, "legacy-batch", {});
    const { results, stdout, stderr } = await invokeDeployed(
      fnDir,
      [
        unusedAccessEvent(role, "ev-role"),
        unusedAccessEvent(user, "ev-user"),
        unusedAccessEvent(bare, "ev-bare"),
      ],
      {
        ...moto().env,
        LOCAL_RUN: "1",
        SLACK_WEBHOOKS: JSON.stringify({
          default: slack.url("/services/default"),
          identity: slack.url("/services/identity"),
          platform: slack.url("/services/platform"),
          payments: slack.url("/services/payments"),
        }),
      },
    );
    const diag = `stdout:\n${stdout}\nstderr:\n${stderr}`;
    assert.deepEqual(
      results.map((r) => [r.ok, (r.value as { posted?: number })?.posted]),
      [
        [true, 1],
        [true, 1],
        [true, 1],
      ],
      diag,
    );
    // Each webhook's posts: which of the three principals each is about, and its owner line.
    const seen = (hook: string) =>
      slack.posts(`/services/${hook}`).map((m) => ({
        about: [role, user, bare].filter((arn) => JSON.stringify(m).includes(arn.split("/").pop()!)),
        owner: contextTexts(m as SlackMessage).find((t) => t.startsWith("owner: ")),
      }));
    assert.deepEqual(seen("identity"), [{ about: [role], owner: "owner: *identity*" }], diag);
    assert.deepEqual(seen("platform"), [{ about: [user], owner: "owner: *platform*" }], diag);
    assert.deepEqual(seen("payments"), [{ about: [bare], owner: undefined }], diag);
    assert.deepEqual(seen("default"), []);
    // The untagged role was read too (no failure): the log says it has no owner tag.
    const logged = stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { message?: string; notes?: string[]; problems?: string[] });
    assert.deepEqual(
      logged.filter((l) => l.message === "owner unknown").map((l) => l.notes),
      [[`${bare} has no owner tag (owner, team)`]],
      diag,
    );
    assert.deepEqual(
      logged.filter((l) => l.problems),
      [],
      diag,
    );
  });
});
