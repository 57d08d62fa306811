// Whether each detector the guard forwards findings from, and what feeds its own flows, is on in
// one account and region. Read-only calls, each answered on, off or unknown (with the error):
// GuardDuty (a detector, enabled), Security Hub CSPM (DescribeHub) and Security Hub
// (DescribeSecurityHubV2), Access Analyzer (an active analyzer; an organization analyzer in the
// delegated administrator covers every member, see coverage.ts), Inspector (the account's status),
// a Config recorder of any kind recording AWS::EC2::SecurityGroup, and a trail feeding EventBridge.
import { AccessAnalyzerClient, ListAnalyzersCommand } from "@aws-sdk/client-accessanalyzer";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from "@aws-sdk/client-guardduty";
import { BatchGetAccountStatusCommand, Inspector2Client } from "@aws-sdk/client-inspector2";
import {
  DescribeHubCommand,
  DescribeSecurityHubV2Command,
  SecurityHubClient,
} from "@aws-sdk/client-securityhub";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { errorCode, errorText } from "../shared/errors";
import { CheckState, RegionCheck } from "./gaps";
import { listRecorders, recorderLabel } from "./recorders";
import { feedingTrail, trailFix, trailNotes, trailsCovering } from "./trails";

export interface ReadSession {
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** Error codes that mean "this service is not enabled here" rather than "could not read". */
const NOT_ENABLED = [
  "InvalidAccessException",
  "ResourceNotFoundException",
  "BadRequestException",
  "SubscriptionRequiredException",
];

type Probe = (region: string, account: string) => Promise<Omit<CheckState, "check">>;

function probes(session: ReadSession): Record<RegionCheck, Probe> {
  const opts = (region: string) => ({ region, credentials: session.credentials, maxAttempts: 3 });
  return {
    async guardduty(region) {
      const client = new GuardDutyClient(opts(region));
      const ids = (await client.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
      if (!ids.length)
        return {
          state: "off",
          detail: "no detector",
          fix: `aws guardduty create-detector --enable --region ${region}`,
        };
      const detector = await client.send(new GetDetectorCommand({ DetectorId: ids[0] }));
      return detector.Status === "ENABLED"
        ? { state: "on", detail: `detector ${ids[0]}` }
        : {
            state: "off",
            detail: `detector ${ids[0]} is ${detector.Status ?? "not enabled"}`,
            fix: `aws guardduty update-detector --detector-id ${ids[0]} --enable --region ${region}`,
          };
    },
    async "security-hub"(region) {
      try {
        const hub = await new SecurityHubClient(opts(region)).send(new DescribeHubCommand({}));
        return { state: "on", detail: `Security Hub CSPM ${hub.HubArn ?? ""}`.trim() };
      } catch (err) {
        if (!NOT_ENABLED.includes(errorCode(err) ?? "")) throw err;
        return {
          state: "off",
          detail: "Security Hub CSPM is not enabled",
          fix: `aws securityhub enable-security-hub --region ${region}`,
        };
      }
    },
    async "security-hub-v2"(region) {
      try {
        const hub = await new SecurityHubClient(opts(region)).send(new DescribeSecurityHubV2Command({}));
        return { state: "on", detail: `Security Hub ${hub.HubV2Arn ?? ""}`.trim() };
      } catch (err) {
        if (!NOT_ENABLED.includes(errorCode(err) ?? "")) throw err;
        return {
          state: "off",
          detail: "Security Hub is not enabled",
          fix: `aws securityhub enable-security-hub-v2 --region ${region}`,
        };
      }
    },
    async "access-analyzer"(region) {
      const analyzers = (await new AccessAnalyzerClient(opts(region)).send(new ListAnalyzersCommand({})))
        .analyzers;
      const active = (analyzers ?? []).filter((a) => a.status === "ACTIVE");
      const external = active.find((a) => a.type === "ACCOUNT" || a.type === "ORGANIZATION");
      return external
        ? { state: "on", detail: `${external.type} analyzer ${external.name}` }
        : {
            state: "off",
            detail: "no active external-access analyzer",
            fix:
              `aws accessanalyzer create-analyzer --analyzer-name security-guard --type ORGANIZATION --region ${region} ` +
              "(from the Access Analyzer delegated administrator; --type ACCOUNT in the account otherwise)",
          };
    },
    async inspector(region, account) {
      const out = await new Inspector2Client(opts(region)).send(
        new BatchGetAccountStatusCommand({ accountIds: [account] }),
      );
      const status = out.accounts?.find((a) => a.accountId === account)?.state?.status;
      return status === "ENABLED"
        ? { state: "on", detail: "Inspector enabled" }
        : {
            state: "off",
            detail: `Inspector is ${status ?? "not enabled"}`,
            fix: `aws inspector2 enable --resource-types EC2 ECR LAMBDA --account-ids ${account} --region ${region}`,
          };
    },
    async "config-recorder"(region) {
      const recorders = await listRecorders(new ConfigServiceClient(opts(region)));
      const recording = recorders.find((r) => r.recording && r.recordsSecurityGroups);
      if (recording) return { state: "on", detail: `${recorderLabel(recording)} records security groups` };
      const seen = recorders.map(
        (r) =>
          `${recorderLabel(r)} ${r.recording ? "records" : "is not recording"}${r.recordsSecurityGroups ? "" : " without security groups"}`,
      );
      return {
        state: "off",
        detail: `no recorder records AWS::EC2::SecurityGroup${seen.length ? ` (${seen.join("; ")})` : ""}`,
        fix: "deploy the spoke with security-guard:createRecorder: true, or record AWS::EC2::SecurityGroup with the existing recorder and start it",
      };
    },
    async trail(region) {
      const states = await trailsCovering((r) => new CloudTrailClient(opts(r)), region);
      const feeding = feedingTrail(states);
      if (feeding) return { state: "on", detail: `trail ${feeding.trail.Name}` };
      const notes = trailNotes(states);
      const repairable = states.find((s) => !s.unreadable);
      return {
        state: "off",
        detail: `no logging trail with management write events${notes.length ? ` (${notes.join("; ")})` : ""}`,
        fix: trailFix(repairable),
      };
    },
  };
}

/** Every check in one account and region; a check that cannot be read says why. */
export async function regionChecks(
  session: ReadSession,
  account: string,
  region: string,
): Promise<CheckState[]> {
  const table = probes(session);
  return Promise.all(
    (Object.keys(table) as RegionCheck[]).map(async (check) => {
      try {
        return { check, ...(await table[check](region, account)) };
      } catch (err) {
        return {
          check,
          state: "unknown" as const,
          detail: `could not be read: ${errorText(err)}`,
          fix: "give the coverage reader role the read permissions the spoke stack grants it (redeploy the spoke)",
        };
      }
    }),
  );
}
