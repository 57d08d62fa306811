// A small per-container cache of lookups: each key's promise is kept (so one batch's records about
// the same resource or account share one call) until it expires; the oldest entry gives way when
// the cache is full, so a container that sees many resources keeps a bounded amount of memory.
// Failures are kept for a shorter time, so a spoke without the role costs one timeout per minute
// rather than one per record, and a passing outage heals quickly.

export interface TtlCache<T> {
  get(key: string, load: () => Promise<T>): Promise<T>;
  size(): number;
}

export function ttlCache<T>(opts: {
  ttlMs: number;
  failureTtlMs: number;
  maxEntries: number;
  now?: () => number;
}): TtlCache<T> {
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { value: Promise<T>; expiresAt: number }>();
  return {
    get(key, load) {
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now()) {
        // Map order is insertion order: re-inserting keeps recently used keys last.
        entries.delete(key);
        entries.set(key, hit);
        return hit.value;
      }
      entries.delete(key);
      const value = load();
      const entry = { value, expiresAt: now() + opts.ttlMs };
      value.catch(() => {
        entry.expiresAt = Math.min(entry.expiresAt, now() + opts.failureTtlMs);
      });
      entries.set(key, entry);
      while (entries.size > opts.maxEntries) entries.delete(entries.keys().next().value as string);
      return value;
    },
    size: () => entries.size,
  };
}
