// The CrossGuard pack the Pulumi CLI runs: `pulumi preview --policy-pack policy`.
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, {
  policies,
  enforcementLevel: PACK_ENFORCEMENT_LEVEL,
  description:
    "AWS security guard: hub and spoke guard rails (SSH, secrets, encryption, IAM, Config, stack shape).",
});
