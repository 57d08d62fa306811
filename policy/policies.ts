// Every policy of the pack, in one array: imported by index.ts (the pack the Pulumi CLI runs), by
// verify/policy/offline.ts (the mock-runtime runner) and by tests, none of which start the pack's gRPC server.
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { configRecorderAllSupported } from "./configRecorder";
import { iamActionsExist } from "./iamActionCatalog";
import { iamNoWildcardAction, iamTrustSpecificPrincipals } from "./iamPolicies";
import {
  lambdaHasFailureDestination,
  lambdaLogGroupRetention,
  lambdaRuntimeDeprecationSoon,
  lambdaRuntimePinned,
} from "./lambdaHygiene";
import { noPlaintextSecretsInLambdaEnv } from "./secretsInEnv";
import { busAndTopicPoliciesScoped, resourcePolicySizeLimits, snsTopicKmsEncrypted } from "./snsAndBus";
import { noPublicSshIngress } from "./sshIngress";
import { hubStackShape, spokeStackShape } from "./stackShape";

export const PACK_NAME = "aws-security-guard";

/** Level for a policy that sets none (every policy here sets its own). */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

export const policies: Policies = [
  noPublicSshIngress,
  noPlaintextSecretsInLambdaEnv,
  snsTopicKmsEncrypted,
  busAndTopicPoliciesScoped,
  resourcePolicySizeLimits,
  lambdaHasFailureDestination,
  lambdaLogGroupRetention,
  lambdaRuntimePinned,
  lambdaRuntimeDeprecationSoon,
  iamNoWildcardAction,
  iamTrustSpecificPrincipals,
  iamActionsExist,
  configRecorderAllSupported,
  spokeStackShape,
  hubStackShape,
];
