// Captures the structured log lines (handlers/shared/log.ts) a piece of code writes.
export interface CapturedLogs {
  lines: Array<Record<string, unknown>>;
  restore(): void;
}

export function captureLogs(): CapturedLogs {
  const saved = { log: console.log, warn: console.warn, error: console.error };
  const lines: Array<Record<string, unknown>> = [];
  const grab = (...args: unknown[]) => {
    try {
      lines.push(JSON.parse(String(args[0])));
    } catch {
      lines.push({ raw: args.map(String).join(" ") });
    }
  };
  console.log = grab;
  console.warn = grab;
  console.error = grab;
  return {
    lines,
    restore: () => Object.assign(console, saved),
  };
}
