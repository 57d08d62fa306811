// The pieces of the hub session behind Mute and Acknowledge that need no emulator: the session tag
// values STS accepts, and the settings check of the role it assumes.
import { strict as assert } from "assert";
import { sessionTagValue } from "../../../../handlers/chatops/worker/aws";
import { alertTag, sessionTags } from "../../../../handlers/chatops/worker/alerts/hubSession";
import { workerSettingsProblems } from "../../../../handlers/chatops/worker/settings";
import * as w from "../world";

const REF = {
  accountId: w.PROD,
  region: w.SEOUL,
  kind: "security-group",
  eventName: "AuthorizeSecurityGroupIngress",
  groupId: "sg-0123456789abcdef0",
  permissions: [],
};

describe("alert actions: the hub session's tags and role", () => {
  it("tags name the action and the alert (event id, or the resource without one)", () => {
    assert.deepEqual(sessionTags("mute", { ...REF, eventId: "b7a1e0c2-3d4f" }), {
      action: "mute",
      alert: `${w.PROD}/${w.SEOUL}/AuthorizeSecurityGroupIngress/b7a1e0c2-3d4f`,
    });
    assert.equal(alertTag(REF), `${w.PROD}/${w.SEOUL}/AuthorizeSecurityGroupIngress/sg-0123456789abcdef0`);
  });

  it("session tag values keep what STS allows and replace the rest, at most 256 characters", () => {
    assert.equal(sessionTagValue("a-Z_0.9:/=+@ é"), "a-Z_0.9:/=+@ é");
    assert.equal(sessionTagValue('x"<y>;{z}*'), "x__y___z__");
    assert.equal(sessionTagValue("é".repeat(300)), "é".repeat(256));
  });

  it("the worker's settings need the alert-actions role as an IAM role ARN", () => {
    const base = {
      ...w.SETTINGS,
      alertActions: {
        exemptTagKey: "security-guard:ssh-exempt",
        dryRun: false,
        dryRunAccounts: [],
        mutesTable: "security-guard-alert-mutes",
        recordsTable: "security-guard-alert-records",
        reportBus: "security-guard-events",
        actionsRoleArn: "arn:aws:iam::111111111111:role/security-guard-alert-actions",
      },
    };
    assert.deepEqual(workerSettingsProblems(base), []);
    assert.deepEqual(
      workerSettingsProblems({ ...base, alertActions: { ...base.alertActions, actionsRoleArn: "" } }),
      ["alertActions.actionsRoleArn is required"],
    );
    assert.deepEqual(
      workerSettingsProblems({
        ...base,
        alertActions: { ...base.alertActions, actionsRoleArn: "security-guard-alert-actions" },
      }),
      ['alertActions.actionsRoleArn "security-guard-alert-actions" is not an IAM role ARN'],
    );
  });
});
