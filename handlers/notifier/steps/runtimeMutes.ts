// screen: mutes written from Slack (the Mute button on alerts), read from the hub's mutes table and
// applied like the stack's mute rules (same matching, same log lines and skip reason). The table
// is read at most once a minute per container (a click takes effect within a minute); a read that
// fails or does not answer in time is logged and nothing is muted by it: a posted alert is better
// than a lost one.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { RunCall } from "../../shared/deadline";
import { errorText } from "../../shared/errors";
import { log } from "../../shared/log";
import { listRuntimeMutes } from "../../shared/runtimeMutes";
import { MuteRule } from "../mutes";
import { RecordStep } from "../pipeline";
import { muteRecords } from "./screen";

export const RUNTIME_MUTES_CACHE_MS = 60_000;

export function runtimeMuteRecords(
  tableName: string,
  capMs: number,
  now: () => number = () => Date.now(),
  cacheMs = RUNTIME_MUTES_CACHE_MS,
): RecordStep {
  // Per container (a captured object: module-level `let` does not survive serialization).
  const cache: { rules?: MuteRule[]; at?: number; client?: DynamoDBClient } = {};
  return async (records, inv) => {
    if (!records.some((r) => r.skipped === undefined && r.message && r.facts)) return records;
    if (cache.rules === undefined || now() - (cache.at ?? 0) > cacheMs) {
      const run: RunCall = (what, call) => inv.deadline.run(what, call, capMs);
      try {
        cache.client ??= new DynamoDBClient({ maxAttempts: 2 });
        const { mutes, problems } = await listRuntimeMutes(cache.client, tableName, now(), run);
        for (const problem of problems)
          log("error", "unreadable mute in the Slack mutes table; ignored", {
            requestId: inv.requestId,
            problem,
          });
        // The table holds rules of the stack config's shape (the worker writes them).
        cache.rules = mutes.map((m) => ({ ...m.rule, name: m.rule.name ?? m.id }) as MuteRule);
        cache.at = now();
      } catch (err) {
        log("error", "the Slack mutes table could not be read; its mutes are not applied", {
          requestId: inv.requestId,
          table: tableName,
          error: errorText(err),
        });
        return records;
      }
    }
    return muteRecords(cache.rules, now)(records, inv);
  };
}
