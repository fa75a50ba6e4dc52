// Cross-service machinery: tokens, counters, request log, latency, throttling and fault injection.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Estate, Identity } from "./estate";

export type ServiceName = "mi" | "arm" | "rg" | "kv" | "graph" | "aws" | "gcp" | "entra";

// ------------------------------------------------------------------------------------------------------------ tokens

export const RESOURCES = {
  kv: "https://vault.azure.net",
  arm: "https://management.azure.com",
  graph: "https://graph.microsoft.com",
} as const;

export interface TokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  oid: string;
  tid: string;
  appid: string;
  sub: string;
  idtyp: "app";
  xms_mirid?: string;
}

const b64u = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

export function normaliseResource(resource: string): string {
  let r = resource.trim();
  if (r.endsWith("/.default")) r = r.slice(0, -"/.default".length);
  while (r.endsWith("/")) r = r.slice(0, -1);
  if (r === "https://management.core.windows.net") r = RESOURCES.arm;
  return r;
}

export class TokenService {
  private cache = new Map<string, TokenClaims | null>();
  lifetimeSeconds = 24 * 3600;
  constructor(private tenantId: string) {}

  /** Unsigned JWT (alg none) carrying oid/tid/appid/aud. Opaque to the SDKs; the local cloud decodes it. */
  issue(identity: Identity, resource: string): { token: string; claims: TokenClaims } {
    const now = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = {
      aud: normaliseResource(resource),
      iss: `https://sts.windows.net/${this.tenantId}/`,
      iat: now,
      nbf: now - 300,
      exp: now + this.lifetimeSeconds,
      oid: identity.oid,
      tid: this.tenantId,
      appid: identity.clientId,
      sub: identity.oid,
      idtyp: "app",
    };
    return { token: `${b64u({ alg: "none", typ: "JWT" })}.${b64u(claims)}.`, claims };
  }

  /** Decode a bearer token (cached). Returns null for anything we did not issue / malformed. */
  decode(token: string): TokenClaims | null {
    let c = this.cache.get(token);
    if (c !== undefined) return c;
    c = null;
    try {
      const parts = token.split(".");
      if (parts.length === 3) {
        const p = JSON.parse(Buffer.from(parts[1], "base64url").toString()) as TokenClaims;
        if (p && typeof p.oid === "string" && typeof p.aud === "string" && p.tid === this.tenantId) c = p;
      }
    } catch {
      c = null;
    }
    if (this.cache.size > 10000) this.cache.clear();
    this.cache.set(token, c);
    return c;
  }

  /** Validate 'Authorization: Bearer …' for a resource. */
  check(
    authorization: string | undefined,
    resource: string,
  ): { ok: true; claims: TokenClaims } | { ok: false; reason: "missing" | "invalid" | "expired" | "audience" } {
    if (!authorization) return { ok: false, reason: "missing" };
    if (authorization.length < 8 || authorization.slice(0, 7).toLowerCase() !== "bearer ")
      return { ok: false, reason: "invalid" };
    const claims = this.decode(authorization.slice(7).trim());
    if (!claims) return { ok: false, reason: "invalid" };
    if (claims.exp * 1000 < Date.now()) return { ok: false, reason: "expired" };
    if (claims.aud !== resource) return { ok: false, reason: "audience" };
    return { ok: true, claims };
  }
}

// --------------------------------------------------------------------------------------------------------- latency

export interface LatencyConfig {
  /** fixed delay added to every request (ms) */
  fixedMs: number;
  /** plus uniform random 0..jitterMs */
  jitterMs: number;
  /** per-service overrides */
  perService?: Partial<Record<ServiceName, { fixedMs: number; jitterMs: number }>>;
}

// ------------------------------------------------------------------------------------------------------ throttling

export interface ThrottlingConfig {
  enabled: boolean;
  kv: { perVaultPer10s: number; writesPerVaultPer10s: number; perSubscriptionPer10s: number };
  arm: { readBurst: number; readRefillPerSec: number; writeBurst: number; writeRefillPerSec: number };
  rg: { per5s: number };
  graph: { per10s: number };
}

