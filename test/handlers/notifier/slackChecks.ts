// An independent check of what the notifier sends Slack, written from Slack's documentation (not
// from the notifier's own constants, so a wrong constant cannot hide a violation): every Block Kit
// limit (https://api.slack.com/reference/block-kit/blocks, .../block-elements#button,
// https://api.slack.com/reference/messaging/payload) and the JavaScript artefacts a message must
// never show.

type Obj = Record<string, unknown>;

function texts(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(texts);
  if (v && typeof v === "object") return Object.values(v).flatMap(texts);
  return [];
}

/** Every string in the payload, and the artefacts of JS values turned into text. */
export function artefacts(payload: unknown): string[] {
  const out: string[] = [];
  for (const t of texts(payload)) {
    if (/\bundefined\b/.test(t)) out.push(`"undefined" in ${JSON.stringify(t.slice(0, 120))}`);
    if (t.includes("[object Object]")) out.push(`[object Object] in ${JSON.stringify(t.slice(0, 120))}`);
    if (/\[native code\]|function \w*\s*\(/.test(t))
      out.push(`function source in ${JSON.stringify(t.slice(0, 120))}`);
    if (t.includes("=null")) out.push(`=null in ${JSON.stringify(t.slice(0, 120))}`);
    if (t.includes("NaN")) out.push(`NaN in ${JSON.stringify(t.slice(0, 120))}`);
  }
  return out;
}

function over(what: string, len: number, max: number, out: string[]): void {
  if (len > max) out.push(`${what} is ${len} > ${max}`);
}

function checkBlock(b: Obj, where: string, out: string[]): void {
  const text = (b.text as Obj | undefined)?.text;
  if (typeof b.block_id === "string") over(`${where}.block_id`, b.block_id.length, 255, out);
  if (b.type === "header") over(`${where} header text`, String(text).length, 150, out);
  if (b.type === "section") {
    if (typeof text === "string") over(`${where} section text`, text.length, 3000, out);
    const fields = (b.fields as Obj[] | undefined) ?? [];
    over(`${where} fields`, fields.length, 10, out);
    fields.forEach((f, i) => over(`${where} field ${i}`, String(f.text).length, 2000, out));
    if (typeof text !== "string" && !fields.length) out.push(`${where} section has neither text nor fields`);
    if (typeof text === "string" && text.length === 0) out.push(`${where} section text is empty`);
  }
  if (b.type === "context") {
    const els = (b.elements as Obj[] | undefined) ?? [];
    over(`${where} context elements`, els.length, 10, out);
    if (!els.length) out.push(`${where} context has no elements`);
    els.forEach((e, i) => over(`${where} context element ${i}`, String(e.text).length, 3000, out));
  }
  if (b.type === "actions") {
    const els = (b.elements as Obj[] | undefined) ?? [];
    if (!els.length) out.push(`${where} actions block has no elements`);
    over(`${where} actions elements`, els.length, 25, out);
    els.forEach((e, i) => {
      over(`${where} button ${i} text`, String((e.text as Obj).text).length, 75, out);
      if (typeof e.url === "string") over(`${where} button ${i} url`, e.url.length, 3000, out);
    });
  }
}

/** Every Block Kit limit the payload breaks; [] when Slack would accept it. */
export function slackLimitViolations(payload: unknown): string[] {
  const out: string[] = [];
  const p = payload as { text?: unknown; attachments?: Obj[] };
  if (typeof p.text !== "string") out.push("top-level text is missing");
  else over("top-level text", p.text.length, 40_000, out);
  (p.attachments ?? []).forEach((a, ai) => {
    const blocks = (a.blocks as Obj[] | undefined) ?? [];
    over(`attachment ${ai} blocks`, blocks.length, 50, out);
    const ids = new Set<string>();
    blocks.forEach((b, bi) => {
      checkBlock(b, `attachment ${ai} block ${bi}`, out);
      if (typeof b.block_id === "string") {
        if (ids.has(b.block_id)) out.push(`duplicate block_id ${b.block_id}`);
        ids.add(b.block_id);
      }
    });
  });
  return out;
}

/** Inline code spans must be closed, or the rest of the text renders as code. */
export function unbalancedBackticks(payload: unknown): string[] {
  return texts(payload).filter((t) => (t.match(/`/g) ?? []).length % 2 === 1);
}
