// The secrets a stack needs before `pulumi up`, from its plain config: the hub's default webhook,
// every webhook a Slack route names, the signing secret when chat-ops is on, and the bot token when
// Slack channels are configured (app mode). Stack files ship
// without them (Pulumi decrypts every `secure:` value before the program runs, so a placeholder
// would stop the hub before anything is created); users set each one with the command given here.

export interface RequiredSecret {
  /** Config path without namespace: "slackWebhooks.default", "slackSigningSecret". */
  path: string;
  /** How to set it. */
  command: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

/** Every secret the config needs, whether set or not. `values` are keys without namespace. */
export function requiredSecrets(values: Record<string, unknown>): RequiredSecret[] {
  if (values.role !== "hub") return [];
  const webhooks = new Set(["default"]);
  for (const route of Array.isArray(values.slackRoutes) ? values.slackRoutes : []) {
    if (isObject(route) && typeof route.webhook === "string" && route.webhook) webhooks.add(route.webhook);
  }
  const out: RequiredSecret[] = [...webhooks].map((name) => ({
    path: `slackWebhooks.${name}`,
    command: `pulumi config set --secret --path 'slackWebhooks.${name}' https://hooks.slack.com/services/...`,
  }));
  if (isObject(values.chatops) && values.chatops.enabled === true)
    out.push({
      path: "slackSigningSecret",
      command: "pulumi config set --secret slackSigningSecret <your Slack app's signing secret>",
    });
  if (isObject(values.slackChannels))
    out.push({
      path: "slackBotToken",
      command: "pulumi config set --secret slackBotToken xoxb-<your Slack app's bot token>",
    });
  return out;
}

/** The required secrets that are not set in `values`. */
export function missingSecrets(values: Record<string, unknown>): RequiredSecret[] {
  return requiredSecrets(values).filter((s) => {
    const [key, name] = s.path.split(".");
    const v = values[key];
    return name ? !(isObject(v) && typeof v[name] === "string" && v[name]) : !(typeof v === "string" && v);
  });
}
