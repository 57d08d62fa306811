// Errors here are plain `Error`s with a name and extra fields, not `class X extends Error`:
// Pulumi's closure serialization rewrites a class into a function that runs `Error.call(this, msg)`,
// which builds a new object and leaves `this` without its message, so a subclass thrown in the
// deployed package arrived as "[object Object]" (seen in the deployed-form test).
export function namedError<T extends object>(name: string, message: string, fields: T): Error & T {
  const err = new Error(message) as Error & T;
  err.name = name;
  return Object.assign(err, fields);
}

/** True for an error made by namedError(name, ...). */
export function isNamed(err: unknown, name: string): err is Error {
  return err instanceof Error && err.name === name;
}
