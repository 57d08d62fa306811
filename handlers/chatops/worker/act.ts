// Step 4, act: runs the command with the assumed role's credentials. An AWS error becomes the
// final reply naming the command, where it ran and the error code.
import { isDeadlineExceeded } from "../../shared/deadline";
import { errorCode, errorText } from "../../shared/errors";
import { ChatCommand, describeCommand } from "../shared/command";
import { CommandContext, CommandResult } from "./context";
import { ec2Console, ec2List, ec2StartStop } from "./ec2";
import { s3List, s3Usage } from "./s3";

export async function actStep(
  cmd: ChatCommand,
  ctx: CommandContext,
  logFields: Record<string, unknown>,
): Promise<CommandResult> {
  try {
    switch (cmd.kind) {
      case "ec2-list":
        return await ec2List(ctx);
      case "ec2-console":
        return await ec2Console(ctx, cmd.instanceId);
      case "ec2-start":
        return await ec2StartStop(ctx, "start", cmd.instanceId);
      case "ec2-stop":
        return await ec2StartStop(ctx, "stop", cmd.instanceId);
      case "s3-list":
        return await s3List(ctx);
      case "s3-usage":
        return await s3Usage(ctx, cmd.bucket);
      case "help":
      case "accounts":
        throw new Error(`${cmd.kind} is answered before any role is assumed`);
    }
  } catch (err) {
    logFields.error = errorText(err);
    if (isDeadlineExceeded(err)) {
      // Name the call that did not answer; a start/stop may still have been applied by EC2.
      const check =
        cmd.kind === "ec2-start" || cmd.kind === "ec2-stop"
          ? ` The instance may still change state: check with \`ec2 list ${ctx.account} ${ctx.region}\`.`
          : "";
      return {
        outcome: "unanswered",
        text: `Sorry, \`${describeCommand(cmd)}\` in ${ctx.accountLabel} ${ctx.region} stopped: ${(err as Error).message}.${check}`,
      };
    }
    return {
      outcome: "aws-error",
      text: `Sorry, \`${describeCommand(cmd)}\` failed in ${ctx.accountLabel} ${ctx.region}: ${errorCode(err) ?? "Error"}. Please try again later.`,
    };
  }
}
