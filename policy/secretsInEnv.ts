// Lambda environment variables are readable by anyone with lambda:GetFunctionConfiguration and
// show in the console, so Slack webhook URLs, tokens and signing secrets must arrive as KMS
// ciphertext (decrypted in the function) or as an ARN of a secret store.
// Slack token formats: https://api.slack.com/concepts/token-types
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "./lib/config";
import { T } from "./lib/types";
import { validateTypes } from "./lib/validate";
import { block, isRecord, isUnknown } from "./lib/values";

const SLACK_WEBHOOK_URL = /hooks\.slack\.com\/(services|workflows|triggers)\//i;
const SLACK_TOKEN = /\bxox[abposr]-[A-Za-z0-9-]+/;
/** Base64 KMS ciphertext blobs start with a version/format header that encodes as "AQ". */
const KMS_CIPHERTEXT = /^AQ[A-Za-z0-9+/]{80,}={0,2}$/;

export interface SecretsInEnvConfig {
  secretNamePattern: string;
  allowedNameSuffixes: string[];
}

/** Why a variable looks like a plaintext secret, or undefined. Never echoes the value. */
export function plaintextSecretReason(
  name: string,
  value: unknown,
  config: SecretsInEnvConfig,
): string | undefined {
  if (isUnknown(value) || typeof value !== "string" || value.trim() === "") return undefined;
  if (SLACK_WEBHOOK_URL.test(value)) return "holds a Slack webhook URL";
  if (SLACK_TOKEN.test(value)) return "holds a Slack token";
  const upper = name.toUpperCase();
  if (config.allowedNameSuffixes.some((s) => upper.endsWith(s.toUpperCase()))) return undefined;
  if (!new RegExp(config.secretNamePattern, "i").test(name)) return undefined;
  if (KMS_CIPHERTEXT.test(value.trim())) return undefined;
  return "has a secret-like name and a plaintext value";
}

export const noPlaintextSecretsInLambdaEnv: ResourceValidationPolicy = {
  name: "no-plaintext-secrets-in-lambda-env",
  description:
    "Lambda environment variables must not hold Slack webhook URLs, Slack tokens or signing secrets in plaintext.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Pass the secret as KMS ciphertext (aws.kms.Ciphertext, variable name ending in _CIPHERTEXT) or as a secret ARN (_ARN) and decrypt it in the function.",
  configSchema: {
    properties: {
      secretNamePattern: {
        type: "string",
        default: "SIGNING_SECRET|WEBHOOK|TOKEN|SECRET|PASSWORD|API_KEY",
        description: "Case-insensitive regular expression for variable names that hold secrets.",
      },
      allowedNameSuffixes: {
        type: "array",
        items: { type: "string" },
        default: ["_CIPHERTEXT", "_ARN"],
        description: "Variable names ending in one of these hold a reference or ciphertext, not a secret.",
      },
    },
  },
  validateResource: validateTypes([T.lambdaFunction], (props, args, report) => {
    const config = configWithDefaults<SecretsInEnvConfig>(
      noPlaintextSecretsInLambdaEnv.configSchema,
      args.getConfig(),
    );
    const env = block(props.environment);
    if (!isRecord(env)) return;
    const vars = env.variables;
    if (!isRecord(vars)) return;
    for (const [name, value] of Object.entries(vars)) {
      const reason = plaintextSecretReason(name, value, config);
      if (reason) report(`Environment variable ${name} ${reason}.`);
    }
  }),
};
