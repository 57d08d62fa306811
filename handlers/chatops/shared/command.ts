// The contract between the slash-command ack function and the worker: the SNS message the ack
// publishes, and the parser of the command text. The ack parses to answer `help` and malformed
// commands at once (Slack shows an error if a slash command gets no answer within 3 s:
// https://api.slack.com/interactivity/slash-commands#responding_basic_receipt); the worker parses
// the same text again, so both always agree on what a command means.
// Keep this file free of package imports: it is on the ack's cold-start path.
import { shown } from "./text";

/** The SNS message body from the ack to the worker (JSON). */
export interface SlashCommandMessage {
  version: 1;
  /** When the ack received the request (ISO 8601); response_url is valid for 30 minutes after it. */
  receivedAt: string;
  /** Who typed the command: users are identified by this id. */
  userId: string;
  /** Display text only, when Slack sent it (Slack is phasing user_name out of slash commands:
   * https://api.slack.com/interactivity/slash-commands#app_command_handling). */
  userName?: string;
  teamId: string;
  channelId: string;
  /** The slash command as typed, e.g. "/guard". */
  command: string;
  /** The text after the command, e.g. "ec2 list prod ap-northeast-2". */
  text: string;
  responseUrl: string;
}

/** Where a command runs: an account (12-digit id or name from config) and a region, each optional. */
export interface Target {
  account?: string;
  region?: string;
}

export type ChatCommand =
  | { kind: "help" }
  | { kind: "accounts" }
  | ({ kind: "ec2-list" } & Target)
  | ({ kind: "ec2-console" | "ec2-start" | "ec2-stop"; instanceId: string } & Target)
  | { kind: "s3-list"; account?: string }
  | { kind: "s3-usage"; bucket: string; account?: string };

export type ParseResult = { ok: true; command: ChatCommand } | { ok: false; error: string };

const REGION_RE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const ACCOUNT_ID_RE = /^\d{12}$/;
const ACCOUNT_NAME_RE = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
// EC2 instance ids: "i-" and 8 (older) or 17 hex characters
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html).
const INSTANCE_ID_RE = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
// S3 "General purpose bucket naming rules"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html): checked before
// any AWS call, so a name S3 forbids gets a reply saying which rule it breaks.
const BUCKET_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const BUCKET_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** Which S3 bucket naming rule a name breaks, or undefined when it follows them all. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63)
    return `is ${name.length} characters long; bucket names have 3 to 63`;
  if (!/^[a-z0-9.-]+$/.test(name))
    return "has characters other than lowercase letters, digits, dots (.) and hyphens (-)";
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "must begin and end with a letter or digit";
  if (name.includes("..")) return "has two adjacent dots";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "is formatted as an IP address";
  const prefix = BUCKET_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `starts with \`${prefix}\`, a prefix S3 reserves`;
  const suffix = BUCKET_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `ends with \`${suffix}\`, a suffix S3 reserves`;
  return undefined;
}

export function isRegionName(s: string): boolean {
  return REGION_RE.test(s);
}

export function isAccountId(s: string): boolean {
  return ACCOUNT_ID_RE.test(s);
}

/** The usage text; `name` is the slash command ("/guard"). */
export function helpText(name = "/guard"): string {
  return [
    `*${name}* commands (\`[account]\` is a 12-digit id or a name from \`${name} accounts\`; defaults apply when omitted):`,
    `• \`${name} ec2 list [account] [region]\`: instances with name tag and state`,
    `• \`${name} ec2 console <instance-id> [account] [region]\`: last 20 lines of the console output`,
    `• \`${name} ec2 start <instance-id> [account] [region]\`: start a stopped instance (operator access)`,
    `• \`${name} ec2 stop <instance-id> [account] [region]\`: stop a running instance (operator access)`,
    `• \`${name} s3 list [account]\`: buckets`,
    `• \`${name} s3 usage <bucket> [account]\`: bucket size from CloudWatch (BucketSizeBytes, daily)`,
    `• \`${name} accounts\`: the accounts and regions you may use, and your access level`,
    `• \`${name} help\`: this text`,
  ].join("\n");
}

/** The canonical text of a command, for logs and replies ("ec2 start i-0abc 222222222222"). */
export function describeCommand(cmd: ChatCommand): string {
  switch (cmd.kind) {
    case "help":
    case "accounts":
      return cmd.kind;
    case "ec2-list":
      return ["ec2 list", cmd.account, cmd.region].filter(Boolean).join(" ");
    case "ec2-console":
    case "ec2-start":
    case "ec2-stop":
      return [cmd.kind.replace("-", " "), cmd.instanceId, cmd.account, cmd.region].filter(Boolean).join(" ");
    case "s3-list":
      return ["s3 list", cmd.account].filter(Boolean).join(" ");
    case "s3-usage":
      return ["s3 usage", cmd.bucket, cmd.account].filter(Boolean).join(" ");
  }
}

function fail(error: string): ParseResult {
  return { ok: false, error };
}

