// The route corpus: real-shaped events (fixtures written from AWS's documented event shapes) and
// the route each is meant to take. Intended routes name rule kinds; they resolve to the rule
// resource names of a given spoke ("spoke-<region>-<kind>") and hub ("hub-<kind>"), as
// stacks/spoke.ts and stacks/hub.ts name them.
import * as fs from "fs";
import * as path from "path";
import { extraSignInRegions } from "../../stacks/regions";
import { EventEntry, RouteEvent, RouteExpectation } from "./routes";

type SpokeKind =
  | "sg-changes"
  | "iam-changes"
  | "config-compliance"
  | "alarms"
  | "cis-changes"
  | "root-activity"
  | "console-sign-in"
  | "organizations-changes"
  | "unauthorized-calls"
  | "guardduty-findings"
  | "securityhub-findings"
  | "access-analyzer-findings"
  | "malware-s3-threats"
  | "securityhub-ocsf-findings"
  | "unused-access-findings"
  | "internal-access-findings"
  | "inspector-findings";
type HubKind = "notify" | "remediate" | "resolve";

export interface CorpusItem {
  name: string;
  /** Repository-relative path of the event (a raw EventBridge event). */
  file: string;
  /** "spoke": delivered to the spoke's default bus in the event's region; "hub": put on the hub bus. */
  enters: "spoke" | "hub";
  intended: Array<SpokeKind | HubKind>;
}

const EB = "test/fixtures/events/eventbridge";
const FINDINGS = "test/fixtures/events/findings";
const CIS = "test/fixtures/events/cis";
const W = "test/fixtures/wiring";

