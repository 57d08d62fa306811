// The hub stack (infra account, us-east-1): central bus, topics, notifier, remediation, chat-ops,
// and the organization's Config aggregator.
import * as pulumi from "@pulumi/pulumi";
import { HubConfig, HubSecrets, aggregatorMode } from "./configSchema";
import { HubOutputs } from "./hubOutputs";
import { createProviders } from "./providers";
import { hubPlacement, orgScope } from "./hubPlacement";
import { hubRemediate } from "./remediatePattern";
import { notifyPattern, resolvePattern } from "../handlers/findings/registry";
import { notifiedConfigRules } from "./configRules";
import { notifierSettings, remediatorSettings } from "./functionSettings";
import { ConfigAggregator } from "./components/aggregator";
import { CentralBus } from "./components/centralBus";
import { DeadLetterAlarms } from "./components/deadLetterAlarms";
import { Chatops } from "./components/chatops";
import { ackSettingsFor, workerSettingsFor } from "./components/chatops/settings";
import { HubKey } from "./components/hubKey";
import { HubTopics } from "./components/hubTopics";
import { Notifier } from "./components/notifier";
import { emailRecipients } from "./components/notifierSignal";
import { Remediator } from "./components/remediator";
import { Liveness } from "./components/liveness";
import { OrganizationFindings } from "./components/organizationFindings";

export interface HubResult {
  outputs: HubOutputs;
  /** The slash-command URL to paste into the Slack app ("" when chat-ops is off). */
  slackCommandUrl: pulumi.Output<string>;
  /** The interactivity request URL to paste into the Slack app ("" when chat-ops is off). */
  slackInteractionsUrl: pulumi.Output<string>;
}

export class Hub extends pulumi.ComponentResource {
  readonly result: HubResult;

  constructor(
    name: string,
    config: HubConfig,
    secrets: HubSecrets<pulumi.Input<string>>,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    // The input tells the policy pack (hub-stack-shape) when the aggregator is off on purpose.
    super("security-guard:hub:Hub", name, { aggregator: aggregatorMode(config) }, opts);
    const parent = { parent: this };
    const hub = hubPlacement(config);
    const org = orgScope(config);
    const { key } = new HubKey(`${name}-kms`, { hub, org }, parent);
    const central = new CentralBus(`${name}-central`, { hub, org }, parent);
    const topics = new HubTopics(`${name}-topics`, { hub, org, kmsKey: key }, parent);

    // Passing verdicts only end incidents: with incidents off the notifier would post each one on
    // its own (any severity), so the hub makes no resolve rule then.
    const resolves = config.incidents.enabled ? resolvePattern(config.findings) : undefined;
    const notifier = new Notifier(
      `${name}-notifier`,
      {
        hub,
        org,
        settings: notifierSettings(config),
        logRetentionDays: config.logRetentionDays,
        appMode: !!config.slackChannels,
        notifiedConfigRules: notifiedConfigRules(config),
        sshConfigRules: config.remediation.configRuleNames,
        emailRecipients: emailRecipients(config),
        kmsKey: key,
        slackWebhooks: secrets.slackWebhooks,
        slackBotToken: secrets.slackBotToken,
        topics,
        trigger: {
          bus: central,
          rule: central.rule(
            `${name}-notify`,
            "Everything the hub reports to Slack",
            notifyPattern(config.findings),
          ),
          ...(resolves
            ? {
                resolveRule: central.rule(
                  `${name}-resolve`,
                  "Passing verdicts that resolve open incidents, at any severity",
                  resolves,
                ),
              }
            : {}),
          hubName: name,
        },
      },
      parent,
    );

    const liveness = new Liveness(
      `${name}-liveness`,
      {
        hub,
        org,
        logRetentionDays: config.logRetentionDays,
        accountsWithoutSpoke: config.accountsWithoutSpoke,
        listMutes: config.chatops.enabled,
        ...(config.remediation.enabled ? { exemptTagKey: config.remediation.exemptTagKey } : {}),
        kmsKey: key,
        central,
      },
      parent,
    );
    const orgFindings = new OrganizationFindings(`${name}-org-findings`, { hub, central }, parent);
    const deadLetterQueues = [
      central.deadLetters,
      orgFindings.deadLetters,
      notifier.queueDeadLetters,
      notifier.fn.deadLetterQueue,
      liveness.fn.deadLetterQueue,
      ...(notifier.digestScheduleDeadLetters ? [notifier.digestScheduleDeadLetters] : []),
    ];
    let remediatorRoleArn: pulumi.Input<string> = "";
    if (config.remediation.enabled) {
      const remediateRule = central.rule(
        `${name}-remediate`,
        "SSH opened to the world: restricted-ssh NON_COMPLIANT or ingress from 0.0.0.0/0 or ::/0",
        hubRemediate(config.remediation.configRuleNames, config.worldPrefixes),
      );
      const remediator = new Remediator(
        `${name}-remediator`,
        {
          hub,
          org,
          settings: remediatorSettings(config),
          logRetentionDays: config.logRetentionDays,
          configTopicTrigger: config.remediation.configTopicTrigger,
          kmsKey: key,
          bus: central.bus,
          rule: remediateRule,
          configTopic: topics.config,
          deadLetterArn: central.deadLetters.arn,
        },
        parent,
      );
      remediatorRoleArn = remediator.fn.role.arn;
      deadLetterQueues.push(remediator.fn.deadLetterQueue);
    }

    let chatopsWorkerRoleArn: pulumi.Input<string> = "";
    let slackCommandUrl = pulumi.output("");
    let slackInteractionsUrl = pulumi.output("");
    if (config.chatops.enabled) {
      const chatops = new Chatops(
        `${name}-chatops`,
        {
          hub,
          org,
          ackSettings: ackSettingsFor(config),
          workerSettings: workerSettingsFor(config, hub.partition),
          logRetentionDays: config.logRetentionDays,
          stackFile: config.stackFile,
          kmsKey: key,
          signingSecret: secrets.slackSigningSecret,
          slackBotToken: secrets.slackBotToken,
        },
        parent,
      );
      chatopsWorkerRoleArn = chatops.worker.role.arn;
      deadLetterQueues.push(...chatops.deadLetterQueues);
      slackCommandUrl = chatops.commandUrl;
      slackInteractionsUrl = chatops.interactionsUrl;
    }

    new DeadLetterAlarms(
      `${name}-dead-letters`,
      { queues: deadLetterQueues, alarmTopic: topics.alarms },
      parent,
    );
    const aggregator = aggregatorMode(config);
    if (aggregator !== "none")
      new ConfigAggregator(
        `${name}-aggregator`,
        { hub, source: aggregator === "organization" ? "organization" : { accounts: config.memberAccounts } },
        parent,
      );

    this.result = {
      outputs: {
        hubAccountId: config.accountId,
        busArn: central.bus.arn,
        configTopicArn: topics.config.arn,
        alarmTopicArn: topics.alarms.arn,
        remediatorRoleArn,
        chatopsWorkerRoleArn,
        organizationId: config.organizationId ?? "",
      },
      slackCommandUrl,
      slackInteractionsUrl,
    };
    this.registerOutputs({ ...this.result.outputs });
  }
}

/** Deploys the hub with explicit providers; returns the stack outputs. */
export function deployHub(config: HubConfig, secrets: HubSecrets<pulumi.Input<string>>): HubResult {
  const providers = createProviders(config);
  const hub = new Hub("hub", config, secrets, { providers: { aws: providers[config.regions[0]] } });
  return hub.result;
}
