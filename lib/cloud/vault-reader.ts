/**
 * The scanner's Key Vault reader: GETs of list pages and metadata as JSON, with Key Vault's challenge authentication,
 * without the generated SDK clients (docs/adr/0008: the same calls at a third of the CPU). Reads only: there is no
 * method here that could send a body, and nothing here asks for a secret's value. Rotation and sync, which write, keep
 * the SDK clients (clients.ts).
 */
import { randomUUID } from "node:crypto";
import type { Dispatcher } from "undici";
import { getConfig, isLoopbackHost } from "../config";
import { getCredential } from "./clients";
import { HttpError, httpErrorFromBody } from "./errors";
import { vaultTransport, type RawResponse, type Target } from "./vault-transport";

/** The data-plane API version the reader's mapping follows (the one the Key Vault SDKs in package.json send). */
export const KEY_VAULT_API_VERSION = "2025-07-01";

interface Challenge {
  scope: string;
  tenantId?: string;
}

/**
 * What each vault's 401 challenge said (scope and tenant), per vault origin, for the life of the process: the next
 * scan's first request to the vault carries a token at once instead of making the unauthenticated round trip again.
 * A 401 to a token re-reads the challenge. Bounded: past the cap the oldest are forgotten.
 */
const challenges = new Map<string, Challenge>();
const MAX_CHALLENGES = 20_000;
let maxChallenges = MAX_CHALLENGES;

/** For tests: forget every learned challenge, and set how many are kept (the default without an argument). */
export function forgetVaultChallenges(limit = MAX_CHALLENGES): void {
  challenges.clear();
  maxChallenges = limit;
}

/** A learned challenge as it crosses a thread boundary: the vault origin, its token scope and tenant. */
export type VaultChallenge = [origin: string, scope: string, tenantId: string | undefined];

/**
 * The challenges learned so far, oldest first. A scan thread (lib/scheduler/scan-thread.ts) is a fresh module
 * instance: it starts with the process's and hands back what it learned, so a scan in a thread does not pay one
 * unauthenticated round trip per vault every time. Scopes and tenant ids only: nothing secret.
 */
export function learnedVaultChallenges(): VaultChallenge[] {
  return [...challenges].map(([origin, c]) => [origin, c.scope, c.tenantId]);
}

/** Takes challenges learned elsewhere (another thread); a scope not valid for its origin is ignored. */
export function rememberVaultChallenges(learned: readonly VaultChallenge[]): void {
  for (const [origin, scope, tenantId] of learned) {
    try {
      assertVaultResource(new URL(origin), scope.replace(/\/\.default$/, ""));
      rememberChallenge(origin, { scope, tenantId });
    } catch {
      // a challenge that would not be accepted from the vault itself is not accepted second hand either
    }
  }
}

/** WWW-Authenticate: Bearer authorization="…", resource="…" / scope="…", claims="…" */
function parseChallenge(header: string | undefined): Record<string, string> | undefined {
  if (!header || !/^\s*Bearer\s/i.test(header)) return undefined;
  const out: Record<string, string> = {};
  for (const m of header.matchAll(/([A-Za-z_]+)="([^"]*)"/g)) out[m[1].toLowerCase()] = m[2];
  return out;
}

class ChallengeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChallengeError";
  }
}

/** A next page link the reader will not follow (another host, another path, or one already followed). */
export class RefusedLinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefusedLinkError";
  }
}

/** As the SDKs do: a token is only ever asked for the vault's own service (a hostile endpoint cannot get one for ARM). */
function assertVaultResource(vault: URL, resource: string): void {
  let resourceHost: string;
  try {
    resourceHost = new URL(resource).hostname;
  } catch {
    throw new ChallengeError("Key Vault's challenge names an invalid resource");
  }
  const loopback = getConfig().azure.keyVaultAllowLoopback && isLoopbackHost(vault.hostname);
  if (!loopback && !vault.hostname.endsWith(`.${resourceHost}`))
    throw new ChallengeError(`the challenge resource '${resourceHost}' does not match the vault's domain`);
}

function challengeOf(vault: URL, header: string | undefined): Challenge & { claims?: string } {
  const p = parseChallenge(header);
  const resource = p?.resource ?? p?.scope?.replace(/\/\.default$/, "");
  if (!p || !resource) throw new ChallengeError("Key Vault answered 401 without a usable Bearer challenge");
  assertVaultResource(vault, resource);
  const authority = p.authorization ?? p.authorization_uri;
  const tenantId = authority ? new URL(authority).pathname.split("/").filter(Boolean)[0] : undefined;
  const claims = p.claims ? Buffer.from(p.claims, "base64").toString("utf8") : undefined;
  return { scope: p.scope ?? `${resource}/.default`, tenantId, claims };
}

