// Which props of which resources hold policy documents, and what kind of document each is.
import { T } from "./types";
import { isRecord, list } from "./values";

export type DocumentKind = "identity" | "trust" | "resource";

export interface DocumentRef {
  /** Where in the props, for messages: "policy", "assumeRolePolicy", "inlinePolicies[0].policy". */
  where: string;
  kind: DocumentKind;
  value: unknown;
}

const IDENTITY_TYPES: string[] = [T.iamRolePolicy, T.iamPolicy, T.iamUserPolicy, T.iamGroupPolicy];
const RESOURCE_POLICY_TYPES: string[] = [
  T.kmsKey,
  T.kmsKeyPolicy,
  T.snsTopic,
  T.snsTopicPolicy,
  T.eventBusPolicy,
  T.sqsQueuePolicy,
  T.s3BucketPolicy,
];

export const DOCUMENT_TYPES: string[] = [T.iamRole, ...IDENTITY_TYPES, ...RESOURCE_POLICY_TYPES];

/** `props` must be plain (values.plainProps). */
export function documentsOf(type: string, props: Record<string, unknown>): DocumentRef[] {
  if (type === T.iamRole) {
    const docs: DocumentRef[] = [{ where: "assumeRolePolicy", kind: "trust", value: props.assumeRolePolicy }];
    const inline = list(props.inlinePolicies);
    if (Array.isArray(inline)) {
      inline.forEach((p, i) => {
        if (isRecord(p))
          docs.push({ where: `inlinePolicies[${i}].policy`, kind: "identity", value: p.policy });
      });
    }
    return docs;
  }
  if (IDENTITY_TYPES.includes(type)) return [{ where: "policy", kind: "identity", value: props.policy }];
  if (RESOURCE_POLICY_TYPES.includes(type))
    return [{ where: "policy", kind: "resource", value: props.policy }];
  return [];
}
