// The hub's SSH auto-remediation function. The stack deploys it as a CallbackFunction with
// `callbackFactory: () => createRemediatorHandler(settings)`: settings are captured by value,
// SDK clients are created per call, and nothing is kept in module-level `let` state.
// Steps: parse the event -> for each group: remediate (remediate.ts) -> publish the report -> log.
import { Deadline, LambdaClock, deadlineFrom } from "../shared/deadline";
import { errorText } from "../shared/errors";
import { log } from "../shared/log";
import type { RemediationReport } from "../shared/remediationReport";
import { batchError } from "./errors";
import { checkExemptions, isExemptionCheck } from "./exemptions";
import { remediateGroup } from "./remediate";
import { publishReport } from "./report";
import { RemediatorSettings, ResolvedSettings, resolveSettings } from "./settings";
import { ParsedItem, RemediationRequest, parseEvent } from "./triggers";

export type { RemediatorSettings } from "./settings";
export type { RemediationError, RemediationStep } from "./errors";
export { isRemediationError } from "./errors";
export type { EventError } from "./triggers";
export { isEventError } from "./triggers";

export interface RemediatorContext extends LambdaClock {
  awsRequestId?: string;
}

export type RemediatorHandler = (event: unknown, context?: RemediatorContext) => Promise<RemediationReport[]>;

// Time budget (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html): the function
// keeps LOG_RESERVE_MS of its timeout to log and fail cleanly, and each group's changes stop early
// enough to leave up to REPORT_RESERVE_MS (a quarter of what is left, at most) for announcing them.
const LOG_RESERVE_MS = 1_000;
const REPORT_RESERVE_MS = 10_000;
/** Without a Lambda context (local runs, tests): the stack's function timeout is 120 s. */
const FALLBACK_BUDGET_MS = 110_000;

/**
 * Builds the handler. Settings are validated here (once per container), so a wiring mistake fails
 * at cold start with every problem listed. REPORT_EVENT_BUS from `env` is used when
 * settings.reportBus is empty.
 */
export function createRemediatorHandler(
  settings: RemediatorSettings,
  env: NodeJS.ProcessEnv = process.env,
  /** The clock exemptions expire by (tests move it forward). */
  now: () => number = Date.now,
): RemediatorHandler {
  const s = resolveSettings(settings, env);

  return async (event: unknown, context?: RemediatorContext): Promise<RemediationReport[]> => {
    const requestId = context?.awsRequestId;
    const deadline = deadlineFrom(context, LOG_RESERVE_MS, FALLBACK_BUDGET_MS);
    if (isExemptionCheck(event)) return exemptionCheck(s, { requestId, deadline, now });
    let items: ParsedItem[];
    try {
      items = parseEvent(event, s.configRuleNames);
    } catch (err) {
      log("error", "unrecognised event: nothing done", { requestId, error: errorText(err) });
      throw err;
    }

    if (items.length === 0) {
      // An SNS event with no records: said, so no event passes without a trace.
      log("info", "no remediation needed", { requestId, reason: "the event holds no records" });
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
        const done = await remediateAndReport(s, item.request, {
          eventId: item.eventId,
          requestId,
          deadline,
          now,
        });
        if (done.ok && done.report) reports.push(done.report);
        if (!done.ok) failures.push(done.error);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw batchError(failures);
    return reports;
  };
}

/** The scheduled check: expired exemptions removed, then those groups remediated like any other. */
async function exemptionCheck(
  s: ResolvedSettings,
  run: { requestId?: string; deadline: Deadline; now: () => number },
): Promise<RemediationReport[]> {
  const checked = await checkExemptions({
    partition: s.partition,
    roleName: s.roleName,
    exemptTagKey: s.exemptTagKey,
    defaultDays: s.exemptions.defaultDays,
    targets: s.exemptions.targets,
    retry: s.retry,
    requestTimeoutMs: s.requestTimeoutMs,
    deadline: run.deadline,
    now: run.now,
    requestId: run.requestId,
  });
  const reports: RemediationReport[] = [];
  const failures = [...checked.failures];
  for (const req of checked.expired) {
    const done = await remediateAndReport(s, req, { ...run, eventId: req.trigger.eventId });
    if (done.ok && done.report) reports.push(done.report);
    if (!done.ok) failures.push(done.error);
  }
  log("info", "exemption check done", {
    requestId: run.requestId,
    expired: checked.expired.length,
    stamped: checked.stamped.length,
    failed: failures.length,
  });
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw batchError(failures);
  return reports;
}

/** Why a group is only reported on: "settings.dryRun", its account listed, or "" (act). */
export function dryRunReason(s: ResolvedSettings, accountId: string): string {
  if (s.dryRun) return "settings.dryRun";
  return s.dryRunAccounts.includes(accountId) ? `account ${accountId} is in dryRunAccounts` : "";
}

async function remediateAndReport(
  s: ResolvedSettings,
  req: RemediationRequest,
  run: { eventId?: string; requestId?: string; deadline: Deadline; now: () => number },
): Promise<{ ok: true; report?: RemediationReport } | { ok: false; error: unknown }> {
  const { eventId, requestId, deadline, now } = run;
  const fields = { eventId, requestId, accountId: req.accountId, region: req.region, groupId: req.groupId };
  const why = dryRunReason(s, req.accountId);
  const left = deadline.remainingMs();
  const work = deadlineFrom(
    { getRemainingTimeInMillis: () => left },
    Math.min(REPORT_RESERVE_MS, left / 4),
    0,
  );
  let report: RemediationReport | undefined;
  try {
    const result = await remediateGroup(req, {
      partition: s.partition,
      roleName: s.roleName,
      dryRun: { enabled: why !== "", why },
      exemptTagKey: s.exemptTagKey,
      now,
      retry: s.retry,
      requestTimeoutMs: s.requestTimeoutMs,
      deadline: work,
      revokeWholeRule: s.revokeWholeRule,
      world: s.worldPrefixes,
      configRuleNames: s.configRuleNames,
      requestId,
      publish: (made) => {
        report = made;
        return publishReport(made, {
          reportBus: s.reportBus,
          partition: s.partition,
          retry: s.retry,
          requestTimeoutMs: s.requestTimeoutMs,
          deadline,
          logFields: fields,
        });
      },
    });
    if ("skipped" in result) {
      log("info", "no remediation needed", { ...fields, reason: result.skipped });
      return { ok: true };
    }
    log("info", `remediation ${result.report.outcome}`, {
      ...fields,
      reportEventId: result.reportEventId,
      report: result.report,
    });
    return { ok: true, report: result.report };
  } catch (err) {
    // The report (if the change was made but could not be announced) goes to the log, so the
    // change is traceable even before the DLQ entry is looked at.
    log("error", "remediation failed", { ...fields, error: errorText(err), ...(report ? { report } : {}) });
    return { ok: false, error: err };
  }
}