/** Reads optional `[account] [region]` arguments in either order. */
function parseTarget(args: string[], allowRegion: boolean, usage: string): Target | string {
  const target: Target = {};
  for (const arg of args) {
    if (!allowRegion && isRegionName(arg)) {
      return `\`${shown(arg)}\` is a region, and s3 commands take none (each bucket's own region is used). Usage: \`${usage}\``;
    }
    if (allowRegion && isRegionName(arg)) {
      if (target.region)
        return `more than one region (\`${target.region}\`, \`${shown(arg)}\`). Usage: \`${usage}\``;
      target.region = arg;
    } else if (isAccountId(arg) || ACCOUNT_NAME_RE.test(arg)) {
      if (target.account) {
        return `unexpected argument \`${shown(arg)}\` (account is already \`${target.account}\`). Usage: \`${usage}\``;
      }
      target.account = arg;
    } else {
      return `\`${shown(arg)}\` is neither an account (12-digit id or name)${allowRegion ? " nor a region" : ""}. Usage: \`${usage}\``;
    }
  }
  return target;
}

function parseInstanceCommand(kind: "ec2-console" | "ec2-start" | "ec2-stop", args: string[]): ParseResult {
  const usage = `ec2 ${kind.slice(4)} <instance-id> [account] [region]`;
  const [instanceId, ...rest] = args;
  if (!instanceId) return fail(`missing instance id. Usage: \`${usage}\``);
  const id = instanceId.toLowerCase();
  if (!INSTANCE_ID_RE.test(id)) {
    return fail(
      `\`${shown(instanceId)}\` is not an instance id (i- and 8 or 17 hex digits). Usage: \`${usage}\``,
    );
  }
  const target = parseTarget(rest, true, usage);
  if (typeof target === "string") return fail(target);
  return { ok: true, command: { kind, instanceId: id, ...target } };
}

/** Parses the text after the slash command. Empty text means `help`. */
export function parseCommandText(text: string): ParseResult {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { ok: true, command: { kind: "help" } };
  const [head, sub, ...rest] = [words[0].toLowerCase(), words[1]?.toLowerCase(), ...words.slice(2)];
  switch (head) {
    case "help":
      return { ok: true, command: { kind: "help" } };
    case "accounts":
      if (words.length > 1) return fail("`accounts` takes no arguments");
      return { ok: true, command: { kind: "accounts" } };
    case "ec2":
      switch (sub) {
        case undefined:
        case "list": {
          const target = parseTarget(rest, true, "ec2 list [account] [region]");
          if (typeof target === "string") return fail(target);
          return { ok: true, command: { kind: "ec2-list", ...target } };
        }
        case "console":
        case "start":
        case "stop":
          return parseInstanceCommand(`ec2-${sub}`, rest);
        default:
          return fail(
            `unknown ec2 command \`${shown(words[1])}\`: use \`ec2 list\`, \`ec2 console\`, \`ec2 start\` or \`ec2 stop\``,
          );
      }
    case "s3":
      switch (sub) {
        case undefined:
        case "list": {
          const target = parseTarget(rest, false, "s3 list [account]");
          if (typeof target === "string") return fail(target);
          return { ok: true, command: { kind: "s3-list", ...target } };
        }
        case "usage": {
          const usage = "s3 usage <bucket> [account]";
          const [bucket, ...more] = rest;
          if (!bucket) return fail(`missing bucket name. Usage: \`${usage}\``);
          const problem = bucketNameProblem(bucket);
          if (problem)
            return fail(
              `\`${shown(bucket)}\` is not a valid S3 bucket name: it ${problem}. Usage: \`${usage}\``,
            );
          const target = parseTarget(more, false, usage);
          if (typeof target === "string") return fail(target);
          return { ok: true, command: { kind: "s3-usage", bucket, ...target } };
        }
        default:
          return fail(`unknown s3 command \`${shown(words[1])}\`: use \`s3 list\` or \`s3 usage <bucket>\``);
      }
    default:
      return fail(`unknown command \`${shown(words[0])}\`: use \`ec2\`, \`s3\`, \`accounts\` or \`help\``);
  }
}

/**
 * response_url must be https (Slack's hooks.slack.com); plain http is accepted only for local runs
 * (LOCAL_RUN=1), where tests stand in for Slack on 127.0.0.1. Returns a problem, or undefined.
 */
const SLACK_RESPONSE_HOSTS = ["hooks.slack.com", "hooks.slack-gov.com"];

export function responseUrlProblem(url: string, localRun: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "response_url is not a URL";
  }
  // A user name or password in the URL is never Slack's; fetch would refuse it only after the
  // command ran, losing the reply (https://fetch.spec.whatwg.org/#dom-request: credentials in URL).
  if (parsed.username || parsed.password) return "response_url must not carry a user name or password";
  // Replies carry instance, bucket and console output: send them only to Slack's own hosts
  // (hooks.slack.com, or hooks.slack-gov.com for GovSlack), except in local runs and tests.
  if (localRun && (parsed.protocol === "https:" || parsed.protocol === "http:")) return undefined;
  if (parsed.protocol !== "https:") return `response_url must use https (got ${parsed.protocol})`;
  if (!SLACK_RESPONSE_HOSTS.includes(parsed.hostname)) {
    return `response_url must point at Slack (${SLACK_RESPONSE_HOSTS.join(" or ")}), not ${parsed.hostname}`;
  }
  return undefined;
}
