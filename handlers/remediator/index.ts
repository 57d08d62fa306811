// The hub's SSH auto-remediation function. The stack deploys it as a CallbackFunction with
// `callbackFactory: () => createRemediatorHandler(settings)`: settings are captured by value,
// SDK clients are created per call, and nothing is kept in module-level `let` state.
// Steps: parse the event -> for each group: remediate (remediate.ts) -> publish the report -> log.
import { errorText } from "../shared/errors";
import { log } from "../shared/log";
import type { RemediationReport } from "../shared/remediationReport";
import { batchError } from "./errors";
import { remediateGroup } from "./remediate";
import { publishReport } from "./report";
import { RemediatorSettings, ResolvedSettings, resolveSettings } from "./settings";
import { ParsedItem, RemediationRequest, parseEvent } from "./triggers";

export type { RemediatorSettings } from "./settings";
export type { RemediationError, RemediationStep } from "./errors";
export { isRemediationError } from "./errors";
export type { EventError } from "./triggers";
export { isEventError } from "./triggers";

export type RemediatorHandler = (
  event: unknown,
  context?: { awsRequestId?: string },
) => Promise<RemediationReport[]>;

/**
 * Builds the handler. Settings are validated here (once per container), so a wiring mistake fails
 * at cold start with every problem listed. REPORT_EVENT_BUS from `env` is used when
 * settings.reportBus is empty.
 */
export function createRemediatorHandler(
  settings: RemediatorSettings,
  env: NodeJS.ProcessEnv = process.env,
): RemediatorHandler {
  const s = resolveSettings(settings, env);

  return async (event: unknown, context?: { awsRequestId?: string }): Promise<RemediationReport[]> => {
    const requestId = context?.awsRequestId;
    let items: ParsedItem[];
    try {
      items = parseEvent(event, s.configRuleNames);
    } catch (err) {
      log("error", "unrecognised event: nothing done", { requestId, error: errorText(err) });
      throw err;
    }

    const reports: RemediationReport[] = [];
    const failures: unknown[] = [];
    for (const item of items) {
      if (item.kind === "ignore") {
        log("info", "no remediation needed", { eventId: item.eventId, requestId, reason: item.reason });
      } else if (item.kind === "invalid") {
        log("error", "malformed event record: nothing done", {
          eventId: item.eventId,
          requestId,
          error: errorText(item.error),
        });
        failures.push(item.error);
      } else {
        const done = await remediateAndReport(s, item.request, item.eventId, requestId);
        if (done.ok) reports.push(done.report);
        else failures.push(done.error);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw batchError(failures);
    return reports;
  };
}

/** Why a group is only reported on: "settings.dryRun", its account listed, or "" (act). */
export function dryRunReason(s: ResolvedSettings, accountId: string): string {
  if (s.dryRun) return "settings.dryRun";
  return s.dryRunAccounts.includes(accountId) ? `account ${accountId} is in dryRunAccounts` : "";
}

async function remediateAndReport(
  s: ResolvedSettings,
  req: RemediationRequest,
  eventId: string | undefined,
  requestId: string | undefined,
): Promise<{ ok: true; report: RemediationReport } | { ok: false; error: unknown }> {
  const fields = { eventId, requestId, accountId: req.accountId, region: req.region, groupId: req.groupId };
  const why = dryRunReason(s, req.accountId);
  let report: RemediationReport | undefined;
  try {
    report = await remediateGroup(req, {
      partition: s.partition,
      roleName: s.roleName,
      dryRun: { enabled: why !== "", why },
      exemptTagKey: s.exemptTagKey,
      retry: s.retry,
      requestTimeoutMs: s.requestTimeoutMs,
      requestId,
    });
    const reportEventId = await publishReport(report, {
      reportBus: s.reportBus,
      partition: s.partition,
      retry: s.retry,
      requestTimeoutMs: s.requestTimeoutMs,
    });
    log("info", `remediation ${report.outcome}`, { ...fields, reportEventId, report });
    return { ok: true, report };
  } catch (err) {
    // The report (if the change was made but could not be announced) goes to the log, so the
    // change is traceable even before the DLQ entry is looked at.
    log("error", "remediation failed", { ...fields, error: errorText(err), ...(report ? { report } : {}) });
    return { ok: false, error: err };
  }
}
