// Mermaid's own parser (the `mermaid` package GitHub's renderer is built on) for checking generated
// diagrams. Mermaid expects a browser: jsdom gives it a window and document (its sanitizer needs
// them while it loads); parsing lays nothing out, so no real browser is needed here.
import { JSDOM } from "jsdom";

interface Mermaid {
  initialize(config: Record<string, unknown>): void;
  parse(text: string): Promise<{ diagramType: string } | false>;
}

let loaded: Promise<Mermaid> | undefined;

// mermaid is an ES module only; TypeScript compiled to CommonJS would turn import() into require().
const importEsm = new Function("specifier", "return import(specifier)") as (
  s: string,
) => Promise<{ default: Mermaid }>;

function load(): Promise<Mermaid> {
  loaded ??= (async () => {
    const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
    const g = globalThis as Record<string, unknown>;
    const saved = { window: g.window, document: g.document };
    // Only while Mermaid loads (its sanitizer binds to the window then): other tests must not see a DOM.
    g.window = dom.window;
    g.document = dom.window.document;
    try {
      const mermaid = (await importEsm("mermaid")).default;
      mermaid.initialize({ startOnLoad: false });
      return mermaid;
    } finally {
      if (saved.window === undefined) delete g.window;
      else g.window = saved.window;
      if (saved.document === undefined) delete g.document;
      else g.document = saved.document;
    }
  })();
  return loaded;
}

/** Parses a diagram with Mermaid; resolves to its diagram type, rejects with Mermaid's parse error. */
export async function parseMermaid(text: string): Promise<string> {
  const result = await (await load()).parse(text);
  if (!result) throw new Error("mermaid.parse returned false");
  return result.diagramType;
}
