// Amazon Inspector findings ("Inspector2 Finding"): a software vulnerability in an EC2 instance, a
// container image or a Lambda function, code, or a network path open to the internet. Sample events
// and fields: https://docs.aws.amazon.com/inspector/latest/user/eventbridge-integration.html and
// https://docs.aws.amazon.com/inspector/v2/APIReference/API_Finding.html. Inspector sends an event for
// every new finding and every change to one (a rescan, a tag), so accounts see thousands; the hub
// posts by default only what is critical or high, has a known exploit and is not suppressed or
// closed (hub stack config `findings`), and a burst about one resource becomes one digest line
// per resource (correlation_uid). Inspector writes its times as "Dec 4, 2026, 12:46:15 PM"; they
// are shown as written.
import * as v from "valibot";
import { consoleUrl, isRegionCode } from "../links";
import type { Resource, SeverityLevel, Vulnerability } from "../model";
import { FINDING_CLASSES } from "../model";
import { eventBridgeEvent, isEventBridge, list, number, object, parseLenient, text } from "../parse";
import { textItems } from "./fields";
import type { NotifyFilters } from "../notifyFilters";
import type { Draft, SourceModule } from "../source";

const DETAIL_TYPE = "Inspector2 Finding";
const SOURCE = "aws.inspector2";
const MAX_PACKAGES = 5;

/** Inspector's severity labels, lowest first (UNTRIAGED: not yet rated by the vendor). */
export const INSPECTOR_SEVERITY_LABELS = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export type InspectorSeverityLabel = (typeof INSPECTOR_SEVERITY_LABELS)[number];

const LEVELS: Readonly<Record<string, SeverityLevel>> = {
  CRITICAL: "critical",
  HIGH: "high",
  MEDIUM: "medium",
  LOW: "low",
  INFORMATIONAL: "info",
};

/** "CVE-2024-6387": a CVE id, the only kind of id a link to NVD is built from. */
const CVE = /^CVE-\d{4}-\d{4,7}$/;

function schema() {
  return eventBridgeEvent(
    object({
      awsAccountId: text(),
      findingArn: text(),
      type: text(),
      title: text(),
      description: text(),
      severity: text(),
      status: text(),
      inspectorScore: number(),
      exploitAvailable: text(),
      fixAvailable: text(),
      firstObservedAt: text(),
      lastObservedAt: text(),
      updatedAt: text(),
      epss: object({ score: number() }),
      exploitabilityDetails: object({ lastKnownExploitAt: text() }),
      packageVulnerabilityDetails: object({
        vulnerabilityId: text(),
        vendorSeverity: text(),
        vulnerablePackages: list(
          v.object({
            name: text(),
            version: text(),
            fixedInVersion: text(),
            packageManager: text(),
            filePath: text(),
          }),
        ),
      }),
      networkReachabilityDetails: object({
        protocol: text(),
        openPortRange: object({ begin: number(), end: number() }),
      }),
      codeVulnerabilityDetails: object({
        detectorName: text(),
        filePath: object({ filePath: text(), startLine: number() }),
      }),
      remediation: object({ recommendation: object({ text: text() }) }),
      resources: list(
        v.object({
          id: text(),
          type: text(),
          region: text(),
          partition: text(),
          tags: v.optional(v.record(v.string(), v.unknown(), "an object")),
          details: object({
            awsEc2Instance: object({ platform: text(), imageId: text(), type: text() }),
            awsEcrContainerImage: object({
              repositoryName: text(),
              imageTags: list(v.unknown()),
              imageHash: text(),
              pushedAt: text(),
            }),
            awsLambdaFunction: object({ functionName: text(), runtime: text(), version: text() }),
          }),
        }),
      ),
    }),
  );
}

type Detail = NonNullable<v.InferOutput<ReturnType<typeof schema>>["detail"]>;
type InspectorResource = NonNullable<Detail["resources"]>[number];

