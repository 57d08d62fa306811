// The one way handlers turn anything thrown into text for logs, replies and Slack messages.

/**
 * `Name: message` of an Error or an AWS SDK error (which may be a plain object with name and
 * message after serialization), otherwise the value as text. Never "[object Object]".
 */
export function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (err && typeof err === "object") {
    const e = err as { name?: unknown; message?: unknown };
    if (typeof e.message === "string")
      return `${typeof e.name === "string" ? e.name : "Error"}: ${e.message}`;
    try {
      return JSON.stringify(err);
    } catch {
      return Object.prototype.toString.call(err);
    }
  }
  return String(err);
}

/** The AWS error code of an SDK error (EC2 and STS put it in Code; others in name). */
export function errorCode(err: unknown): string | undefined {
  if (!err || typeof err !== "object") return undefined;
  const e = err as { Code?: unknown; name?: unknown };
  if (typeof e.Code === "string") return e.Code;
  return typeof e.name === "string" ? e.name : undefined;
}
