// npm run coverage: what the guard cannot see, read-only. The user's credentials (standard chain,
// AWS_ENDPOINT_URL honoured) assume the hub's coverage role, which lists the organization and reads
// the liveness table, and from it each spoke's coverage reader role, which reads the detectors,
// recorders and trails of every region of the spoke's stack file.
import { assumeReadRole } from "../../handlers/coverage/assume";
import { CoverageReport, SpokeRegions, coverageReport } from "../../handlers/coverage/coverage";
import { ReadSession, regionChecks } from "../../handlers/coverage/detectors";
import { RegionCoverage } from "../../handlers/coverage/gaps";
import { readLastSeen } from "../../handlers/coverage/lastSeen";
import { OrgAccount, listOrganizationAccounts } from "../../handlers/coverage/organization";
import { errorText } from "../../handlers/shared/errors";
import {
  COVERAGE_READER_ROLE_NAME,
  COVERAGE_ROLE_NAME,
  LIVENESS_TABLE_NAME,
} from "../../handlers/shared/constants";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { StackConfig } from "../../stacks/configSchema";
import { HUB_REGION, partitionOf } from "../../stacks/regions";

export interface CoverageOptions {
  configs: Array<{ stack: string; config: StackConfig }>;
  /** The hub's account, when a hub outputs file gives it (else the hub stack file's). */
  hubAccountId?: string;
  /** Accounts that need no spoke. */
  ignoreAccounts?: string[];
  now?: () => number;
}

const SESSION = "security-guard-coverage";

export async function coverage(options: CoverageOptions): Promise<CoverageReport> {
  const hub = options.configs.find((c) => c.config.role === "hub");
  const hubAccountId = options.hubAccountId ?? hub?.config.accountId;
  if (!hubAccountId) throw new Error("no hub stack file and no --hub-outputs: the hub's account is unknown");
  const partition = partitionOf(hub?.config.regions[0] ?? HUB_REGION);
  const spokes: SpokeRegions[] = options.configs
    .filter((c) => c.config.role === "spoke")
    .map((c) => ({ account: c.config.accountId, regions: c.config.regions, stack: c.stack }));

  const coverageRole = `arn:${partition}:iam::${hubAccountId}:role/${COVERAGE_ROLE_NAME}`;
  let hubSession: ReadSession;
  try {
    hubSession = await assumeReadRole(coverageRole, SESSION);
  } catch (err) {
    throw new Error(
      `your credentials cannot assume ${coverageRole} (${errorText(err)}): deploy the hub (it creates the role) and use credentials of the hub account`,
    );
  }
  let organization: OrgAccount[] | { error: string };
  try {
    organization = await listOrganizationAccounts(hubSession);
  } catch (err) {
    organization = { error: errorText(err) };
  }
  const { rows } = await readLastSeen(
    new DynamoDBClient({ region: HUB_REGION, credentials: hubSession.credentials }),
    LIVENESS_TABLE_NAME,
  );

  const regions: RegionCoverage[] = [];
  for (const spoke of spokes) {
    const readerRole = `arn:${partition}:iam::${spoke.account}:role/${COVERAGE_READER_ROLE_NAME}`;
    let reader: ReadSession | undefined;
    let why = "";
    try {
      reader = await assumeReadRole(readerRole, SESSION, hubSession);
    } catch (err) {
      why = errorText(err);
    }
    for (const region of spoke.regions) {
      regions.push({
        account: spoke.account,
        region,
        checks: reader
          ? await regionChecks(reader, spoke.account, region)
          : [
              {
                check: "reader",
                state: "unknown",
                detail: `the spoke's reader role ${readerRole} could not be assumed (${why}): nothing in this account was read`,
                fix: `pulumi up --stack ${spoke.stack} (the spoke creates the reader role)`,
              },
            ],
      });
    }
  }
  return coverageReport({
    nowSeconds: Math.floor((options.now ?? Date.now)() / 1000),
    hubAccountId,
    organization,
    spokes,
    lastSeen: rows,
    regions,
    // The hub config's accountsWithoutSpoke, and --ignore.
    ignoreAccounts: [
      ...(hub?.config.role === "hub" ? hub.config.accountsWithoutSpoke : []),
      ...(options.ignoreAccounts ?? []),
    ],
  });
}
