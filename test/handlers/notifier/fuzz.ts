// Seeded, deterministic mutations of the real event fixtures for the notifier's fuzz suite: values
// that are JavaScript member names, huge strings full of Slack control characters, wrong types,
// deep nesting, deleted and added keys, and broken envelopes. The same seed gives the same cases.
import { BurstEvent, QUEUE_ARN, TOPICS, snsNotificationBody } from "./burst";
import { allJsonFixtures, fixture } from "./fixtures";
import { prng } from "../../helpers/fuzz";

export const JS_NAMES = [
  "toString",
  "constructor",
  "valueOf",
  "hasOwnProperty",
  "__proto__",
  "prototype",
  "isPrototypeOf",
];

type Json = unknown;
type Rand = () => number;

const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)];

function huge(r: Rand): string {
  const unit = pick(r, ["`", "&", "<", ">", "<!channel>", "😀", "x", "*_~", "\n", "a b ", "|"]);
  return unit.repeat(1 + Math.floor((r() * 12_000) / unit.length));
}

function nested(depth: number, leaf: Json): Json {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { [`k${i}`]: v };
  return v;
}

/** A hostile replacement value. */
function hostile(r: Rand): Json {
  switch (Math.floor(r() * 12)) {
    case 0:
    case 1:
      return pick(r, JS_NAMES);
    case 2:
      return huge(r);
    case 3:
      return Math.floor(r() * 1e6) * (r() < 0.5 ? -1 : 1);
    case 4:
      return r() < 0.5;
    case 5:
      return null;
    case 6:
      return [pick(r, JS_NAMES), 1, null, { [pick(r, JS_NAMES)]: "x" }];
    case 7:
      return { [pick(r, JS_NAMES)]: pick(r, JS_NAMES), items: pick(r, JS_NAMES) };
    case 8:
      return nested(5 + Math.floor(r() * 60), pick(r, JS_NAMES));
    case 9:
      return "";
    case 10:
      return `<!channel> & <https://evil.example|click> ${pick(r, JS_NAMES)}`;
    default:
      return 1e21;
  }
}

/** Every path to a value inside `v`. */
function paths(v: Json, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []) {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([...prefix, i]), paths(x, [...prefix, i], out)));
  else if (v && typeof v === "object")
    for (const k of Object.keys(v)) {
      out.push([...prefix, k]);
      paths((v as Record<string, Json>)[k], [...prefix, k], out);
    }
  return out;
}

function setAt(root: Json, path: Array<string | number>, value: Json, remove: boolean): void {
  let cur = root as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (remove && !Array.isArray(cur)) delete cur[last];
  else Object.defineProperty(cur, last, { value, enumerable: true, writable: true, configurable: true });
}

/** 1 to 4 mutations of a copy of `message`; sometimes keys named like Object members are added. */
export function mutate(message: Json, r: Rand): Json {
  const copy = structuredClone(message);
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const all = paths(copy);
    if (!all.length) break;
    const path = pick(r, all);
    const roll = r();
    if (roll < 0.15) setAt(copy, path, undefined, true);
    else if (roll < 0.25) {
      const parent = path.slice(0, -1);
      setAt(copy, [...parent, pick(r, JS_NAMES)], hostile(r), false);
    } else setAt(copy, path, hostile(r), false);
  }
  return copy;
}

/** The messages the hub's topics carry: every fixture that is one (Lambda envelopes unwrapped). */
export function baseMessages(): Array<{ message: Record<string, Json>; topic: keyof typeof TOPICS }> {
  const out: Array<{ message: Record<string, Json>; topic: keyof typeof TOPICS }> = [];
  for (const f of allJsonFixtures()) {
    const v = fixture(f) as Record<string, Json>;
    const records = Array.isArray(v.Records) ? (v.Records as Array<Record<string, Json>>) : undefined;
    if (records) {
      for (const rec of records) {
        const text = (rec.Sns as { Message?: unknown } | undefined)?.Message ?? rec.body;
        try {
          const parsed = JSON.parse(String(text));
          const inner = parsed.Type === "Notification" ? JSON.parse(parsed.Message) : parsed;
          if (inner && typeof inner === "object") out.push({ message: inner, topic: "events" });
        } catch {
          // an intentionally broken fixture: the envelope mutations cover that case
        }
      }
    } else out.push({ message: v, topic: "config" });
  }
  return out;
}

export interface FuzzCase {
  /** What the notifier receives. */
  event: Json;
  /** SQS record ids (empty for a Lambda SNS or a raw event). */
  sqsIds: string[];
  /** Records the event holds. */
  records: number;
}

function sqsRecord(id: string, body: Json): Record<string, Json> {
  return { messageId: id, body, eventSource: "aws:sqs", eventSourceARN: QUEUE_ARN, awsRegion: "us-east-1" };
}

/** Breaks an SQS record's envelope in one of the ways a queue could deliver garbage. */
function brokenBody(r: Rand, e: BurstEvent): Json {
  const body = snsNotificationBody(e);
  switch (Math.floor(r() * 5)) {
    case 0:
      return body.slice(0, Math.floor(r() * body.length));
    case 1:
      return hostile(r);
    case 2:
      return JSON.stringify({ Type: "Notification", MessageId: pick(r, JS_NAMES), Message: hostile(r) });
    case 3:
      return JSON.stringify(hostile(r));
    default:
      return "";
  }
}

/** Case `n` of the suite for `seed`: an SQS batch (mostly), a Lambda SNS event, or a raw event. */
export function fuzzCase(seed: number, n: number): FuzzCase {
  const r = prng(seed * 100_003 + n);
  const bases = baseMessages();
  const kind = r();
  const size = r() < 0.1 ? 6 + Math.floor(r() * 10) : 1 + Math.floor(r() * 3);
  const events: BurstEvent[] = Array.from({ length: size }, (_, i) => {
    const base = pick(r, bases);
    return {
      message: (r() < 0.9 ? mutate(base.message, r) : base.message) as Record<string, Json>,
      topicArn: TOPICS[base.topic],
      snsMessageId: `fz-${n}-${i}-sns`,
      sqsMessageId: `fz-${n}-${i}`,
    };
  });
  if (kind < 0.75) {
    const records = events.map((e) =>
      sqsRecord(e.sqsMessageId, r() < 0.1 ? brokenBody(r, e) : snsNotificationBody(e)),
    );
    return {
      event: { Records: records },
      sqsIds: events.map((e) => e.sqsMessageId),
      records: records.length,
    };
  }
  if (kind < 0.9) {
    const e = events[0];
    return {
      event: {
        Records: [
          {
            EventSource: "aws:sns",
            Sns: {
              Type: "Notification",
              MessageId: e.snsMessageId,
              TopicArn: e.topicArn,
              Message: JSON.stringify(e.message),
            },
          },
        ],
      },
      sqsIds: [],
      records: 1,
    };
  }
  return { event: events[0].message, sqsIds: [], records: 1 };
}
