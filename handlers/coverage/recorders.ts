// Every AWS Config recorder of an account in one region: the account's own (customer managed)
// recorder and the service-linked ones other services create, such as Security Hub CSPM's
// AWSConfigurationRecorderForSecurityHubCSPM. DescribeConfigurationRecorders without a name answers
// the customer managed recorder only; ListConfigurationRecorders lists all of them
// (https://docs.aws.amazon.com/config/latest/APIReference/API_ListConfigurationRecorders.html).
// An account may have one customer managed recorder next to any number of service-linked ones
// (https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html).
import {
  ConfigServiceClient,
  ConfigurationRecorder,
  ConfigurationRecorderSummary,
  DescribeConfigurationRecorderStatusCommand,
  DescribeConfigurationRecordersCommand,
  ListConfigurationRecordersCommand,
} from "@aws-sdk/client-config-service";

export const SECURITY_GROUP_TYPE = "AWS::EC2::SecurityGroup";

export interface Recorder {
  name: string;
  arn?: string;
  /** The service a service-linked recorder belongs to; absent for the account's own recorder. */
  servicePrincipal?: string;
  /**
   * INTERNAL: recorded for the linked service only, free, and not evaluated by the account's own
   * Config rules; PAID: the account's configuration items (every customer managed recorder).
   */
  recordingScope?: string;
  recording: boolean;
  /** Whether its recording group includes AWS::EC2::SecurityGroup. */
  recordsSecurityGroups: boolean;
}

/** Whether a recording group includes security groups (all supported types, a list, or exclusions). */
export function recordsSecurityGroups(recorder: ConfigurationRecorder): boolean {
  const group = recorder.recordingGroup;
  // No recording group: AWS Config's default is every supported type.
  if (!group) return true;
  const strategy = group.recordingStrategy?.useOnly;
  if (strategy === "EXCLUSION_BY_RESOURCE_TYPES")
    return !(group.exclusionByResourceTypes?.resourceTypes ?? []).includes(SECURITY_GROUP_TYPE);
  if (group.allSupported) return true;
  return (group.resourceTypes ?? []).includes(SECURITY_GROUP_TYPE);
}

async function summaries(client: ConfigServiceClient): Promise<ConfigurationRecorderSummary[]> {
  const out: ConfigurationRecorderSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListConfigurationRecordersCommand({ NextToken }));
    out.push(...(page.ConfigurationRecorderSummaries ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** The customer managed recorder (if any) first, then the service-linked ones. */
export async function listRecorders(client: ConfigServiceClient): Promise<Recorder[]> {
  const own = (await client.send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders ?? [];
  const ownStatus =
    (await client.send(new DescribeConfigurationRecorderStatusCommand({}))).ConfigurationRecordersStatus ??
    [];
  const recorders: Recorder[] = own.map((r) => ({
    name: r.name ?? "",
    arn: r.arn,
    recordingScope: r.recordingScope ?? "PAID",
    recording: !!ownStatus.find((s) => s.name === r.name)?.recording,
    recordsSecurityGroups: recordsSecurityGroups(r),
  }));
  for (const s of await summaries(client)) {
    if (!s.servicePrincipal) continue;
    const byService = { ServicePrincipal: s.servicePrincipal };
    const [linked] =
      (await client.send(new DescribeConfigurationRecordersCommand(byService))).ConfigurationRecorders ?? [];
    const [status] =
      (await client.send(new DescribeConfigurationRecorderStatusCommand(byService)))
        .ConfigurationRecordersStatus ?? [];
    recorders.push({
      name: s.name ?? linked?.name ?? s.servicePrincipal,
      arn: s.arn,
      servicePrincipal: s.servicePrincipal,
      recordingScope: s.recordingScope ?? linked?.recordingScope,
      recording: !!status?.recording,
      recordsSecurityGroups: linked ? recordsSecurityGroups(linked) : false,
    });
  }
  return recorders;
}

/** A recorder whose items the account's own Config rules (restricted-ssh) evaluate. */
export function feedsAccountRules(r: Recorder): boolean {
  return !r.servicePrincipal || r.recordingScope === "PAID";
}

/** "configuration recorder "NAME"" or "service-linked recorder NAME (principal)". */
export function recorderLabel(r: Recorder): string {
  return r.servicePrincipal
    ? `service-linked configuration recorder "${r.name}" (${r.servicePrincipal})`
    : `configuration recorder "${r.name}"`;
}
