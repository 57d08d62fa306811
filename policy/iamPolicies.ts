// Least privilege in IAM documents: no identity policy grants every action, and cross-account
// roles trust specific principals only.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "./lib/config";
import { DOCUMENT_TYPES, documentsOf } from "./lib/documents";
import {
  hasAnyConditionKey,
  isAllow,
  parsePolicyDocument,
  principalValues,
  statementLabel,
} from "./lib/policyDocument";
import { providerAccounts } from "./lib/regions";
import { T } from "./lib/types";
import { validateTypes } from "./lib/validate";
import { isUnknown } from "./lib/values";

export const iamNoWildcardAction: ResourceValidationPolicy = {
  name: "iam-no-wildcard-action",
  description: 'IAM identity policies must not allow action "*" (or use NotAction in an Allow statement).',
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "List the actions the principal needs (service:Action), scoped to resources.",
  validateResource: validateTypes(DOCUMENT_TYPES, (props, args, report) => {
    for (const ref of documentsOf(args.type, props)) {
      if (ref.kind !== "identity") continue;
      const doc = parsePolicyDocument(ref.value);
      if (doc.kind !== "ok") continue;
      for (const s of doc.statements) {
        if (!isAllow(s)) continue;
        if (s.actions.some((a) => a === "*" || a === "*:*")) {
          report(`${ref.where} ${statementLabel(s)} allows action "*".`);
        }
        if (s.notActions.length > 0) {
          report(
            `${ref.where} ${statementLabel(s)} uses NotAction in an Allow statement, which allows every other action.`,
          );
        }
      }
    }
  }),
};

/** Condition keys that narrow a wildcard principal to specific callers. */
export const TRUST_NARROWING_KEYS = [
  "aws:principalarn",
  "aws:principalorgid",
  "aws:principalorgpaths",
  "aws:principalaccount",
  "sts:externalid",
  "aws:sourceaccount",
  "aws:sourcearn",
];

const ACCOUNT_ROOT = /^(?:arn:aws[a-z-]*:iam::(\d{12}):root|(\d{12}))$/;

export interface TrustConfig {
  rootPrincipalConditionKeys: string[];
}

export const iamTrustSpecificPrincipals: ResourceValidationPolicy = {
  name: "iam-trust-specific-principals",
  description:
    "Role trust policies must name specific principals: no Principal * (or wildcard ARN) without a narrowing condition, and no other account's root without an aws:PrincipalArn condition.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Trust the exact role ARNs that assume this role (e.g. arn:aws:iam::<hub>:role/security-guard-remediator), or add a Condition on aws:PrincipalArn.",
  configSchema: {
    properties: {
      rootPrincipalConditionKeys: {
        type: "array",
        items: { type: "string" },
        default: ["aws:PrincipalArn"],
        description:
          "Condition keys that make trusting another account's root acceptable (the root principal delegates to every IAM principal of that account).",
      },
    },
  },
  validateResource: validateTypes([T.iamRole], (props, args, report) => {
    const { rootPrincipalConditionKeys } = configWithDefaults<TrustConfig>(
      iamTrustSpecificPrincipals.configSchema,
      args.getConfig(),
    );
    const rootKeys = rootPrincipalConditionKeys.map((k) => k.toLowerCase());
    const ownAccounts = providerAccounts(args.provider);
    const doc = parsePolicyDocument(props.assumeRolePolicy);
    if (doc.kind !== "ok") return;
    for (const s of doc.statements) {
      if (!isAllow(s)) continue;
      const label = statementLabel(s);
      if (s.notPrincipal !== undefined) {
        report(
          `assumeRolePolicy ${label} uses NotPrincipal in an Allow statement, which trusts everyone else.`,
        );
      }
      for (const p of principalValues(s.principal, "AWS")) {
        if (isUnknown(p)) continue;
        if (p.includes("*")) {
          if (hasAnyConditionKey(s, TRUST_NARROWING_KEYS) === false) {
            report(
              `assumeRolePolicy ${label} trusts principal ${p} without a condition on ${TRUST_NARROWING_KEYS.join(", ")}.`,
            );
          }
          continue;
        }
        const root = ACCOUNT_ROOT.exec(p);
        if (!root) continue;
        const account = root[1] ?? root[2];
        if (ownAccounts.includes(account)) continue;
        if (hasAnyConditionKey(s, rootKeys) === false) {
          report(
            `assumeRolePolicy ${label} trusts the whole account ${account} (${p}) without a condition on ${rootPrincipalConditionKeys.join(", ")}; trust specific role ARNs.`,
          );
        }
      }
    }
  }),
};
