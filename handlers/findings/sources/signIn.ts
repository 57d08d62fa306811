// Console sign-ins ("AWS Console Sign In via CloudTrail"): the CIS sign-in controls, i.e. root
// sign-ins, sign-ins without MFA and authentication failures
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html).
import { CIS_ROOT_USAGE, CIS_SIGN_IN_FAILURES, CIS_SIGN_IN_WITHOUT_MFA } from "../../shared/cisControls";
import { cloudTrailEventUrl, isRegionCode } from "../links";
import type { ControlRef } from "../model";
import { FINDING_CLASSES } from "../model";
import { eventBridgeEvent, isEventBridge, object, parseLenient, text } from "../parse";
import type { Draft, SourceModule } from "../source";
import { actorOf, userIdentitySchema } from "./cloudTrail/identity";

const DETAIL_TYPE = "AWS Console Sign In via CloudTrail";

function schema() {
  return eventBridgeEvent(
    object({
      eventName: text(),
      eventID: text(),
      eventTime: text(),
      awsRegion: text(),
      recipientAccountId: text(),
      sourceIPAddress: text(),
      userAgent: text(),
      errorMessage: text(),
      userIdentity: userIdentitySchema(),
      responseElements: object({ ConsoleLogin: text() }),
      additionalEventData: object({ MFAUsed: text() }),
    }),
  );
}

export const signIn: SourceModule = {
  id: "signin",
  name: "AWS console sign-ins",
  kinds: ["sign-in"],
  detects: [
    {
      what: "Console sign-ins: root (CIS 4.3), IAM users without MFA (CIS 4.2), failures (CIS 4.6)",
      from: "CloudTrail, every region and the sign-in Regions (see below)",
    },
  ],
  recognise: (p) => isEventBridge(p, DETAIL_TYPE),

  map(payload, ctx): Draft {
    const e = parseLenient(schema(), payload, {
      problems: ctx.problems,
      required: ["detail", "detail.userIdentity.type", "detail.eventID"],
    });
    const d = e.detail ?? {};
    const actor = actorOf(d.userIdentity);
    const result = d.responseElements?.ConsoleLogin ?? "unknown";
    const mfa = d.additionalEventData?.MFAUsed;
    const region = d.awsRegion ?? e.region;
    const root = actor.type === "Root";
    const failed = result === "Failure";
    const noMfa = !failed && mfa !== "Yes";
    const controls: ControlRef[] = [];
    if (root) controls.push(CIS_ROOT_USAGE);
    if (failed) controls.push(CIS_SIGN_IN_FAILURES);
    else if (noMfa && actor.type === "IAMUser") controls.push(CIS_SIGN_IN_WITHOUT_MFA);
    const who = root ? "the root user" : actor.name;
    return {
      ...FINDING_CLASSES.authentication,
      class_name: "authentication",
      kind: "sign-in",
      uid: d.eventID,
      event_name: d.eventName ?? "ConsoleLogin",
      status: result,
      ...(failed && d.errorMessage ? { status_reason: d.errorMessage } : {}),
      time: d.eventTime ?? e.time,
      title: failed
        ? `Console sign-in failed: ${who}`
        : `Console sign-in${noMfa ? " without MFA" : ""}: ${who}`,
      cloud: { account: { uid: d.recipientAccountId ?? e.account ?? d.userIdentity?.accountId }, region },
      resources: [
        ...(d.userIdentity?.userName || d.userIdentity?.principalId
          ? [{ uid: d.userIdentity.userName ?? d.userIdentity.principalId }]
          : []),
      ],
      actor: {
        ...actor,
        ...(d.sourceIPAddress ? { ip: d.sourceIPAddress } : {}),
        ...(d.userAgent ? { user_agent: d.userAgent } : {}),
        ...(mfa ? { mfa: mfa === "Yes", mfa_label: mfa } : {}),
      },
      controls,
      evidence: {},
      links:
        d.eventID && region && isRegionCode(region)
          ? [{ text: "Open in CloudTrail", url: cloudTrailEventUrl(region, d.eventID) }]
          : [],
      dedupe_uid: d.eventID ? `cloudtrail|${d.eventID}` : undefined,
      metadata: {
        source: "signin",
        event_uid: d.eventID,
        event_label: "CloudTrail event",
        event_type: DETAIL_TYPE,
      },
    };
  },

  severity: [
    {
      severity: "critical",
      when: "the root user signed in (CIS 4.3)",
      test: (f) => f.actor?.type === "Root" && !f.actor.invoked_by,
    },
    {
      severity: "high",
      when: "a console sign-in without MFA (CIS 4.2)",
      test: (f) => f.status !== "Failure" && f.actor?.mfa !== true,
    },
    { severity: "medium", when: "a failed console sign-in (CIS 4.6)", test: (f) => f.status === "Failure" },
    { severity: "low", when: "a console sign-in with MFA", test: () => true },
  ],

  forward: [
    {
      // Sign-in without MFA (CIS 4.2, CloudWatch.3: IAM users only, as the control is written, so
      // federated/SSO sign-ins that carry MFA elsewhere are not reported), console authentication
      // failures (4.6, CloudWatch.6) and every root sign-in (4.3, CloudWatch.1). CloudTrail records
      // a root sign-in in us-east-1 but an IAM user's in the Region of the sign-in endpoint used
      // (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html):
      // every region the spoke covers, and the sign-in Regions it does not.
      name: "console-sign-in",
      regions: "sign-in",
      pattern: () => ({
        source: ["aws.signin"],
        "detail-type": [DETAIL_TYPE],
        detail: {
          eventName: ["ConsoleLogin"],
          $or: [
            {
              userIdentity: { type: ["IAMUser"] },
              additionalEventData: { MFAUsed: [{ "anything-but": "Yes" }] },
              responseElements: { ConsoleLogin: ["Success"] },
            },
            { responseElements: { ConsoleLogin: ["Failure"] } },
            { userIdentity: { type: ["Root"] } },
          ],
        },
      }),
    },
  ],
  notifyAll: ["aws.signin"],
  fixtures: [
    "cis/signin-console-login-failure.json",
    "cis/signin-console-login-no-mfa-iamuser.json",
    "cis/signin-console-login-root.json",
  ],
};