function rememberChallenge(origin: string, c: Challenge): void {
  // past the cap the oldest vault is forgotten (it pays the round trip again next time), never the newest: a vault
  // that could not be remembered would pay it on every request
  if (challenges.size >= maxChallenges && !challenges.has(origin)) challenges.delete(challenges.keys().next().value!);
  challenges.set(origin, { scope: c.scope, tenantId: c.tenantId });
}

const header = (res: RawResponse, name: string) => {
  const v = res.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
};

/** A non-2xx answer as the error the classifier and the retry policy read (status, code, inner code, headers). */
function httpErrorOf(res: RawResponse): HttpError {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
  return httpErrorFromBody("Key Vault", res.status, res.body, headers);
}

/** Refresh this long before expiry, as the credential's cache does (token-cache.ts). */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

export class VaultReader {
  readonly origin: string;
  private readonly base: URL;
  /** the token this reader last used, and for which challenge: most requests need no credential call at all */
  private held?: { challenge: Challenge; token: string; refreshAt: number };

  /** `connections`: the vault's keep-alive connections (vaultConnections; the scanner closes them when the vault is done). */
  constructor(
    vaultUri: string,
    private readonly connections?: Dispatcher,
  ) {
    this.base = new URL(vaultUri);
    this.origin = this.base.origin;
  }

  private target(path: string): Target {
    return { origin: this.origin, hostname: this.base.hostname, port: this.base.port, path };
  }

  /** GET a path of the vault (`/secrets`, `/keys/k1/rotationpolicy` …) with the API version and `query`. */
  getJson<T = unknown>(path: string, signal: AbortSignal, query?: Record<string, string>): Promise<T> {
    let withQuery = `${path}?api-version=${KEY_VAULT_API_VERSION}`;
    if (query) for (const k in query) withQuery += `&${k}=${encodeURIComponent(query[k])}`;
    return this.fetchJson<T>(this.target(withQuery), signal);
  }

  /**
   * GET the `nextLink` of a listing of `path`. Refused unless it continues that same listing on the same vault: the
   * token must not travel to another host, and a link cannot turn a listing into some other read (a secret's value).
   */
  async getNextPage<T = unknown>(link: string, path: string, signal: AbortSignal): Promise<T> {
    const url = new URL(link);
    if (url.origin !== this.origin) throw new RefusedLinkError("Key Vault returned a next page link to another host");
    if (url.pathname.replace(/\/$/, "") !== path)
      throw new RefusedLinkError("Key Vault returned a next page link outside the listing it continues");
    return this.fetchJson<T>(this.target(url.pathname + url.search), signal);
  }

  private async fetchJson<T>(to: Target, signal: AbortSignal): Promise<T> {
    const res = await this.authorized(to, signal);
    if (res.status < 200 || res.status >= 300) throw httpErrorOf(res);
    return JSON.parse(res.body) as T;
  }

  private async authorized(to: Target, signal: AbortSignal): Promise<RawResponse> {
    let challenge = challenges.get(this.origin);
    let claims: string | undefined;
    if (!challenge) {
      // the first request to a vault carries no token: its 401 names the tenant and resource to ask a token for
      const first = await this.send(to, undefined, signal);
      if (first.status !== 401) return first;
      const c = challengeOf(this.base, header(first, "www-authenticate"));
      rememberChallenge(this.origin, c);
      challenge = c;
      claims = c.claims;
    }
    let res = await this.send(to, await this.token(challenge, claims), signal);
    if (res.status === 401 && parseChallenge(header(res, "www-authenticate"))) {
      // the vault moved tenant, or asks for a fresh token (CAE claims): learn again and ask the credential, once
      const c = challengeOf(this.base, header(res, "www-authenticate"));
      rememberChallenge(this.origin, c);
      this.held = undefined;
      res = await this.send(to, await this.token(c, c.claims), signal);
    }
    return res;
  }

  private async token(c: Challenge, claims: string | undefined): Promise<string> {
    const h = this.held;
    if (!claims && h && h.challenge === c && Date.now() < h.refreshAt) return h.token;
    const t = await getCredential().getToken(c.scope, { tenantId: c.tenantId, enableCae: true, claims });
    if (!t) throw new ChallengeError("the credential returned no token for Key Vault");
    const refreshAt = t.refreshAfterTimestamp ?? t.expiresOnTimestamp - REFRESH_BEFORE_EXPIRY_MS;
    this.held = claims ? undefined : { challenge: c, token: t.token, refreshAt };
    return t.token;
  }

  private send(to: Target, token: string | undefined, signal: AbortSignal): Promise<RawResponse> {
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": "CertifyClouds-discovery",
      "x-ms-client-request-id": randomUUID(),
    };
    if (token) headers.authorization = `Bearer ${token}`;
    return vaultTransport()(to, headers, signal, this.connections);
  }
}
