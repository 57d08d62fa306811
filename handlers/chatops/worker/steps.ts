// The outcome of one step of a command: its value, or the final reply that ends the command here.
import { CommandResult } from "./context";

export type Step<T> = { ok: true; value: T } | { ok: false; result: CommandResult };

export function stop(outcome: CommandResult["outcome"], text: string): { ok: false; result: CommandResult } {
  return { ok: false, result: { outcome, text } };
}
