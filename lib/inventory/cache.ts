import { desc } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { scanRuns } from "../db/schema";

/**
 * A small per-process cache for expensive read aggregates (dashboard, filtered counts). Entries are keyed by the
 * caller's key plus the inventory's data version — the latest scan's id, status and progress — so a scan writing
 * new data invalidates them at once; the TTL bounds staleness for everything else (time passing, settings).
 * Concurrent callers share one in-flight computation.
 */
const MAX_ENTRIES = 500;

/**
 * A settled entry keeps the plain value, never the promise: a promise created during a request carries that
 * request's async-context stores (Next's request store, the response, its compression stream), so a cached promise
 * pinned a whole request for as long as the entry lived (seen in heap snapshots of a busy console: ~1,000 requests
 * held). The in-flight promise is shared only until it settles.
 */
interface Entry {
  at: number;
  ttl: number;
  settled?: { value: unknown };
  pending?: Promise<unknown>;
}

const store = new Map<string, Entry>();
let sweptAt = 0;

let versionMemo: { at: number; value?: string; pending?: Promise<string> } | undefined;

/** The data version, re-read at most once a second per process (one indexed row; shared by concurrent requests). */
export async function inventoryVersion(db: DbOrTx, now = Date.now()): Promise<string> {
  if (versionMemo && now - versionMemo.at < 1000) return versionMemo.value ?? versionMemo.pending!;
  const memo: NonNullable<typeof versionMemo> = { at: now };
  const pending = readVersion(db);
  memo.pending = pending;
  versionMemo = memo;
  pending.then(
    (value) => {
      memo.value = value;
      memo.pending = undefined;
    },
    () => {
      if (versionMemo === memo) versionMemo = undefined;
    },
  );
  return pending;
}

async function readVersion(db: DbOrTx): Promise<string> {
  const [s] = await db
    .select({
      id: scanRuns.id,
      status: scanRuns.status,
      done: scanRuns.vaultsDone,
      objects: scanRuns.objectsSeen,
      hb: scanRuns.heartbeatAt,
    })
    .from(scanRuns)
    .orderBy(desc(scanRuns.createdAt))
    .limit(1);
  return s ? `${s.id}:${s.status}:${s.done}:${s.objects}:${s.hb?.getTime() ?? 0}` : "none";
}

export async function cached<T>(key: string, ttlMs: number, compute: () => Promise<T>, now = Date.now()): Promise<T> {
  const hit = store.get(key);
  if (hit && now - hit.at < ttlMs) return (hit.settled ? hit.settled.value : hit.pending) as T | Promise<T>;
  const entry: Entry = { at: now, ttl: ttlMs };
  const pending = compute();
  entry.pending = pending;
  store.set(key, entry);
  pending.then(
    (value) => {
      entry.settled = { value };
      entry.pending = undefined;
    },
    () => {
      if (store.get(key) === entry) store.delete(key);
    },
  );
  sweep(now);
  if (store.size > MAX_ENTRIES) store.delete(store.keys().next().value!);
  return pending;
}

/**
 * Drops expired entries, at most once a second. During a scan the data version changes every second, so without
 * this the store fills with dead dashboards and counts (one per version) up to MAX_ENTRIES and holds them.
 */
function sweep(now: number): void {
  if (now - sweptAt < 1000) return;
  sweptAt = now;
  for (const [key, e] of store) if (now - e.at >= e.ttl) store.delete(key);
}

/** How many entries the cache holds (tests). */
export function inventoryCacheSize(): number {
  return store.size;
}

/** Whether an entry holds its computation's promise (true only while it runs; tests). */
export function inventoryCacheHoldsPromise(key: string): boolean {
  return store.get(key)?.pending !== undefined;
}

export function clearInventoryCache(): void {
  store.clear();
  versionMemo = undefined;
  sweptAt = 0;
}
