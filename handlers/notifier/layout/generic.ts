// Everything without a layout of its own: other EventBridge events, other JSON, plain-text messages
// and unreadable records. Readable summaries only: names and ids, never a JSON dump.
import type { KnownBlock } from "@slack/types";
import type { Finding } from "../../findings/model";
import { Field, code, context, esc, fieldSections, header, message, section } from "../slack";
import { FormatContext, accountOf, accountPlain, accountText, footer, regionText, timeText } from "./common";

const MAX_KEYS = 15;

function keyList(keys: readonly string[]): string {
  const shown = keys.slice(0, MAX_KEYS).map(code).join(", ");
  return keys.length > MAX_KEYS ? `${shown} and ${keys.length - MAX_KEYS} more` : shown || "none";
}

/** An EventBridge event no source knows: where, from which service, and what identifies it. */
export function formatOtherEventBridge(f: Finding, ctx: FormatContext): ReturnType<typeof message> {
  const { settings, delivery, problems } = ctx;
  const accountId = accountOf(f);
  const source = f.metadata.product ?? "unknown";
  const e = f.evidence;
  const fields: Field[] = [
    { label: "Account", value: accountText(accountId, settings) },
    { label: "Region", value: regionText(f.cloud.region) },
    { label: "Source", value: code(source) },
    { label: "Time", value: timeText(f.time, "time", problems) },
  ];
  const blocks: KnownBlock[] = [header(f.title), ...fieldSections(fields)];
  const lines = ["This event type has no dedicated format."];
  const resources = e.resource_uids ?? [];
  if (resources.length)
    lines.push(
      `*Resources*: ${resources.slice(0, 10).map(code).join(", ")}${resources.length > 10 ? ` and ${resources.length - 10} more` : ""}`,
    );
  if (e.keys) {
    const identifying = (e.identifying ?? []).map((i) => `• ${code(i.name)}: ${esc(i.value)}`);
    if (identifying.length) lines.push(`*What it is about*\n${identifying.join("\n")}`);
    lines.push(`*Detail fields*: ${keyList(e.keys)}`);
  }
  blocks.push(section(lines.join("\n")), footer(f, delivery));
  const fallback = `${esc(f.title)} from ${esc(source)} in ${esc(accountPlain(accountId, settings))}`;
  return message("neutral", fallback, blocks);
}

/** JSON of no known shape: its top-level fields. */
export function formatOtherJson(f: Finding, ctx: FormatContext): ReturnType<typeof message> {
  const blocks: KnownBlock[] = [
    header(f.title),
    section(
      `The notifier does not recognise this message's format.\n*Top-level fields*: ${keyList(f.evidence.keys ?? [])}`,
    ),
    footer(f, ctx.delivery),
  ];
  return message("neutral", `Unrecognised notification: ${esc(f.title)}`, blocks);
}

/** A plain-text message, as received. */
export function formatText(f: Finding, ctx: FormatContext): ReturnType<typeof message> {
  const blocks: KnownBlock[] = [
    header(f.title),
    section(esc(f.evidence.text ?? "")),
    footer(f, ctx.delivery),
  ];
  return message("neutral", esc(f.title), blocks);
}

/** A record that could not be read at all: say so, and where to find it. */
export function formatUnreadable(f: Finding, ctx: FormatContext): ReturnType<typeof message> {
  const error = f.desc ?? "unknown error";
  const blocks: KnownBlock[] = [
    header(f.title),
    section(
      `A notification reached the notifier but could not be read: ${esc(error)}.\nThe record as received is in the notifier's log under this id.`,
    ),
  ];
  if (f.evidence.excerpt) blocks.push(section(`*Start of the message*\n${code(f.evidence.excerpt)}`));
  if (ctx.delivery.subject) blocks.push(context(`Subject: ${esc(ctx.delivery.subject)}`));
  blocks.push(footer(f, ctx.delivery));
  return message("warning", `Unreadable notification (${esc(error)})`, blocks);
}

/** A visible note listing what was missing or mistyped in an event that was otherwise formatted. */
export function problemsBlock(problems: string[]): KnownBlock {
  const shown = problems.slice(0, 10).map(esc).join("; ");
  return context(
    `:warning: Incomplete event: ${shown}${problems.length > 10 ? `; and ${problems.length - 10} more` : ""}`,
  );
}