export const DEFAULT_THROTTLING: ThrottlingConfig = {
  enabled: true,
  kv: { perVaultPer10s: 4000, writesPerVaultPer10s: 300, perSubscriptionPer10s: 20000 },
  arm: { readBurst: 250, readRefillPerSec: 25, writeBurst: 200, writeRefillPerSec: 10 },
  rg: { per5s: 15 },
  graph: { per10s: 2000 },
};

class FixedWindow {
  private windows = new Map<string, { start: number; n: number }>();
  /** returns 0 when allowed, else seconds to wait */
  take(key: string, limit: number, windowMs: number, now: number): number {
    let w = this.windows.get(key);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, n: 0 };
      this.windows.set(key, w);
    }
    if (w.n >= limit) return Math.max(1, Math.ceil((w.start + windowMs - now) / 1000));
    w.n++;
    return 0;
  }
  remaining(key: string, limit: number, windowMs: number, now: number): { remaining: number; resetMs: number } {
    const w = this.windows.get(key);
    if (!w || now - w.start >= windowMs) return { remaining: limit, resetMs: windowMs };
    return { remaining: Math.max(0, limit - w.n), resetMs: w.start + windowMs - now };
  }
  clear() {
    this.windows.clear();
  }
}

class TokenBuckets {
  private b = new Map<string, { tokens: number; at: number }>();
  /** returns { ok, remaining, retryAfter } */
  take(
    key: string,
    burst: number,
    refillPerSec: number,
    now: number,
  ): { ok: boolean; remaining: number; retryAfter: number } {
    let s = this.b.get(key);
    if (!s) {
      s = { tokens: burst, at: now };
      this.b.set(key, s);
    }
    s.tokens = Math.min(burst, s.tokens + ((now - s.at) / 1000) * refillPerSec);
    s.at = now;
    if (s.tokens < 1)
      return { ok: false, remaining: 0, retryAfter: Math.max(1, Math.ceil((1 - s.tokens) / refillPerSec)) };
    s.tokens -= 1;
    return { ok: true, remaining: Math.floor(s.tokens), retryAfter: 0 };
  }
  clear() {
    this.b.clear();
  }
}

// ------------------------------------------------------------------------------------------------------------ faults

export type FaultKind = "status" | "reset" | "timeout" | "malformed" | "latency";

export interface FaultRule {
  id?: string;
  /** service to match (omit = any) */
  service?: ServiceName;
  /** operation name or glob with '*' (e.g. 'kv.secrets.*') */
  op?: string;
  /** vault name (Key Vault data plane / ARM vault-scoped requests) */
  vault?: string;
  /** HTTP method */
  method?: string;
  /** substring of the request path */
  pathIncludes?: string;
  /** probability 0..1 that a matching request is hit (default 1) */
  rate?: number;
  /** fire at most this many times (default unlimited) */
  times?: number;
  /** let this many matching requests through before firing (default 0) */
  after?: number;
  kind: FaultKind;
  /** kind 'status': HTTP status (429, 500, 503, ...) */
  status?: number;
  /** kind 'status': Retry-After header in seconds (omit for none) */
  retryAfter?: number;
  /** kind 'status': retry-after-ms / x-ms-retry-after-ms header */
  retryAfterMs?: number;
  /** kind 'status': error code in the body (default per status) */
  code?: string;
  message?: string;
  /** kind 'timeout': hang this long then destroy the socket (default: hang until the client gives up) */
  hangMs?: number;
  /** kind 'latency': extra delay before normal handling */
  delayMs?: number;
}

interface FaultState {
  rule: FaultRule;
  seen: number;
  fired: number;
  re: RegExp | null;
}

// ------------------------------------------------------------------------------------------------------ request log

export interface LogEntry {
  seq: number;
  time: number;
  service: ServiceName | "control";
  op: string;
  method: string;
  path: string;
  vault?: string;
  status: number;
  ms: number;
  fault?: FaultOutcome["kind"];
  oid?: string;
  /** set on a request that arrived inside a Graph JSON batch (`POST /v1.0/$batch`) rather than on its own */
  via?: "batch";
}

