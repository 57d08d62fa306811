// ec2 list / console / start / stop, run with the assumed role's credentials.
import {
  DescribeInstancesCommand,
  EC2Client,
  GetConsoleOutputCommand,
  Instance,
  StartInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { errorCode } from "../../shared/errors";
import { CommandContext, CommandResult } from "./context";
import { escapeSlack, listText } from "./format";

export const CONSOLE_LINES = 20;

function client(ctx: CommandContext): EC2Client {
  return new EC2Client({ region: ctx.region, credentials: ctx.credentials });
}

function nameOf(inst: Instance): string | undefined {
  return inst.Tags?.find((t) => t.Key === "Name")?.Value;
}

function where(ctx: CommandContext): string {
  return `${ctx.accountLabel} ${ctx.region}`;
}

function describeInstance(inst: Instance): string {
  const name = nameOf(inst);
  return `\`${inst.InstanceId}\`${name ? ` *${escapeSlack(name)}*` : ""}`;
}

function notFound(ctx: CommandContext, instanceId: string, verb: string): CommandResult {
  return {
    outcome: "not-found",
    text:
      `Instance \`${instanceId}\` was not found in ${where(ctx)}. ` +
      `If it is elsewhere, name the account and region: \`ec2 ${verb} ${instanceId} <account> <region>\`.`,
  };
}

const isNotFound = (err: unknown): boolean =>
  /^InvalidInstanceID\.(NotFound|Malformed)$/.test(errorCode(err) ?? "Error");

export async function ec2List(ctx: CommandContext): Promise<CommandResult> {
  const ec2 = client(ctx);
  try {
    const instances: Instance[] = [];
    // Every page and every reservation: one reservation can hold several instances. Each page is
    // its own call under the deadline.
    let token: string | undefined;
    do {
      const page = await ctx.call("EC2 DescribeInstances", (abortSignal) =>
        ec2.send(new DescribeInstancesCommand({ MaxResults: ctx.ec2PageSize, NextToken: token }), {
          abortSignal,
        }),
      );
      for (const r of page.Reservations ?? []) instances.push(...(r.Instances ?? []));
      token = page.NextToken;
    } while (token);
    if (instances.length === 0) return { outcome: "ok", text: `No EC2 instances in ${where(ctx)}.` };
    instances.sort(
      (a, b) =>
        (nameOf(a) ?? "\uffff").localeCompare(nameOf(b) ?? "\uffff") ||
        a.InstanceId!.localeCompare(b.InstanceId!),
    );
    const lines = instances.map(
      (i) =>
        `• ${describeInstance(i)}: ${i.State?.Name ?? "unknown"} (${i.InstanceType ?? "?"}${i.PrivateIpAddress ? `, ${i.PrivateIpAddress}` : ""})`,
    );
    return {
      outcome: "ok",
      text: listText(`*EC2 instances in ${where(ctx)}* (${instances.length}):`, lines, "(not shown)"),
    };
  } finally {
    ec2.destroy();
  }
}

export async function ec2Console(ctx: CommandContext, instanceId: string): Promise<CommandResult> {
  const ec2 = client(ctx);
  try {
    const out = await ctx.call("EC2 GetConsoleOutput", (abortSignal) =>
      ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId }), { abortSignal }),
    );
    const text = out.Output ? Buffer.from(out.Output, "base64").toString("utf8") : "";
    const lines = text.replace(/\r\n/g, "\n").replace(/\n+$/, "").split("\n");
    if (!text.trim()) {
      return {
        outcome: "ok",
        text: `\`${instanceId}\` in ${where(ctx)} has no console output yet (EC2 keeps the output of recent boots only).`,
      };
    }
    const last = lines.slice(-CONSOLE_LINES);
    const body = escapeSlack(last.join("\n")).replace(/```/g, "'''");
    return {
      outcome: "ok",
      text: `*Console output of \`${instanceId}\`* in ${where(ctx)}, last ${last.length} lines:\n\`\`\`\n${body}\n\`\`\``,
    };
  } catch (err) {
    if (isNotFound(err)) return notFound(ctx, instanceId, "console");
    throw err;
  } finally {
    ec2.destroy();
  }
}

