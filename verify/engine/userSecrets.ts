// The secrets a user sets on a stack with `pulumi config set --secret` before the first deploy
// (README, "Deploying"): every Slack webhook the hub routes to, and the Slack signing secret when
// chat-ops is on. In a throwaway engine work dir they get values of the right shape.
import { CONFIG_NAMESPACE } from "../../stacks/configSchema";
import { parseConfigValue } from "../../stacks/loadConfig";
import { StackFile, secretPlaceholder } from "../stackFiles";

export interface UserSecret {
  /** Full config key path, as `pulumi config set --path` takes it ("security-guard:slackWebhooks.default"). */
  path: string;
  value: string;
}

const key = (k: string) => `${CONFIG_NAMESPACE}:${k}`;

function parsed(stack: StackFile, k: string): unknown {
  const raw = stack.config[key(k)];
  return raw === undefined ? undefined : parseConfigValue(raw);
}

export function userSecrets(stack: StackFile): UserSecret[] {
  if (parsed(stack, "role") !== "hub") return [];
  const webhooks = new Set<string>(["default"]);
  const existing = parsed(stack, "slackWebhooks");
  if (existing && typeof existing === "object") for (const name of Object.keys(existing)) webhooks.add(name);
  const routes = parsed(stack, "slackRoutes");
  if (Array.isArray(routes))
    for (const r of routes)
      if (r && typeof (r as { webhook?: unknown }).webhook === "string") webhooks.add(r.webhook);
  const out: UserSecret[] = [...webhooks].sort().map((name) => {
    const path = key(`slackWebhooks.${name}`);
    return { path, value: secretPlaceholder(path) };
  });
  const chatops = parsed(stack, "chatops") as { enabled?: unknown } | undefined;
  if (chatops?.enabled === true || stack.config[key("slackSigningSecret")] !== undefined) {
    const path = key("slackSigningSecret");
    out.push({ path, value: secretPlaceholder(path) });
  }
  return out;
}

/** Paths of every `secure:` value in a stack file's config, as `--path` keys. */
export function securePaths(doc: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (Object.keys(o).length === 1 && typeof o.secure === "string") out.push(at);
      else for (const [k, x] of Object.entries(o)) walk(x, at ? `${at}.${k}` : k);
    }
  };
  const config = ((doc as { config?: unknown } | null)?.config ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(config)) walk(v, k.includes(":") ? k : key(k));
  return out;
}