// ----------------------------------------------------------------------------------------------------- the runtime

export interface RequestInfo {
  service: ServiceName;
  op: string;
  method: string;
  path: string;
  vault?: string;
  subscriptionId?: string;
  oid?: string;
}

export type FaultOutcome =
  | { kind: "none" }
  | { kind: "status"; status: number; headers: Record<string, string>; code: string; message: string }
  | { kind: "reset" }
  | { kind: "timeout"; hangMs?: number }
  | { kind: "malformed" }
  | { kind: "latency"; delayMs: number };

export class Runtime {
  counters = new Map<string, number>();
  /** requests that arrived inside a Graph JSON batch: counted under their op, but not HTTP requests of their own */
  batchItems = 0;
  vaultCounters = new Map<string, Map<string, number>>();
  log: LogEntry[] = [];
  logCapacity: number;
  private logPos = 0;
  private seq = 0;
  faults: FaultState[] = [];
  private faultSeq = 0;
  latency: LatencyConfig;
  throttling: ThrottlingConfig;
  private windows = new FixedWindow();
  private buckets = new TokenBuckets();
  tokens: TokenService;
  /** sockets kept open by 'timeout' faults; destroyed on stop */
  hanging = new Set<import("node:net").Socket>();

  constructor(
    public estate: Estate,
    opts: {
      latency?: Partial<LatencyConfig>;
      throttling?: boolean | DeepPartial<ThrottlingConfig>;
      faults?: FaultRule[];
      logCapacity?: number;
    },
  ) {
    this.tokens = new TokenService(estate.tenantId);
    this.latency = { fixedMs: 0, jitterMs: 0, ...(opts.latency ?? {}) };
    this.throttling = mergeThrottling(DEFAULT_THROTTLING, opts.throttling);
    this.logCapacity = opts.logCapacity ?? 2000;
    for (const f of opts.faults ?? []) this.addFault(f);
  }

  // counters ----------------------------------------------------------------------------------------------------
  count(op: string, vault?: string) {
    this.counters.set(op, (this.counters.get(op) ?? 0) + 1);
    if (vault) {
      let m = this.vaultCounters.get(vault);
      if (!m) this.vaultCounters.set(vault, (m = new Map()));
      m.set(op, (m.get(op) ?? 0) + 1);
    }
  }

  snapshotCounters(): {
    byOp: Record<string, number>;
    byVault: Record<string, Record<string, number>>;
    byService: Record<string, number>;
    /** HTTP requests served (a Graph batch is one; its items are in byOp and batchItems) */
    total: number;
    batchItems: number;
  } {
    const byOp: Record<string, number> = {};
    const byService: Record<string, number> = {};
    let total = 0;
    for (const [k, v] of [...this.counters.entries()].sort()) {
      byOp[k] = v;
      const s = k.split(".")[0];
      byService[s] = (byService[s] ?? 0) + v;
      total += v;
    }
    const byVault: Record<string, Record<string, number>> = {};
    for (const [vault, m] of this.vaultCounters) byVault[vault] = Object.fromEntries([...m.entries()].sort());
    return { byOp, byVault, byService, total: total - this.batchItems, batchItems: this.batchItems };
  }

  resetCounters() {
    this.counters.clear();
    this.vaultCounters.clear();
    this.batchItems = 0;
  }

  // log ---------------------------------------------------------------------------------------------------------
  record(e: Omit<LogEntry, "seq" | "time">) {
    if (this.logCapacity <= 0) return;
    const entry = e as LogEntry;
    entry.seq = ++this.seq;
    entry.time = Date.now();
    if (this.log.length < this.logCapacity) this.log.push(entry);
    else {
      this.log[this.logPos] = entry;
      this.logPos = (this.logPos + 1) % this.logCapacity;
    }
  }