function resourceOf(r: InspectorResource): Resource {
  const tags: Record<string, string> = {};
  for (const [k, val] of Object.entries(r.tags ?? {})) if (typeof val === "string") tags[k] = val;
  const ecr = r.details?.awsEcrContainerImage;
  const lambda = r.details?.awsLambdaFunction;
  const imageTag = textItems(ecr?.imageTags)[0];
  const name =
    tags.Name ??
    (ecr?.repositoryName ? `${ecr.repositoryName}${imageTag ? `:${imageTag}` : ""}` : undefined) ??
    lambda?.functionName;
  const data: Record<string, string> = {};
  if (r.details?.awsEc2Instance?.platform) data.platform = r.details.awsEc2Instance.platform;
  if (ecr?.imageHash) data.image_digest = ecr.imageHash;
  if (ecr?.pushedAt) data.pushed_at = ecr.pushedAt;
  if (lambda?.runtime) data.runtime = lambda.runtime;
  return {
    type: r.type,
    uid: r.id,
    ...(name ? { name } : {}),
    ...(r.region ? { region: r.region } : {}),
    ...(Object.keys(tags).length ? { tags } : {}),
    ...(Object.keys(data).length ? { data } : {}),
  };
}

/** Inspector's findings pages: an image's own page for a container image, else all findings. */
export function inspectorFindingsUrl(region: string, r: InspectorResource | undefined): string {
  const ecr = r?.details?.awsEcrContainerImage;
  if (ecr?.repositoryName && ecr.imageHash && /^sha256:[0-9a-f]{64}$/.test(ecr.imageHash))
    return consoleUrl(
      "inspector/v2",
      region,
      `/findings/container-image/${encodeURIComponent(`${ecr.repositoryName}/${ecr.imageHash}`)}`,
    );
  return consoleUrl("inspector/v2", region, "/findings/all");
}

function vulnerabilityOf(d: Detail): Vulnerability | undefined {
  const p = d.packageVulnerabilityDetails;
  if (!p?.vulnerabilityId) return undefined;
  const pkgs = (p.vulnerablePackages ?? []).map(
    (x) =>
      `${x.name ?? x.filePath ?? "package"}${x.version ? ` ${x.version}` : ""}${x.fixedInVersion && x.fixedInVersion !== "NotAvailable" ? ` (fixed in ${x.fixedInVersion})` : ""}`,
  );
  return {
    uid: p.vulnerabilityId,
    packages: [
      ...pkgs.slice(0, MAX_PACKAGES),
      ...(pkgs.length > MAX_PACKAGES ? [`(+${pkgs.length - MAX_PACKAGES} more)`] : []),
    ],
    ...(d.exploitAvailable ? { exploit_available: d.exploitAvailable === "YES" } : {}),
    ...(d.fixAvailable ? { fix_available: d.fixAvailable } : {}),
    ...(d.inspectorScore !== undefined ? { cvss: d.inspectorScore } : {}),
    ...(d.epss?.score !== undefined ? { epss: d.epss.score } : {}),
    ...(d.exploitabilityDetails?.lastKnownExploitAt
      ? { last_exploited: d.exploitabilityDetails.lastKnownExploitAt }
      : {}),
  };
}

/** The hub's notify branch: severities at or above the minimum, with a known exploit unless told otherwise, active only. */
export function inspectorNotify(
  filters: Pick<NotifyFilters, "inspectorMinSeverity" | "inspectorExploitAvailableOnly">,
) {
  const labels = INSPECTOR_SEVERITY_LABELS.slice(
    INSPECTOR_SEVERITY_LABELS.indexOf(filters.inspectorMinSeverity),
  );
  return {
    source: [SOURCE],
    "detail-type": [DETAIL_TYPE],
    detail: {
      severity: [...labels],
      status: ["ACTIVE"],
      ...(filters.inspectorExploitAvailableOnly ? { exploitAvailable: ["YES"] } : {}),
    },
  };
}

