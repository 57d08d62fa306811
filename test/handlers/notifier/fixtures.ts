// Loads event fixtures from test/fixtures/events and digs fields out of rendered messages.
import * as fs from "fs";
import * as path from "path";
import type { SlackMessage } from "../../../handlers/notifier";
import { findingOfRecord } from "../../../handlers/findings/registry";
import { EventFacts, factsOf } from "../../../handlers/notifier/findingFacts";

export const FIXTURES = path.resolve(__dirname, "..", "..", "fixtures", "events");

export function fixture(rel: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, rel), "utf8"));
}

/** Every fixture file that holds valid JSON, as relative paths. */
export function allJsonFixtures(): string[] {
  return fs
    .readdirSync(FIXTURES, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".json"))
    .sort();
}

type AnyBlock = {
  type: string;
  text?: { text: string };
  fields?: Array<{ text: string }>;
  elements?: Array<{ text?: unknown; url?: string }>;
};

export function blocksOf(m: SlackMessage): AnyBlock[] {
  return m.attachments[0].blocks as unknown as AnyBlock[];
}

export function headerOf(m: SlackMessage): string {
  const h = blocksOf(m).find((b) => b.type === "header");
  return h?.text?.text ?? "";
}

/** Field label to field text (after the label line). */
export function fieldsOf(m: SlackMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of blocksOf(m)) {
    for (const f of b.fields ?? []) {
      const [label, ...rest] = f.text.split("\n");
      out[label.replace(/^\*|\*$/g, "")] = rest.join("\n");
    }
  }
  return out;
}

export function sectionTexts(m: SlackMessage): string[] {
  return blocksOf(m)
    .filter((b) => b.type === "section" && b.text)
    .map((b) => b.text!.text);
}

export function buttonUrls(m: SlackMessage): string[] {
  return blocksOf(m)
    .filter((b) => b.type === "actions")
    .flatMap((b) => (b.elements ?? []).map((e) => e.url ?? ""));
}

export function contextTexts(m: SlackMessage): string[] {
  return blocksOf(m)
    .filter((b) => b.type === "context")
    .flatMap((b) => (b.elements ?? []).map((e) => String(e.text)));
}

/** Every string anywhere in a value. */
export function allStrings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(allStrings);
  if (v && typeof v === "object") return Object.values(v).flatMap(allStrings);
  return [];
}

/** The finding the notifier makes of `payload` (undefined: a record that could not be read). */
export function findingOfPayload(payload: unknown, sshConfigRules: readonly string[] = ["restricted-ssh"]) {
  const record =
    payload === undefined
      ? { recordId: "r", via: "direct" as const, error: "not JSON" }
      : { recordId: "r", via: "direct" as const, payload: payload as Record<string, unknown> };
  const out = findingOfRecord(record, { sshConfigRules });
  return out.finding ?? out.skip!;
}

/** What mute rules and de-duplication see of `payload`. */
export function factsOfPayload(payload: unknown): EventFacts {
  return factsOf(findingOfPayload(payload));
}