  entries(filter: { limit?: number; service?: string; op?: string; vault?: string } = {}): LogEntry[] {
    const ordered =
      this.log.length < this.logCapacity
        ? this.log.slice()
        : [...this.log.slice(this.logPos), ...this.log.slice(0, this.logPos)];
    const re = filter.op ? globToRegExp(filter.op) : null;
    const out = ordered.filter(
      (e) =>
        (!filter.service || e.service === filter.service) &&
        (!re || re.test(e.op)) &&
        (!filter.vault || e.vault === filter.vault),
    );
    return filter.limit ? out.slice(-filter.limit) : out;
  }

  clearLog() {
    this.log = [];
    this.logPos = 0;
  }

  // faults ------------------------------------------------------------------------------------------------------
  addFault(rule: FaultRule): string {
    const id = rule.id ?? `f${++this.faultSeq}`;
    this.faults = this.faults.filter((f) => f.rule.id !== id);
    this.faults.push({ rule: { ...rule, id }, seen: 0, fired: 0, re: rule.op ? globToRegExp(rule.op) : null });
    return id;
  }
  removeFault(id: string): boolean {
    const n = this.faults.length;
    this.faults = this.faults.filter((f) => f.rule.id !== id);
    return this.faults.length !== n;
  }
  clearFaults() {
    this.faults = [];
    this.injected = [];
  }

  // injected list items -----------------------------------------------------------------------------------------
  /** Raw items appended verbatim to the first page of a listing: how tests serve one malformed principal/vault/object. */
  injected: { op: string; vault?: string; item: unknown }[] = [];
  injectListItem(op: string, item: unknown, vault?: string): void {
    this.injected.push({ op, vault, item });
  }
  injectedFor(op: string, vault?: string): unknown[] {
    return this.injected.filter((i) => i.op === op && (i.vault === undefined || i.vault === vault)).map((i) => i.item);
  }
  listFaults(): (FaultRule & { seen: number; fired: number })[] {
    return this.faults.map((f) => ({ ...f.rule, seen: f.seen, fired: f.fired }));
  }

  /**
   * Every rule whose matchers fit the request counts it (seen++); the first rule that is then eligible
   * (seen > after, fired < times, rate draw) fires. So `after` counts matching requests, independent of other rules.
   */
  checkFault(info: RequestInfo): FaultOutcome {
    if (this.faults.length === 0) return NONE;
    let hit: FaultState | null = null;
    for (const f of this.faults) {
      const r = f.rule;
      if (r.service && r.service !== info.service) continue;
      if (f.re && !f.re.test(info.op)) continue;
      if (r.vault && r.vault !== info.vault) continue;
      if (r.method && r.method.toUpperCase() !== info.method) continue;
      if (r.pathIncludes && !info.path.includes(r.pathIncludes)) continue;
      f.seen++;
      if (hit) continue;
      if (r.after && f.seen <= r.after) continue;
      if (r.times !== undefined && f.fired >= r.times) continue;
      if (r.rate !== undefined && r.rate < 1 && Math.random() >= r.rate) continue;
      hit = f;
    }
    if (!hit) return NONE;
    const r = hit.rule;
    hit.fired++;
    switch (r.kind) {
      case "status": {
        const status = r.status ?? 503;
        const headers: Record<string, string> = {};
        if (r.retryAfter !== undefined) headers["retry-after"] = String(r.retryAfter);
        if (r.retryAfterMs !== undefined) {
          headers["retry-after-ms"] = String(r.retryAfterMs);
          headers["x-ms-retry-after-ms"] = String(r.retryAfterMs);
        }
        const code =
          r.code ??
          (status === 429
            ? "Throttled"
            : status === 503
              ? "ServiceUnavailable"
              : status === 500
                ? "InternalServerError"
                : `Http${status}`);
        return {
          kind: "status",
          status,
          headers,
          code,
          message: r.message ?? `Injected fault ${r.id}: HTTP ${status}`,
        };
      }
      case "reset":
        return { kind: "reset" };
      case "timeout":
        return { kind: "timeout", hangMs: r.hangMs };
      case "malformed":
        return { kind: "malformed" };
      case "latency":
        return { kind: "latency", delayMs: r.delayMs ?? 1000 };
    }
    return NONE;
  }