export const ROUTE_CORPUS: CorpusItem[] = [
  {
    name: "sg world ssh Seoul",
    file: `${EB}/cloudtrail-sg-authorize-ingress-world-ssh-iamuser-seoul.json`,
    enters: "spoke",
    intended: ["sg-changes", "notify", "remediate"],
  },
  {
    name: "sg modify rules Seoul",
    file: `${EB}/cloudtrail-sg-modify-rules-world-assumedrole-seoul.json`,
    enters: "spoke",
    intended: ["sg-changes", "notify", "remediate"],
  },
  {
    name: "sg world ssh ipv6 Tokyo",
    file: `${W}/cloudtrail-sg-authorize-ingress-world-ipv6-ssh-tokyo.json`,
    enters: "spoke",
    intended: ["sg-changes", "notify", "remediate"],
  },
  {
    name: "sg revoke Tokyo",
    file: `${EB}/cloudtrail-sg-revoke-ingress-assumedrole-tokyo.json`,
    enters: "spoke",
    intended: ["sg-changes", "notify"],
  },
  {
    // The API's flat parameters (CidrIp, IpProtocol, FromPort, ToPort) are recorded at the top level.
    name: "sg world ssh flat Virginia",
    file: `${W}/cloudtrail-sg-authorize-ingress-flat-world-ssh-virginia.json`,
    enters: "spoke",
    intended: ["sg-changes", "notify", "remediate"],
  },
  {
    // 10.0.0.0/8 is a /8, as wide as worldPrefixes' IPv4 default: the remediation rule (which
    // cannot tell private space apart) passes it, and the function ignores it (private, not SSH).
    name: "sg private https Virginia",
    file: `${W}/cloudtrail-sg-authorize-ingress-private-https-virginia.json`,
    enters: "spoke",
    intended: ["sg-changes", "notify", "remediate"],
  },
  {
    name: "iam CreateUser Virginia",
    file: `${EB}/cloudtrail-iam-createuser-root.json`,
    enters: "spoke",
    intended: ["iam-changes", "notify"],
  },
  {
    name: "iam AttachRolePolicy Virginia",
    file: `${EB}/cloudtrail-iam-attachrolepolicy-federateduser.json`,
    enters: "spoke",
    intended: ["iam-changes", "notify"],
  },
  {
    name: "read-only DescribeSecurityGroups Seoul",
    file: `${W}/cloudtrail-ec2-describe-security-groups-readonly-seoul.json`,
    enters: "spoke",
    intended: [],
  },
  {
    name: "read-only iam GetUser Virginia",
    file: `${W}/cloudtrail-iam-getuser-readonly-virginia.json`,
    enters: "spoke",
    intended: [],
  },
  {
    name: "config restricted-ssh NON_COMPLIANT Seoul",
    file: `${W}/config-restricted-ssh-noncompliant-seoul.json`,
    enters: "spoke",
    intended: ["config-compliance", "notify", "remediate"],
  },
  {
    name: "config restricted-ssh COMPLIANT Seoul",
    file: `${W}/config-restricted-ssh-compliant-seoul.json`,
    enters: "spoke",
    intended: ["config-compliance", "notify"],
  },
  {
    // Only the guard's own Config rules (and a stack's extraConfigRules) are forwarded: a verdict
    // of another rule (Control Tower's, Security Hub's) stays in the spoke.
    name: "config other rule NON_COMPLIANT Tokyo",
    file: `${W}/config-other-rule-noncompliant-tokyo.json`,
    enters: "spoke",
    intended: [],
  },
  // The seeds named their rule "restricted-ssh"; ours is security-guard-restricted-ssh, the only
  // name the spokes forward and the remediation rule listens for (remediation.configRuleNames).
  {
    name: "config seed-named rule NON_COMPLIANT Seoul",
    file: `${EB}/config-compliance-change-noncompliant.json`,
    enters: "spoke",
    intended: [],
  },
  {
    name: "alarm ALARM Tokyo",
    file: `${EB}/cloudwatch-alarm-state-change-alarm.json`,
    enters: "spoke",
    intended: ["alarms", "notify"],
  },
  {
    name: "alarm OK Tokyo",
    file: `${EB}/cloudwatch-alarm-state-change-ok.json`,
    enters: "spoke",
    intended: ["alarms", "notify"],
  },
  {
    name: "unrelated s3 PutObject Virginia",
    file: `${W}/cloudtrail-s3-putobject-virginia.json`,
    enters: "spoke",
    intended: [],
  },
  {
    name: "unrelated macie eu-west-1",
    file: `${EB}/unknown-macie-finding.json`,
    enters: "spoke",
    intended: [],
  },
  // Findings: forwarded from every region; the hub's notify rule applies severity and state filters.
  {
    name: "guardduty medium Seoul",
    file: `${FINDINGS}/guardduty-ec2-ssh-bruteforce-seoul.json`,
    enters: "spoke",
    intended: ["guardduty-findings", "notify"],
  },
  {
    name: "guardduty high Virginia",
    file: `${FINDINGS}/guardduty-iam-anomalous-behavior-high.json`,
    enters: "spoke",
    intended: ["guardduty-findings", "notify"],
  },
  {
    name: "guardduty low Seoul (below the hub's minimum)",
    file: `${FINDINGS}/guardduty-recon-low-severity-seoul.json`,
    enters: "spoke",
    intended: ["guardduty-findings"],
  },
  {
    name: "securityhub critical new Tokyo",
    file: `${FINDINGS}/securityhub-imported-ec2-19-critical.json`,
    enters: "spoke",
    intended: ["securityhub-findings", "notify"],
  },
  {
    name: "securityhub resolved archived Tokyo",
    file: `${FINDINGS}/securityhub-imported-ec2-19-resolved-archived.json`,
    enters: "spoke",
    // Compliance.Status PASSED: the resolve rule takes it to the notifier to end its incident.
    intended: ["securityhub-findings", "resolve"],
  },
  {
    name: "securityhub EC2.13 passed Seoul",
    file: "test/fixtures/incidents/ssh-sequence/5-securityhub-ec2-13-passed.json",
    enters: "spoke",
    intended: ["securityhub-findings", "resolve"],
  },
  {
    name: "securityhub OCSF S3.3 passed Ireland",
    file: `${FINDINGS}/securityhub-v2-ocsf-compliance-s3-public-write-passed.json`,
    enters: "spoke",
    // compliance.status Pass: the resolve rule's OCSF branch, at any severity (this one Informational).
    intended: ["securityhub-ocsf-findings", "resolve"],
  },
  {
    name: "access analyzer public bucket Virginia",
    file: `${FINDINGS}/access-analyzer-s3-public.json`,
    enters: "spoke",
    intended: ["access-analyzer-findings", "notify"],
  },
  {
    name: "access analyzer cross-account role Virginia",
    file: `${FINDINGS}/access-analyzer-role-cross-account.json`,
    enters: "spoke",
    intended: ["access-analyzer-findings", "notify"],
  },
  {
    // An attack sequence is a GuardDuty finding: the GuardDuty rule forwards it.
    name: "guardduty attack sequence Virginia",
    file: `${FINDINGS}/guardduty-attack-sequence-iam-compromised-credentials.json`,
    enters: "spoke",
    intended: ["guardduty-findings", "notify"],
  },
  {
    name: "access analyzer unused role Virginia",
    file: `${FINDINGS}/access-analyzer-unused-iam-role.json`,
    enters: "spoke",
    intended: ["unused-access-findings", "notify"],
  },
  {
    name: "access analyzer internal access Virginia",
    file: `${FINDINGS}/access-analyzer-internal-access-s3.json`,
    enters: "spoke",
    intended: ["internal-access-findings", "notify"],
  },
  {
    name: "inspector critical exploit Seoul",
    file: `${FINDINGS}/inspector-ec2-package-critical-exploit.json`,
    enters: "spoke",
    intended: ["inspector-findings", "notify"],
  },
  // CIS monitoring controls.
  ...(
    [
      ["sign-in without MFA Virginia", "signin-console-login-no-mfa-iamuser", "console-sign-in"],
      // An IAM user through the global endpoint with an account alias cookie: recorded in us-east-2.
      ["sign-in without MFA Ohio", "signin-console-login-no-mfa-iamuser-ohio", "console-sign-in"],
      ["root sign-in Virginia", "signin-console-login-root", "console-sign-in"],
      ["sign-in failure Virginia", "signin-console-login-failure", "console-sign-in"],
      ["cloudtrail StopLogging Tokyo", "cloudtrail-stoplogging-tokyo", "cis-changes"],
      ["cloudtrail PutEventSelectors Virginia", "cloudtrail-put-event-selectors", "cis-changes"],
      ["kms ScheduleKeyDeletion Seoul", "kms-schedule-key-deletion-seoul", "cis-changes"],
      ["kms DisableKey Virginia", "kms-disable-key", "cis-changes"],
      ["s3 PutBucketPolicy Tokyo", "s3-put-bucket-policy-tokyo", "cis-changes"],
      ["config StopConfigurationRecorder Seoul", "config-stop-configuration-recorder", "cis-changes"],
      ["config DeleteDeliveryChannel Virginia", "config-delete-delivery-channel", "cis-changes"],
      ["network acl entry Seoul", "ec2-create-network-acl-entry-seoul", "cis-changes"],
      ["internet gateway attach Virginia", "ec2-attach-internet-gateway", "cis-changes"],
      ["route create Tokyo", "ec2-create-route-tokyo", "cis-changes"],
      ["vpc peering Virginia", "ec2-create-vpc-peering-connection", "cis-changes"],
      [
        "organizations LeaveOrganization Virginia",
        "organizations-leave-organization",
        "organizations-changes",
      ],
      ["organizations AttachPolicy Virginia", "organizations-attach-policy", "organizations-changes"],
      ["root CreateBucket Tokyo", "root-s3-create-bucket-tokyo", "root-activity"],
    ] as const
  ).map(([name, file, kind]): CorpusItem => ({
    name,
    file: `${CIS}/${file}.json`,
    enters: "spoke",
    intended: [kind, "notify"],
  })),
  {
    // Denied calls are forwarded only where a spoke opts in (forwardUnauthorizedCalls).
    name: "unauthorized DescribeInstances Seoul (not opted in)",
    file: `${CIS}/unauthorized-describe-instances-seoul.json`,
    enters: "spoke",
    intended: [],
  },
  {
    name: "remediation report (hub bus)",
    file: `${EB}/remediation-revoked.json`,
    enters: "hub",
    intended: ["notify"],
  },
];

