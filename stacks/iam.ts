// IAM policy documents as typed values, serialized with JSON.stringify once their inputs resolve.
import * as pulumi from "@pulumi/pulumi";

export type Principal =
  "*" | { AWS?: pulumi.Input<string> | pulumi.Input<string>[]; Service?: string | string[] };

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: Principal;
  Action: string | string[];
  Resource?: pulumi.Input<string> | pulumi.Input<string>[];
  Condition?: Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[]>>;
}

/** A policy document as a JSON string output (statements may hold outputs). */
export function policyDocument(statements: Statement[]): pulumi.Output<string> {
  return pulumi.output({ Version: "2012-10-17", Statement: statements }).apply((doc) => JSON.stringify(doc));
}

/** Trust policy for an AWS service, optionally pinned to the source account (confused deputy). */
export function serviceTrust(service: string, sourceAccount?: string): pulumi.Output<string> {
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Service: service },
      Action: "sts:AssumeRole",
      ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
    },
  ]);
}

export function arn(
  partition: string,
  service: string,
  region: string,
  account: string,
  resource: string,
): string {
  return `arn:${partition}:${service}:${region}:${account}:${resource}`;
}