  // latency -----------------------------------------------------------------------------------------------------
  delayFor(service: ServiceName): number {
    const l = this.latency.perService?.[service] ?? this.latency;
    if (!l.fixedMs && !l.jitterMs) return 0;
    return l.fixedMs + (l.jitterMs ? Math.random() * l.jitterMs : 0);
  }

  // throttling --------------------------------------------------------------------------------------------------
  /** Key Vault: per vault (all transactions + writes) and per subscription windows of 10 s. 0 = allowed, else Retry-After s. */
  throttleKv(vault: string, subscriptionId: string, isWrite: boolean): number {
    const t = this.throttling;
    if (!t.enabled) return 0;
    const now = Date.now();
    let w = this.windows.take(`kv|${vault}`, t.kv.perVaultPer10s, 10_000, now);
    if (w) return w;
    if (isWrite) {
      w = this.windows.take(`kvw|${vault}`, t.kv.writesPerVaultPer10s, 10_000, now);
      if (w) return w;
    }
    return this.windows.take(`kvs|${subscriptionId}`, t.kv.perSubscriptionPer10s, 10_000, now);
  }

  /** ARM token bucket per subscription (or 'tenant') and principal. */
  throttleArm(
    scope: string,
    oid: string,
    isRead: boolean,
  ): { ok: boolean; remaining: number; retryAfter: number; header: string } {
    const t = this.throttling.arm;
    const header = isRead
      ? "x-ms-ratelimit-remaining-subscription-reads"
      : "x-ms-ratelimit-remaining-subscription-writes";
    const burst = isRead ? t.readBurst : t.writeBurst;
    if (!this.throttling.enabled) return { ok: true, remaining: burst - 1, retryAfter: 0, header };
    const r = this.buckets.take(
      `arm|${isRead ? "r" : "w"}|${scope}|${oid}`,
      burst,
      isRead ? t.readRefillPerSec : t.writeRefillPerSec,
      Date.now(),
    );
    return { ...r, header };
  }

  /** Resource Graph: per-user quota window (default 15 per 5 s). */
  throttleRg(oid: string): { ok: boolean; remaining: number; resetsAfter: string; retryAfter: number } {
    const lim = this.throttling.rg.per5s;
    if (!this.throttling.enabled) return { ok: true, remaining: lim - 1, resetsAfter: "00:00:05", retryAfter: 0 };
    const now = Date.now();
    const wait = this.windows.take(`rg|${oid}`, lim, 5000, now);
    const rem = this.windows.remaining(`rg|${oid}`, lim, 5000, now);
    const s = Math.ceil(rem.resetMs / 1000);
    return {
      ok: wait === 0,
      remaining: rem.remaining,
      resetsAfter: `00:00:${String(s).padStart(2, "0")}`,
      retryAfter: wait,
    };
  }

  throttleGraph(oid: string): number {
    if (!this.throttling.enabled) return 0;
    return this.windows.take(`graph|${oid}`, this.throttling.graph.per10s, 10_000, Date.now());
  }

  resetThrottleState() {
    this.windows.clear();
    this.buckets.clear();
  }
}

const NONE: FaultOutcome = { kind: "none" };

