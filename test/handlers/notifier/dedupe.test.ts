// De-duplication keys: one compliance verdict by its two paths (SNS notification, EventBridge
// event) and one alarm state change by its two paths share a key; different verdicts do not.
import { strict as assert } from "assert";
import { dedupeKey } from "../../../handlers/notifier/dedupe";
import { factsOfPayload, fixture } from "./fixtures";

type Json = Record<string, unknown>;

describe("de-duplication key", () => {
  it("a compliance change has the same key by the Config topic and by EventBridge", () => {
    const sns = dedupeKey(
      factsOfPayload(fixture("messages/config-compliance-change-notification.json") as Json),
    );
    const eb = dedupeKey(
      factsOfPayload(fixture("eventbridge/config-compliance-change-noncompliant.json") as Json),
    );
    assert.equal(
      sns,
      "config-compliance|222222222222|ap-northeast-2|restricted-ssh|sg-0a1b2c3d4e5f60718|NON_COMPLIANT|2026-11-20T01:02:50.000Z",
    );
    assert.equal(eb, sns);
  });

  it("another verdict, resource or ordering time is another key", () => {
    const e = fixture("eventbridge/config-compliance-change-noncompliant.json") as Json;
    const d = e.detail as Json;
    const nr = d.newEvaluationResult as Json;
    const base = dedupeKey(factsOfPayload(e));
    const variants = [
      { ...d, newEvaluationResult: { ...nr, complianceType: "COMPLIANT" } },
      { ...d, resourceId: "sg-other" },
      {
        ...d,
        newEvaluationResult: {
          ...nr,
          evaluationResultIdentifier: {
            ...(nr.evaluationResultIdentifier as Json),
            orderingTimestamp: "2026-11-20T02:00:00.000Z",
          },
        },
      },
    ];
    for (const v of variants) assert.notEqual(dedupeKey(factsOfPayload({ ...e, detail: v })), base);
  });

  it("an alarm's SNS action and its EventBridge state change share a key (+0000 and Z times agree)", () => {
    const eb = fixture("eventbridge/cloudwatch-alarm-state-change-alarm.json") as Json;
    const sns = {
      AlarmName: "root-account-usage",
      AWSAccountId: "333333333333",
      NewStateValue: "ALARM",
      OldStateValue: "OK",
      StateChangeTime: "2026-11-20T08:00:00.123+0000",
      Region: "Asia Pacific (Tokyo)",
      AlarmArn: "arn:aws:cloudwatch:ap-northeast-1:333333333333:alarm:root-account-usage",
    };
    assert.equal(dedupeKey(factsOfPayload(sns)), dedupeKey(factsOfPayload(eb)));
    assert.match(
      dedupeKey(factsOfPayload(sns))!,
      /^alarm\|333333333333\|ap-northeast-1\|ALARM\|root-account-usage\|\|2026-11-20T08:00:00.123Z$/,
    );
  });

  it("CloudTrail events are keyed by eventID; unreadable records have no key", () => {
    const e = fixture("eventbridge/cloudtrail-iam-createuser-root.json") as Json;
    const id = (e.detail as Json).eventID as string;
    assert.equal(dedupeKey(factsOfPayload(e), id), `cloudtrail|${id}`);
    assert.equal(dedupeKey(factsOfPayload(undefined)), undefined);
  });
});
