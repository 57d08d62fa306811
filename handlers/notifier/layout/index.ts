// Which layout shows a finding: by the source that made it, else the default layout (so a new
// source needs no change here). A list, not a Map: a Map captured at module level does not survive
// the closure serialization that builds the deployed function.
import type { Finding } from "../../findings/model";
import type { SlackMessage } from "../slack";
import { formatAccessAnalyzer } from "./accessAnalyzer";
import { formatAlarm } from "./alarm";
import { formatCloudTrail } from "./cloudtrail";
import { FormatContext, Layout } from "./common";
import { formatCompliance, formatOtherConfig } from "./config";
import { formatFinding } from "./finding";
import { formatOtherEventBridge, formatOtherJson, formatText, formatUnreadable } from "./generic";
import { formatGuardDuty } from "./guardDuty";
import { formatRemediation } from "./remediation";
import { formatSecurityHub } from "./securityHub";
import { formatSignIn } from "./signIn";

/** Layouts by the finding's source module id (metadata.source). */
export const LAYOUTS: ReadonlyArray<{ source: string; layout: Layout }> = [
  { source: "cloudtrail", layout: formatCloudTrail },
  { source: "signin", layout: formatSignIn },
  { source: "config-compliance", layout: formatCompliance },
  { source: "config-notices", layout: formatOtherConfig },
  { source: "alarm", layout: formatAlarm },
  { source: "remediation", layout: formatRemediation },
  { source: "guardduty", layout: formatGuardDuty },
  { source: "securityhub", layout: formatSecurityHub },
  { source: "access-analyzer", layout: formatAccessAnalyzer },
  { source: "eventbridge-other", layout: formatOtherEventBridge },
  { source: "json-other", layout: formatOtherJson },
  { source: "text", layout: formatText },
  { source: "unreadable", layout: formatUnreadable },
];

/** The layout for `f`: its source's, else the default one. */
export function layoutOf(f: Finding): Layout {
  return LAYOUTS.find((l) => l.source === f.metadata.source)?.layout ?? formatFinding;
}

/** `f`'s Slack message. */
export function layout(f: Finding, ctx: FormatContext): SlackMessage {
  return layoutOf(f)(f, ctx);
}