export function globToRegExp(glob: string): RegExp {
  return new RegExp(
    "^" +
      glob
        .split("*")
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*") +
      "$",
  );
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type { DeepPartial };

export function mergeThrottling(
  base: ThrottlingConfig,
  over: boolean | DeepPartial<ThrottlingConfig> | undefined,
): ThrottlingConfig {
  const out: ThrottlingConfig = JSON.parse(JSON.stringify(base));
  if (over === undefined) return out;
  if (typeof over === "boolean") {
    out.enabled = over;
    return out;
  }
  if (over.enabled !== undefined) out.enabled = over.enabled;
  for (const k of ["kv", "arm", "rg", "graph"] as const) if (over[k]) Object.assign(out[k], over[k]);
  return out;
}

// --------------------------------------------------------------------------------------------------- http helpers

export interface Reply {
  status: number;
  headers?: Record<string, string | number>;
  /** object → JSON; string/Buffer → as is */
  body?: unknown;
  /** content-type when body is string/Buffer */
  contentType?: string;
}

export function readBody(req: IncomingMessage, limit = 16 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on("data", (c: Buffer) => {
      n += c.length;
      if (n > limit) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function send(res: ServerResponse, r: Reply) {
  if (Buffer.isBuffer(r.body) && r.status === 200) {
    // hot path (cached list pages): flat header array, no per-request object churn
    const flat: string[] = [
      "content-type",
      r.contentType ?? "application/json; charset=utf-8",
      "content-length",
      String(r.body.length),
    ];
    if (r.headers) for (const k in r.headers) flat.push(k, String(r.headers[k]));
    res.writeHead(200, flat);
    res.end(r.body);
    return;
  }
  let payload: Buffer | string | undefined;
  const headers: Record<string, string | number> = { ...(r.headers ?? {}) };
  if (r.body === undefined || r.body === null) payload = undefined;
  else if (Buffer.isBuffer(r.body) || typeof r.body === "string") {
    payload = r.body;
    if (!hasHeader(headers, "content-type"))
      headers["content-type"] = r.contentType ?? "application/json; charset=utf-8";
  } else {
    payload = JSON.stringify(r.body);
    if (!hasHeader(headers, "content-type"))
      headers["content-type"] = r.contentType ?? "application/json; charset=utf-8";
  }
  headers["content-length"] = payload === undefined ? 0 : Buffer.byteLength(payload);
  res.writeHead(r.status, headers);
  res.end(payload);
}

function hasHeader(h: Record<string, unknown>, name: string) {
  for (const k in h) if (k.toLowerCase() === name) return true;
  return false;
}

export function sleep(ms: number) {
  return new Promise<void>((r) => setTimeout(r, ms));
}

/** Parse a query string (tolerates api%2Dversion, '+' and repeated keys: last wins). */
export function parseQuery(qs: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!qs) return out;
  for (const part of qs.split("&")) {
    if (!part) continue;
    const i = part.indexOf("=");
    const k = safeDecode(i < 0 ? part : part.slice(0, i));
    const v = i < 0 ? "" : safeDecode(part.slice(i + 1).replace(/\+/g, " "));
    out[k] = v;
  }
  return out;
}

function safeDecode(s: string) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const urlCache = new Map<string, { path: string; query: Record<string, string>; rawQuery: string }>();

/** splitUrl with a bounded cache (the same list URL is requested over and over); callers must not mutate the result */
export function splitUrlCached(url: string): { path: string; query: Record<string, string>; rawQuery: string } {
  let r = urlCache.get(url);
  if (!r) {
    r = splitUrl(url);
    if (urlCache.size > 5000) urlCache.clear();
    urlCache.set(url, r);
  }
  return r;
}

export function splitUrl(url: string): { path: string; query: Record<string, string>; rawQuery: string } {
  const q = url.indexOf("?");
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? "" : url.slice(q + 1);
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    /* keep raw */
  }
  return { path, query: parseQuery(rawQuery), rawQuery };
}

/**
 * Apply a non-'none', non-'latency' fault outcome. Returns true if the request was consumed.
 * errorBody renders the service-specific error JSON.
 */
export function applyFault(
  rt: Runtime,
  res: ServerResponse,
  f: FaultOutcome,
  errorBody: (status: number, code: string, message: string) => unknown,
): boolean {
  switch (f.kind) {
    case "none":
    case "latency":
      return false;
    case "status":
      send(res, { status: f.status, headers: f.headers, body: errorBody(f.status, f.code, f.message) });
      return true;
    case "reset":
      res.socket?.destroy();
      return true;
    case "timeout": {
      const sock = res.socket;
      if (sock) {
        rt.hanging.add(sock);
        sock.once("close", () => rt.hanging.delete(sock));
        if (f.hangMs !== undefined) setTimeout(() => sock.destroy(), f.hangMs).unref();
      }
      return true;
    }
    case "malformed":
      send(res, { status: 200, body: '{"value":[{"id":"truncated', contentType: "application/json; charset=utf-8" });
      return true;
  }
}
