// Captures the structured log lines (handlers/shared/log.ts) a block of code writes.
export async function captureLogs<T>(
  fn: () => Promise<T>,
): Promise<{ value?: T; error?: Error; logs: Array<Record<string, unknown>> }> {
  const logs: Array<Record<string, unknown>> = [];
  const saved = { log: console.log, warn: console.warn, error: console.error };
  const grab = (line: unknown) => {
    try {
      logs.push(JSON.parse(String(line)));
    } catch {
      logs.push({ raw: String(line) });
    }
  };
  console.log = grab;
  console.warn = grab;
  console.error = grab;
  try {
    return { value: await fn(), logs };
  } catch (error) {
    return { error: error as Error, logs };
  } finally {
    Object.assign(console, saved);
  }
}
