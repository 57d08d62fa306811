// Reads the stack config files of the project (Pulumi.<stack>.yaml) into what the Pulumi runtime
// would pass the program. Offline we cannot decrypt `secure:` values, so each becomes a
// placeholder of the right form (the validation then checks presence and secrecy, not content).
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CONFIG_NAMESPACE, StackConfig } from "../stacks/configSchema";
import { parseConfigValue } from "../stacks/loadConfig";
import { ConfigError, validateStackConfig } from "../stacks/validateConfig";
import { RequiredSecret, missingSecrets } from "../stacks/requiredSecrets";

export interface StackFile {
  /** Stack name ("hub", "spoke-payments"). */
  stack: string;
  /** File name relative to the project ("Pulumi.hub.yaml"). */
  file: string;
  /** Full config keys to string values, as the Pulumi runtime passes them. */
  config: Record<string, string>;
  secretKeys: string[];
  /**
   * Secrets the stack needs that its file does not set: the offline plan and preflight run with
   * clearly fake stand-ins (see offlineSecret), and report these so that users set them.
   */
  secretsNeeded: RequiredSecret[];
}

/**
 * A clearly fake stand-in for a secret the stack file does not set, shaped like the real value
 * (the config validation checks the shape). Used offline only: a real `pulumi up` without the
 * secret fails validation, naming the command that sets it.
 */
export function offlineSecret(keyPath: string): string {
  if (/webhook/i.test(keyPath))
    return "https://hooks.slack.com/services/T00000000/B00000000/OFFLINEFAKEVALUE";
  if (/botToken/i.test(keyPath)) return "xoxb-0-0-OFFLINEFAKEVALUE";
  return "0ff11e0ff11e0ff11e0ff11e0ff11e00";
}

/** A placeholder for an undecryptable secret at a config path, shaped like the real value. */
export function secretPlaceholder(keyPath: string): string {
  if (/webhook/i.test(keyPath))
    return "https://hooks.slack.com/services/T00000000/B00000000/offlineplaceholder000000";
  if (/botToken/i.test(keyPath)) return "xoxb-0-0-offlineplaceholder";
  return "0123456789abcdef0123456789abcdef";
}

function replaceSecure(v: unknown, keyPath: string, found: { secret: boolean }): unknown {
  if (Array.isArray(v)) return v.map((x, i) => replaceSecure(x, `${keyPath}[${i}]`, found));
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.secure === "string") {
      found.secret = true;
      return secretPlaceholder(keyPath);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = replaceSecure(x, `${keyPath}.${k}`, found);
    return out;
  }
  return v;
}

export function readStackFile(filePath: string): StackFile {
  const file = path.basename(filePath);
  const m = /^Pulumi\.(.+)\.ya?ml$/.exec(file);
  if (!m) throw new Error(`${filePath}: not a stack config file (Pulumi.<stack>.yaml)`);
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(filePath, "utf8"));
  } catch (err) {
    throw new Error(`${file}: invalid YAML: ${(err as Error).message}`);
  }
  const configSection = ((doc as Record<string, unknown> | null)?.config ?? {}) as Record<string, unknown>;
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(configSection)) {
    const key = rawKey.includes(":") ? rawKey : `${CONFIG_NAMESPACE}:${rawKey}`;
    const found = { secret: false };
    const plain = replaceSecure(value, key, found);
    config[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
    if (found.secret) secretKeys.push(key);
  }
  const values: Record<string, unknown> = {};
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const [k, v] of Object.entries(config))
    if (k.startsWith(prefix)) values[k.slice(prefix.length)] = parseConfigValue(v);
  const secretsNeeded = missingSecrets(values);
  for (const needed of secretsNeeded) {
    const [key, name] = needed.path.split(".");
    const fullKey = `${prefix}${key}`;
    if (name) {
      const current = values[key];
      const merged = {
        ...(current && typeof current === "object" ? current : {}),
        [name]: offlineSecret(needed.path),
      };
      values[key] = merged;
      config[fullKey] = JSON.stringify(merged);
    } else {
      config[fullKey] = offlineSecret(needed.path);
    }
    if (!secretKeys.includes(fullKey)) secretKeys.push(fullKey);
  }
  return { stack: m[1], file, config, secretKeys, secretsNeeded };
}

/** Every stack config file in a directory, hub stacks first (spokes reference their outputs). */
export function listStackFiles(dir: string): StackFile[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^Pulumi\..+\.ya?ml$/.test(f))
    .sort()
    .map((f) => readStackFile(path.join(dir, f)));
  const role = (s: StackFile) => s.config[`${CONFIG_NAMESPACE}:role`];
  return [...files.filter((s) => role(s) === "hub"), ...files.filter((s) => role(s) !== "hub")];
}

/** The validated config of one stack file; throws ConfigError listing every problem. */
export function stackFileConfig(s: StackFile): StackConfig {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const ours = (k: string) => k.startsWith(prefix);
  const bare = (k: string) => k.slice(prefix.length);
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s.config)) if (ours(k)) values[bare(k)] = parseConfigValue(v);
  const secretKeys = new Set(s.secretKeys.filter(ours).map(bare));
  return validateStackConfig({ stackFile: s.file, values, secretKeys });
}

/**
 * The valid configs among stack files, for checks across stacks (duplicate accounts...). An invalid
 * file is skipped here: evaluating it reports its problems in full.
 */
export function validConfigs(stacks: StackFile[]): StackConfig[] {
  const out: StackConfig[] = [];
  for (const s of stacks) {
    try {
      out.push(stackFileConfig(s));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
    }
  }
  return out;
}