/**
 * What moto 5.2.5 is known to evaluate differently from EventBridge. Its EventPattern flattens the
 * event only through objects (`_flatten_dict` stops at lists), so a pattern on a field inside an
 * array of objects never matches; EventBridge matches if any element matches
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html).
 * These cells are decided by the second engine, AWS's event-ruler (ruler.ts), when it is provisioned.
 */
export const MOTO_ARRAY_LIMITATION =
  "moto 5.2.5 does not match patterns on fields inside arrays (requestParameters.ipPermissions.items[].ipRanges/ipv6Ranges.items[])";

export const SECURITY_HUB_ARRAY_LIMITATION =
  "moto 5.2.5 does not match patterns on fields inside arrays (detail.findings[].Severity.Label, Workflow.Status, RecordState, Compliance.Status, compliance.status)";

export const MOTO_LIMITATIONS: Array<{ event: string; kind: HubKind; reason: string }> = [
  { event: "sg world ssh Seoul", kind: "remediate", reason: MOTO_ARRAY_LIMITATION },
  { event: "sg world ssh ipv6 Tokyo", kind: "remediate", reason: MOTO_ARRAY_LIMITATION },
  { event: "sg private https Virginia", kind: "remediate", reason: MOTO_ARRAY_LIMITATION },
  { event: "securityhub critical new Tokyo", kind: "notify", reason: SECURITY_HUB_ARRAY_LIMITATION },
  { event: "securityhub resolved archived Tokyo", kind: "resolve", reason: SECURITY_HUB_ARRAY_LIMITATION },
  { event: "securityhub EC2.13 passed Seoul", kind: "resolve", reason: SECURITY_HUB_ARRAY_LIMITATION },
  { event: "securityhub OCSF S3.3 passed Ireland", kind: "resolve", reason: SECURITY_HUB_ARRAY_LIMITATION },
];

