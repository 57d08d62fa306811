// Seeded slash-command texts for the chat-ops fuzz suites: every command of the grammar, wrong
// ones, and arguments that are real (accounts, regions, instances, buckets of the emulated world),
// nearly right (wrong case, unknown ids, regions not enabled) or hostile (JavaScript names, Slack
// control syntax, unicode, sizes over Slack's limits).
import { HOSTILE_STRINGS, Picker } from "../../helpers/fuzz";

const HEADS = [
  "ec2 list",
  "ec2",
  "ec2 console",
  "ec2 start",
  "ec2 stop",
  "s3 list",
  "s3",
  "s3 usage",
  "accounts",
  "help",
  "",
  "EC2 LIST",
  "Ec2 Console",
  "ec2 reboot",
  "s3 delete",
  "iam list",
  "constructor",
  "toString list",
  "ec2 __proto__",
  "s3 hasOwnProperty",
];

const NEAR = [
  "i-0123456789abcdef0",
  "i-0123abcd",
  "I-0123456789ABCDEF0",
  "i-zzzzzzzz",
  "i-",
  "fuzz-bucket",
  "no-such-bucket-1",
  "Bad_Bucket",
  "a",
  "payments",
  "PAYMENTS",
  "data",
  "web",
  "security",
  "222222222222",
  "333333333333",
  "999999999999",
  "12345678901",
  "us-east-1",
  "ap-northeast-2",
  "eu-west-1",
  "ap-northeast-3",
  "mars-east-1",
  "us-gov-west-1",
];

/** One token far over any Slack limit: replies that echo input must still fit. */
const OVERSIZED = "z".repeat(50_000);

const SEPARATORS = [" ", "  ", "\t", "\u00a0", " \n "];

/** A command text; `extra` adds arguments of the emulated world (a real instance id, a bucket). */
export function commandText(p: Picker, extra: readonly string[] = []): string {
  const head = p.pick(HEADS);
  const args: string[] = [];
  const n = p.int(4);
  for (let i = 0; i < n; i++) {
    const r = p.random();
    if (r < 0.6) args.push(p.pick(NEAR));
    else if (r < 0.75 && extra.length) args.push(p.pick(extra));
    else if (r < 0.98) args.push(p.pick(HOSTILE_STRINGS));
    else args.push(OVERSIZED);
  }
  const words = [head, ...args].filter((w) => w !== "");
  let text = "";
  words.forEach((w, i) => (text += (i ? p.pick(SEPARATORS) : p.chance(0.1) ? " " : "") + w));
  return text;
}

/** A Slack user id: one the stack's config names (by access), or one it does not. */
export function userId(p: Picker, known: { operator: string; reader: string }): string {
  const r = p.random();
  if (r < 0.3) return known.operator;
  if (r < 0.45) return known.reader;
  if (r < 0.6) return "U0NOBODY1";
  return p.pick(HOSTILE_STRINGS.filter((s) => s.trim() !== ""));
}