async function findInstance(
  ctx: CommandContext,
  ec2: EC2Client,
  instanceId: string,
): Promise<Instance | undefined> {
  try {
    const out = await ctx.call("EC2 DescribeInstances", (abortSignal) =>
      ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }), { abortSignal }),
    );
    return out.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const TRANSITIONS = {
  start: { from: "stopped", via: "pending", to: "running", verb: "Starting" },
  stop: { from: "running", via: "stopping", to: "stopped", verb: "Stopping" },
} as const;

/**
 * Starts or stops an instance when its state allows it, posts progress, and waits (bounded by
 * stateWait) for the final state. A retried SNS message in the same container does not call
 * Start/StopInstances again; in another container the state check makes a repeat a no-op.
 */
export async function ec2StartStop(
  ctx: CommandContext,
  action: "start" | "stop",
  instanceId: string,
): Promise<CommandResult> {
  const t = TRANSITIONS[action];
  const ec2 = client(ctx);
  try {
    const inst = await findInstance(ctx, ec2, instanceId);
    if (!inst) return notFound(ctx, instanceId, action);
    const label = describeInstance(inst);
    const started = ctx.now();
    const previous = ctx.actions.done.get(ctx.messageId);
    let state = inst.State?.Name ?? "unknown";

    if (previous && previous.instanceId === instanceId && previous.action === action) {
      // A retry of this very message: the call was made already; only report.
    } else {
      if (state === t.to || state === t.via) {
        return {
          outcome: "not-applicable",
          text: `${label} in ${where(ctx)} is already ${state}; nothing to do.`,
        };
      }
      if (state !== t.from) {
        return {
          outcome: "not-applicable",
          text: `Cannot ${action} ${label} in ${where(ctx)}: it is ${state}, and \`ec2 ${action}\` needs it ${t.from}.`,
        };
      }
      const out =
        action === "start"
          ? (
              await ctx.call("EC2 StartInstances", (abortSignal) =>
                ec2.send(new StartInstancesCommand({ InstanceIds: [instanceId] }), { abortSignal }),
              )
            ).StartingInstances
          : (
              await ctx.call("EC2 StopInstances", (abortSignal) =>
                ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }), { abortSignal }),
              )
            ).StoppingInstances;
      ctx.actions.done.set(ctx.messageId, { action, instanceId, at: ctx.now() });
      state = out?.[0]?.CurrentState?.Name ?? t.via;
      await ctx.responder.progress(`${t.verb} ${label} in ${where(ctx)}: ${t.from} → ${state}.`);
    }

    const polls = Math.max(1, Math.ceil(ctx.stateWait.timeoutMs / ctx.stateWait.pollMs));
    for (let i = 0; i <= polls; i++) {
      const now = await findInstance(ctx, ec2, instanceId);
      const next = now?.State?.Name ?? "unknown";
      if (next === t.to) {
        const secs = Math.round((ctx.now() - started) / 1000);
        return { outcome: "ok", text: `${label} in ${where(ctx)} is now *${next}* (after ${secs} s).` };
      }
      if (next !== state) {
        if (next !== t.via) {
          return {
            outcome: "aws-error",
            text: `${label} in ${where(ctx)} went ${state} → *${next}* instead of ${t.to}; check the instance in the console.`,
          };
        }
        await ctx.responder.progress(`${label} in ${where(ctx)} is ${next}…`);
        state = next;
      }
      if (i < polls) await ctx.sleep(ctx.stateWait.pollMs);
    }
    return {
      outcome: "timeout",
      text:
        `${label} in ${where(ctx)} is still *${state}* after ${Math.round(ctx.stateWait.timeoutMs / 1000)} s; ` +
        `the ${action} continues in AWS. Check later with \`ec2 list ${ctx.account} ${ctx.region}\`.`,
    };
  } catch (err) {
    if (isNotFound(err)) return notFound(ctx, instanceId, action);
    throw err;
  } finally {
    ec2.destroy();
  }
}
