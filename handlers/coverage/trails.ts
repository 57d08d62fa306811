// Whether CloudTrail feeds EventBridge in a region. "AWS API Call via CloudTrail" events reach
// EventBridge only for what a logging trail records
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html#eb-service-event-cloudtrail);
// security-group and IAM changes are management *write* events, so a trail that logs only data
// events, or only read management events, leaves those flows silent. DescribeTrails with shadow
// trails lists the trails that apply to a region, including an organization trail of the
// management account.
import {
  AdvancedEventSelector,
  CloudTrailClient,
  DescribeTrailsCommand,
  EventSelector,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  Trail,
} from "@aws-sdk/client-cloudtrail";
import { errorText } from "../shared/errors";

export interface TrailState {
  trail: Trail;
  logging: boolean;
  /** Logs management events of type write (ReadWriteType All or WriteOnly, or the advanced equivalent). */
  managementWrites: boolean;
  /** Why the state could not be read in full. */
  unreadable?: string;
}

/** Whether basic or advanced event selectors log management write events. */
export function logsManagementWrites(basic?: EventSelector[], advanced?: AdvancedEventSelector[]): boolean {
  if (advanced && advanced.length > 0) {
    return advanced.some((s) => {
      const fields = s.FieldSelectors ?? [];
      const category = fields.find((f) => f.Field === "eventCategory");
      if (!category?.Equals?.includes("Management")) return false;
      const readOnly = fields.find((f) => f.Field === "readOnly");
      return (
        !readOnly || (readOnly.Equals ?? []).includes("false") || (readOnly.NotEquals ?? []).includes("true")
      );
    });
  }
  // A trail without selectors logs every management event (CloudTrail's default selector).
  if (!basic || basic.length === 0) return true;
  return basic.some((s) => s.IncludeManagementEvents !== false && (s.ReadWriteType ?? "All") !== "ReadOnly");
}

/**
 * Every trail that covers `region`, with whether it logs and records management writes. A trail's
 * event selectors are read in its home region (`clientIn`), where the trail itself lives.
 */
export async function trailsCovering(
  clientIn: (region: string) => CloudTrailClient,
  region: string,
): Promise<TrailState[]> {
  const client = clientIn(region);
  const trails =
    (await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
  const covering = trails.filter((t) => t.IsMultiRegionTrail || t.HomeRegion === region);
  const states: TrailState[] = [];
  for (const trail of covering) {
    const name = trail.TrailARN ?? trail.Name;
    try {
      const status = await client.send(new GetTrailStatusCommand({ Name: name }));
      const home = trail.HomeRegion && trail.HomeRegion !== region ? clientIn(trail.HomeRegion) : client;
      const selectors = await home.send(new GetEventSelectorsCommand({ TrailName: name }));
      states.push({
        trail,
        logging: !!status.IsLogging,
        managementWrites: logsManagementWrites(selectors.EventSelectors, selectors.AdvancedEventSelectors),
      });
    } catch (err) {
      states.push({ trail, logging: false, managementWrites: false, unreadable: errorText(err) });
    }
  }
  return states;
}

/** A trail that makes CloudTrail events reach EventBridge here: logging, with management writes. */
export function feedingTrail(states: TrailState[]): TrailState | undefined {
  return states.find((s) => s.logging && s.managementWrites);
}

/** One line per covering trail that does not feed EventBridge, saying why. */
export function trailNotes(states: TrailState[]): string[] {
  return states
    .filter((s) => !(s.logging && s.managementWrites))
    .map((s) =>
      s.unreadable
        ? `trail ${s.trail.Name}: status unreadable (${s.unreadable})`
        : !s.logging
          ? `trail ${s.trail.Name} covers this region but is not logging`
          : `trail ${s.trail.Name} is logging but records no management write events`,
    );
}

/** The command that makes a covering trail feed EventBridge. */
export function trailFix(state: TrailState | undefined): string {
  if (!state)
    return "set security-guard:createTrail: true, or create a logging organization trail (multi-region) in the management account";
  const arn = state.trail.TrailARN ?? state.trail.Name;
  if (!state.logging) return `aws cloudtrail start-logging --name ${arn} --region ${state.trail.HomeRegion}`;
  return (
    `aws cloudtrail put-event-selectors --trail-name ${arn} --region ${state.trail.HomeRegion} ` +
    `--event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]' (keeps no data event selectors: merge yours)`
  );
}
