// The hub's settings for which findings reach Slack (hub stack config `findings`): the source
// modules' notify branches read them, the config schema documents and defaults them. The hub's
// notify rule filters the findings, so the ones left out cost nothing.

/** ASFF severity labels, lowest first (https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html); Inspector uses the same. */
export const SECURITY_HUB_SEVERITY_LABELS = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export type SecurityHubSeverityLabel = (typeof SECURITY_HUB_SEVERITY_LABELS)[number];

/** Security Hub's event formats: ASFF (Security Hub CSPM) and OCSF (Security Hub). */
export const SECURITY_HUB_FORMATS = ["ASFF", "OCSF"] as const;
export type SecurityHubFormat = (typeof SECURITY_HUB_FORMATS)[number];

/** Which findings reach Slack (additive: new sources add members, with a default below). */
export interface NotifyFilters {
  /** GuardDuty severity 1.0-8.9 (low 1-3.9, medium 4-6.9, high 7-8.9); default 4 (medium and up). */
  guardDutyMinSeverity: number;
  /** Security Hub severity label; default MEDIUM. */
  securityHubMinSeverity: SecurityHubSeverityLabel;
  /** Security Hub Workflow.Status values posted; default NEW. */
  securityHubWorkflowStatuses: string[];
  /** Security Hub RecordState values posted; default ACTIVE (archived findings are resolved). */
  securityHubRecordStates: string[];
  /**
   * Which Security Hub event formats are posted: ASFF ("Security Hub Findings - Imported", Security
   * Hub CSPM) and OCSF ("Findings Imported V2", Security Hub with exposure findings). Default both;
   * with both services enabled, CSPM control findings arrive in each format, so choose one.
   */
  securityHubFormats: SecurityHubFormat[];
  /** Amazon Inspector severity: findings at or above it are posted; default HIGH (high and critical). */
  inspectorMinSeverity: SecurityHubSeverityLabel;
  /** Post only Inspector findings with a known exploit (exploitAvailable YES); default true. */
  inspectorExploitAvailableOnly: boolean;
}

export const DEFAULT_NOTIFY_FILTERS: NotifyFilters = {
  guardDutyMinSeverity: 4,
  securityHubMinSeverity: "MEDIUM",
  securityHubWorkflowStatuses: ["NEW"],
  securityHubRecordStates: ["ACTIVE"],
  securityHubFormats: ["ASFF", "OCSF"],
  inspectorMinSeverity: "HIGH",
  inspectorExploitAvailableOnly: true,
};