const HUB_KINDS: string[] = ["notify", "remediate", "resolve"];

export interface CorpusContext {
  spokeAccount: string;
  spokeRegions: string[];
  hubBus: EventEntry;
  /** Repository root (default: the folder that holds verify/). */
  root?: string;
}

function readEvent(root: string, file: string): Record<string, unknown> {
  const full = path.join(root, file);
  const event = JSON.parse(fs.readFileSync(full, "utf8")) as Record<string, unknown>;
  for (const k of ["source", "detail-type", "region"]) {
    if (typeof event[k] !== "string") throw new Error(`${file}: corpus event has no string "${k}"`);
  }
  return event;
}

/**
 * The corpus events with their entry points. CloudTrail, Config and CloudWatch deliver an event to
 * the default bus of the account and region where it happened; the spoke under test stands for
 * that account (EventBridge stamps `account`, so the fixture's own account does not matter).
 */
export function loadCorpus(ctx: CorpusContext, items: CorpusItem[] = ROUTE_CORPUS): RouteEvent[] {
  const root = ctx.root ?? path.resolve(__dirname, "..", "..");
  return items.map((item) => {
    const event = readEvent(root, item.file);
    const entry: EventEntry =
      item.enters === "hub"
        ? ctx.hubBus
        : { accountId: ctx.spokeAccount, region: String(event.region), bus: "default" };
    return { name: item.name, event, entry };
  });
}

/** The intended matrix for a spoke deployed in `spokeRegions` (an event from another region goes nowhere). */
export function routeExpectation(
  ctx: Pick<CorpusContext, "spokeRegions" | "root">,
  items: CorpusItem[] = ROUTE_CORPUS,
): RouteExpectation {
  const root = ctx.root ?? path.resolve(__dirname, "..", "..");
  const intended: Record<string, string[]> = {};
  for (const item of items) {
    const region = String(readEvent(root, item.file).region);
    // A spoke also has its sign-in rule where CloudTrail records IAM users' sign-ins (SignInRegion).
    const covered =
      item.enters === "hub" ||
      ctx.spokeRegions.includes(region) ||
      (item.intended.includes("console-sign-in") && extraSignInRegions(ctx.spokeRegions).includes(region));
    intended[item.name] = covered
      ? item.intended.map((k) => (HUB_KINDS.includes(k) ? `hub-${k}` : `spoke-${region}-${k}`))
      : [];
  }
  const limitations = MOTO_LIMITATIONS.filter((l) => intended[l.event]?.includes(`hub-${l.kind}`)).map(
    (l) => ({
      event: l.event,
      rule: `hub-${l.kind}`,
      reason: l.reason,
    }),
  );
  return { intended, limitations };
}
