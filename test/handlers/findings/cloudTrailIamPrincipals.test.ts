// CloudTrail IAM calls name their role or user by name: the finding records it as that role or
// user in the event's account (name, ARN, type), so the notifier can read its owner tag.
import { strict as assert } from "assert";
import { IAM_PRINCIPAL_CALLS } from "../../../handlers/findings/sources/cloudTrail/iamPrincipals";
import { resourceTagSource, tagCallText } from "../../../handlers/notifier/place/spokeTags";
import { Json, load, mapped } from "./sourceCheck";

const ATTACH_ROLE = "eventbridge/cloudtrail-iam-attachrolepolicy-federateduser.json";
const DETACH_USER = "eventbridge/cloudtrail-iam-detachuserpolicy-iamuser-no-username.json";

/** The AttachRolePolicy fixture as the call `eventName` with `params`. */
function call(eventName: string, params: Json, edit: (d: Json) => void = () => undefined): Json {
  const e = load(ATTACH_ROLE);
  e.detail.eventName = eventName;
  e.detail.requestParameters = params;
  edit(e.detail);
  return e;
}

describe("CloudTrail IAM calls: the role or user acted on", () => {
  it("AttachRolePolicy: the role by name, with its ARN in the event's account, read with ListRoleTags", () => {
    const { finding: f, problems } = mapped(load(ATTACH_ROLE));
    assert.deepEqual(problems, []);
    assert.equal(f.title, "IAM AttachRolePolicy on app-runtime");
    assert.deepEqual(f.resources, [
      { uid: "app-runtime", uid_alt: "arn:aws:iam::444444444444:role/app-runtime", type: "AWS::IAM::Role" },
    ]);
    const source = resourceTagSource(f.resources[0]);
    assert.deepEqual(source, {
      resourceId: "arn:aws:iam::444444444444:role/app-runtime",
      via: "iam",
      accountId: "444444444444",
    });
    assert.ok(!("skip" in source));
    assert.equal(tagCallText(source), "IAM ListRoleTags");
  });

  it("DetachUserPolicy: the user named by userName (not the calling user), read with ListUserTags", () => {
    const { finding: f } = mapped(load(DETACH_USER));
    assert.deepEqual(f.resources, [
      { uid: "legacy-app", uid_alt: "arn:aws:iam::222222222222:user/legacy-app", type: "AWS::IAM::User" },
    ]);
    const source = resourceTagSource(f.resources[0]);
    assert.ok(!("skip" in source));
    assert.equal(tagCallText(source), "IAM ListUserTags");
  });

  it("CreateRole keeps the path it was created under; an invalid path is left out", () => {
    const path = (p: unknown) =>
      mapped(call("CreateRole", { roleName: "sso-broker", path: p, assumeRolePolicyDocument: "{}" })).finding
        .resources[0].uid_alt;
    assert.equal(path("/service-role/sso/"), "arn:aws:iam::444444444444:role/service-role/sso/sso-broker");
    assert.equal(path("no-slashes"), "arn:aws:iam::444444444444:role/sso-broker");
  });

  it("the partition comes from the caller's ARN, else from the region", () => {
    const cn = call("PutRolePolicy", { roleName: "etl", policyName: "p" }, (d) => {
      d.awsRegion = "cn-north-1";
      d.recipientAccountId = "123456789012";
      d.userIdentity = { type: "AWSService", invokedBy: "lambda.amazonaws.com" };
    });
    assert.equal(mapped(cn).finding.resources[0].uid_alt, "arn:aws-cn:iam::123456789012:role/etl");
    const gov = call("TagUser", { userName: "bot", tags: [] }, (d) => {
      d.userIdentity.arn = "arn:aws-us-gov:sts::123456789012:federated-user/dave";
      d.recipientAccountId = "123456789012";
    });
    assert.equal(mapped(gov).finding.resources[0].uid_alt, "arn:aws-us-gov:iam::123456789012:user/bot");
  });

  it("calls left out of the table keep the bare name: a deleted role or user, a rename, a group", () => {
    for (const [name, params, uid] of [
      ["DeleteRole", { roleName: "gone" }, "gone"],
      ["DeleteUser", { userName: "gone" }, "gone"],
      ["UpdateUser", { userName: "old", newUserName: "new" }, "old"],
      ["AttachGroupPolicy", { groupName: "admins", policyArn: "arn:aws:iam::aws:policy/X" }, "admins"],
    ] as const) {
      const { finding: f } = mapped(call(name, params));
      assert.deepEqual(f.resources, [{ uid }], name);
      assert.ok("skip" in resourceTagSource(f.resources[0]), name);
    }
  });

  it("names that are not IAM names, unknown accounts and prototype keys give no ARN", () => {
    const colon = mapped(call("AttachRolePolicy", { roleName: "a:b", policyArn: "x" })).finding;
    assert.deepEqual(colon.resources, [{ uid: "a:b" }]);
    const noAccount = call("AttachRolePolicy", { roleName: "app" }, (d) => {
      d.recipientAccountId = "not-an-account";
    });
    assert.deepEqual(mapped(noAccount).finding.resources, [{ uid: "app", type: "AWS::IAM::Role" }]);
    const oddPartition = call("AttachRolePolicy", { roleName: "app" }, (d) => {
      d.userIdentity.arn = "arn:a/b:sts::444444444444:federated-user/dave";
    });
    assert.deepEqual(mapped(oddPartition).finding.resources, [{ uid: "app", type: "AWS::IAM::Role" }]);
    for (const name of ["__proto__", "constructor", "toString"]) {
      const { finding: f } = mapped(call(name, { roleName: "app" }));
      assert.deepEqual(f.resources, [{ uid: "app" }], name);
    }
  });

  it("the table names only role and user calls whose request carries the name it reads", () => {
    const names = Object.keys(IAM_PRINCIPAL_CALLS);
    assert.ok(names.includes("AttachRolePolicy") && names.includes("CreateAccessKey"));
    for (const [name, kind] of Object.entries(IAM_PRINCIPAL_CALLS)) {
      assert.ok(!/^Delete(Role|User|ServiceLinkedRole)$/.test(name), `${name}: gone when read`);
      assert.ok(kind === "role" ? /Role/.test(name) : !/Role/.test(name), `${name} is a ${kind} call`);
    }
  });
});
