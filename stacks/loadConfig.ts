// Reads this stack's configuration from the Pulumi runtime and validates it before any resource
// is registered. Secrets are returned as Pulumi secret outputs, never as plain strings.
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, HubSecrets, StackConfig } from "./configSchema";
import { RawStackConfig, validateStackConfig } from "./validateConfig";

// Whether a key was set with --secret: public in the SDK's runtime module, absent from its typings.

const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as {
  isConfigSecret(key: string): boolean;
};

/**
 * Parses a config value the way Pulumi passes it: objects and lists as JSON, everything else as
 * the raw string. Numeric strings stay strings, so account ids keep their leading zeros.
 */
export function parseConfigValue(v: string): unknown {
  if (v === "true" || v === "false") return v === "true";
  if (!/^\s*[[{]/.test(v)) return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** The raw config of the running stack, namespace stripped. */
export function readRawConfig(stackFile = `Pulumi.${pulumi.getStack()}.yaml`): RawStackConfig {
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    values[key] = parseConfigValue(value);
    if (isConfigSecret(fullKey)) secretKeys.add(key);
  }
  return { stackFile, values, secretKeys };
}

export interface LoadedConfig {
  config: StackConfig;
  /** Present for the hub only. */
  secrets?: HubSecrets<pulumi.Output<string>>;
}

export function loadStackConfig(raw: RawStackConfig = readRawConfig()): LoadedConfig {
  const config = validateStackConfig(raw);
  if (config.role !== "hub") return { config };
  const signing = raw.values.slackSigningSecret;
  const botToken = raw.values.slackBotToken;
  return {
    config,
    secrets: {
      slackWebhooks: pulumi.secret(JSON.stringify(raw.values.slackWebhooks)),
      slackSigningSecret: typeof signing === "string" ? pulumi.secret(signing) : undefined,
      slackBotToken: typeof botToken === "string" ? pulumi.secret(botToken) : undefined,
    },
  };
}
