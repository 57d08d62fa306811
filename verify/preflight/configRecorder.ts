// An account has at most one customer managed AWS Config recorder and one delivery channel per region
// (service-linked recorders come on top). A spoke that creates its own where another exists fails PutConfigurationRecorder /
// PutDeliveryChannel (MaxNumberOf...ExceededException); a spoke told to use an existing recorder
// where none records leaves the restricted-ssh rule without evaluations (PutConfigRule fails with
// NoAvailableConfigurationRecorderException).
import { ConfigServiceClient, DescribeDeliveryChannelsCommand } from "@aws-sdk/client-config-service";
import { feedsAccountRules, listRecorders, recorderLabel } from "../../handlers/coverage/recorders";
import { SpokeConfig } from "../../stacks/configSchema";
import { NAME_PREFIX } from "../../stacks/names";
import { usesExistingRecorder } from "../../stacks/recorderMode";
import { Finding } from "./findings";
import { DeploySession } from "./session";

const USE_EXISTING_KEY = "security-guard:existingRecorderRegions";

export async function checkConfigRecorder(
  config: SpokeConfig,
  region: string,
  session: DeploySession,
): Promise<Finding[]> {
  const client = new ConfigServiceClient(session.client(region));
  // Service-linked recorders (Security Hub CSPM's, for one) sit next to the account's own recorder:
  // they neither collide with the stack's recorder nor feed its restricted-ssh rule.
  const all = await listRecorders(client);
  const channels = (await client.send(new DescribeDeliveryChannelsCommand({}))).DeliveryChannels;
  const base = { account: config.accountId, region };
  const useExisting = usesExistingRecorder(config, region);
  const addRegion = `add ${region} to ${USE_EXISTING_KEY} (the stack then uses it and creates neither recorder nor delivery channel)`;
  const findings: Finding[] = [];
  // The guard's own name: PutConfigurationRecorder/PutDeliveryChannel with the same name update it.
  const foreign = (name?: string) => name !== NAME_PREFIX;
  const recorder = all.find((r) => !r.servicePrincipal);
  const channel = channels?.[0];
  for (const linked of all.filter((r) => r.servicePrincipal)) {
    findings.push({
      ...base,
      check: "config-recorder",
      resource: recorderLabel(linked),
      blocks: false,
      message:
        `a service-linked recorder (scope ${linked.recordingScope ?? "unknown"}, ${linked.recording ? "recording" : "not recording"}): ` +
        (feedsAccountRules(linked)
          ? "it does not count against the account's one customer managed recorder"
          : "its items serve that service only, not the account's Config rules, and it does not count against the account's one customer managed recorder"),
    });
  }

  if (recorder && !useExisting && foreign(recorder.name)) {
    findings.push({
      ...base,
      check: "config-recorder",
      resource: `configuration recorder "${recorder.name}"`,
      blocks: true,
      message:
        "the account already records AWS Config here; the stack would create a second recorder, which AWS refuses",
      fix: `${addRegion}; or adopt it: pulumi import aws:cfg/recorder:Recorder <resource name> ${recorder.name}`,
    });
  }
  if (channel && !useExisting && foreign(channel.name)) {
    findings.push({
      ...base,
      check: "delivery-channel",
      resource: `delivery channel "${channel.name}"`,
      blocks: true,
      message:
        "the account already has a Config delivery channel here; the stack would create a second one, which AWS refuses",
      fix: `${addRegion}; or adopt it: pulumi import aws:cfg/deliveryChannel:DeliveryChannel <resource name> ${channel.name}`,
    });
  }
  if (useExisting) {
    if (!recorder) {
      findings.push({
        ...base,
        check: "config-recorder",
        resource: "configuration recorder (none)",
        blocks: true,
        message:
          "the stack config says to use the existing recorder here, but there is none" +
          (all.length
            ? ` (only ${all.map(recorderLabel).join(", ")}, whose items the account's Config rules do not evaluate)`
            : "") +
          ": the restricted-ssh rule could not be created",
        fix: `remove ${region} from ${USE_EXISTING_KEY} (and set security-guard:createRecorder true) so that the stack creates one`,
      });
    } else if (!recorder.recording) {
      findings.push({
        ...base,
        check: "config-recorder",
        resource: `configuration recorder "${recorder.name}"`,
        blocks: true,
        message: "the existing recorder the stack uses is not recording: restricted-ssh would never evaluate",
        fix: `aws configservice start-configuration-recorder --configuration-recorder-name ${recorder.name} --region ${region}`,
      });
    } else if (!recorder.recordsSecurityGroups) {
      findings.push({
        ...base,
        check: "config-recorder",
        resource: `configuration recorder "${recorder.name}"`,
        blocks: true,
        message:
          "the existing recorder the stack uses does not record AWS::EC2::SecurityGroup: restricted-ssh would never evaluate",
        fix: `add AWS::EC2::SecurityGroup to the recording group of ${recorder.name} in ${region} (or record all supported types)`,
      });
    } else {
      findings.push({
        ...base,
        check: "config-recorder",
        resource: `configuration recorder "${recorder.name}"`,
        blocks: false,
        message: "the stack uses this existing, recording recorder (as its config says)",
      });
    }
  }
  return findings;
}
