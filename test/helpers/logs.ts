// Captures the structured log lines (handlers/shared/log.ts writes one JSON object per line) that
// code under test writes to console.log/warn/error, and keeps test output readable.
export type LogLine = Record<string, unknown>;

export interface CapturedLogs {
  /** Every line written since captureLogs(), parsed; a line that is not JSON becomes { raw }. */
  lines: LogLine[];
  /** Puts console.log/warn/error back. */
  restore(): void;
}

/** Starts capturing (typically in beforeEach; call restore() in afterEach). */
export function captureLogs(): CapturedLogs {
  const saved = { log: console.log, warn: console.warn, error: console.error };
  const lines: LogLine[] = [];
  const grab = (...args: unknown[]) => {
    const text = args.map(String).join(" ");
    try {
      lines.push(JSON.parse(text));
    } catch {
      lines.push({ raw: text });
    }
  };
  console.log = grab;
  console.warn = grab;
  console.error = grab;
  return { lines, restore: () => Object.assign(console, saved) };
}

/** Runs `fn` with the logs captured: its value (or the error it threw) and the lines it wrote. */
export async function withCapturedLogs<T>(
  fn: () => Promise<T>,
): Promise<{ value?: T; error?: Error; logs: LogLine[] }> {
  const captured = captureLogs();
  try {
    return { value: await fn(), logs: captured.lines };
  } catch (error) {
    return { error: error as Error, logs: captured.lines };
  } finally {
    captured.restore();
  }
}
