// Where a spoke creates its own AWS Config recorder and delivery channel, and where it uses the
// account's existing ones: there is at most one of each per account and region
// (https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html), so a
// second PutConfigurationRecorder / PutDeliveryChannel with another name fails.
import { SpokeConfig } from "./configSchema";

/** True when the stack uses the account's existing recorder in this region (creates none). */
export function usesExistingRecorder(
  config: Pick<SpokeConfig, "createRecorder" | "existingRecorderRegions">,
  region: string,
): boolean {
  return !config.createRecorder || (config.existingRecorderRegions ?? []).includes(region);
}