export const inspector: SourceModule = {
  id: "inspector",
  name: "Amazon Inspector",
  kinds: ["inspector"],
  detects: [
    {
      what: "Amazon Inspector vulnerabilities in EC2 instances, container images and Lambda functions (default: critical and high, with a known exploit)",
      from: "Amazon Inspector, every region",
    },
  ],
  recognise: (p) => isEventBridge(p, DETAIL_TYPE, SOURCE),

  map(payload, ctx): Draft {
    const e = parseLenient(schema(), payload, {
      problems: ctx.problems,
      required: ["detail", "detail.findingArn", "detail.severity", "detail.status", "detail.resources"],
    });
    const d: Detail = e.detail ?? {};
    const resources = (d.resources ?? []).map(resourceOf);
    const first = d.resources?.[0];
    const region = first?.region ?? e.region;
    const vuln = vulnerabilityOf(d);
    const port = d.networkReachabilityDetails?.openPortRange;
    const label = d.severity;
    const level = label && Object.hasOwn(LEVELS, label) ? LEVELS[label] : undefined;
    const what = d.title ?? vuln?.uid ?? d.type ?? "finding";
    const on = resources[0]?.name ?? resources[0]?.uid;
    const links = [
      ...(region && isRegionCode(region)
        ? [{ text: "Open in Amazon Inspector", url: inspectorFindingsUrl(region, first) }]
        : []),
      ...(vuln && CVE.test(vuln.uid)
        ? [{ text: `${vuln.uid} in NVD`, url: `https://nvd.nist.gov/vuln/detail/${vuln.uid}` }]
        : []),
    ];
    return {
      ...FINDING_CLASSES.vulnerability,
      class_name: "vulnerability",
      kind: "inspector",
      severity_source: {
        ...(label ? { label } : {}),
        ...(d.inspectorScore !== undefined ? { score: d.inspectorScore } : {}),
        ...(level ? { level } : {}),
      },
      uid: d.findingArn,
      event_name: d.type,
      status: d.status,
      time: d.updatedAt ?? e.time,
      first_seen: d.firstObservedAt,
      last_seen: d.lastObservedAt,
      title: `Inspector: ${what}${on ? ` on ${on}` : ""}`,
      desc: d.description?.trim(),
      cloud: {
        ...(first?.partition ? { partition: first.partition } : {}),
        account: { uid: d.awsAccountId ?? e.account },
        region,
      },
      resources,
      types: d.type ? [d.type] : [],
      evidence: {
        ...(vuln ? { vulnerabilities: [vuln] } : {}),
        ...(port
          ? {
              notes: [
                `Open to the internet: ${d.networkReachabilityDetails?.protocol ?? "port"} ${port.begin}${port.end !== undefined && port.end !== port.begin ? `-${port.end}` : ""}`,
              ],
            }
          : {}),
        ...(d.codeVulnerabilityDetails?.filePath?.filePath
          ? {
              notes: [
                `${d.codeVulnerabilityDetails.detectorName ?? "Code"} at ${d.codeVulnerabilityDetails.filePath.filePath}${d.codeVulnerabilityDetails.filePath.startLine !== undefined ? `:${d.codeVulnerabilityDetails.filePath.startLine}` : ""}`,
              ],
            }
          : {}),
      },
      remediation:
        d.remediation?.recommendation?.text && d.remediation.recommendation.text !== "None Provided"
          ? { desc: d.remediation.recommendation.text }
          : vuln?.packages.length
            ? { desc: `Update ${vuln.packages.join(", ")}.` }
            : undefined,
      links,
      dedupe_uid: d.findingArn
        ? `inspector|${d.findingArn}@${d.updatedAt ?? ""}|${d.status ?? ""}`
        : undefined,
      // One resource's findings arrive together (a new image, a rescan): grouped per resource.
      correlation_uid: first?.id ? `inspector|${d.awsAccountId ?? e.account ?? ""}|${first.id}` : undefined,
      metadata: {
        source: "inspector",
        event_uid: d.findingArn,
        event_label: "Inspector finding",
        event_type: DETAIL_TYPE,
      },
    };
  },

  severity: [
    {
      severity: "info",
      when: "an Inspector finding that is closed (fixed) or suppressed",
      test: (f) => f.status === "CLOSED" || f.status === "SUPPRESSED",
    },
    ...(["critical", "high", "medium", "low", "info"] as const).map((level) => ({
      severity: level,
      when: `an Inspector finding Inspector rates ${level === "info" ? "INFORMATIONAL" : level.toUpperCase()}${level === "medium" ? " or has not rated (UNTRIAGED)" : ""}`,
      test: (f: Draft) =>
        f.kind === "inspector" &&
        (f.severity_source?.level === level ||
          (level === "medium" && f.severity_source?.level === undefined)),
    })),
  ],

  forward: [
    {
      name: "inspector-findings",
      regions: "every",
      pattern: () => ({ source: [SOURCE], "detail-type": [DETAIL_TYPE] }),
    },
  ],
  notify: (filters) => [inspectorNotify(filters)],
  fixtures: [
    "findings/inspector-ec2-package-critical-exploit.json",
    "findings/inspector-ecr-image-high-no-exploit.json",
  ],
};
