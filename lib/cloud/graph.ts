/** Microsoft Graph: applications and service principals with credential metadata and owners (minimal $select). */
import { RetryHandlerOptions, type Client, type GraphRequest } from "@microsoft/microsoft-graph-client";
import { graphClient } from "./clients";
import { z } from "zod";
import { HttpError } from "./errors";
import { DEFAULT_RETRY_POLICY, isRetriable, retryAfterMs, sleep, withRetry, type CallOptions } from "./retry";
import { emptyListing, parseEach, type Listing } from "./validate";

export interface GraphPasswordCredential {
  keyId: string;
  displayName?: string | null;
  hint?: string | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
}
export interface GraphKeyCredential {
  keyId: string;
  /** SHA-1 thumbprint (hex, upper case) from customKeyIdentifier, when it holds one */
  thumbprint?: string | null;
  displayName?: string | null;
  type?: string;
  usage?: string;
  startDateTime?: string | null;
  endDateTime?: string | null;
}
export interface GraphPrincipal {
  kind: "application" | "servicePrincipal";
  id: string;
  appId: string;
  displayName: string;
  createdDateTime?: string | null;
  passwordCredentials: GraphPasswordCredential[];
  keyCredentials: GraphKeyCredential[];
}
export interface GraphOwner {
  id: string;
  displayName?: string;
  userPrincipalName?: string;
}

/** Graph's own RetryHandler is switched off per request: retry.ts handles 429/503/504 (with Retry-After) and resets. */
const NO_GRAPH_RETRY = [new RetryHandlerOptions(0, 0)];

function prepare(req: GraphRequest, signal: AbortSignal): GraphRequest {
  return req.middlewareOptions(NO_GRAPH_RETRY).option("signal", signal);
}

// `secretText` is never selected (Graph returns null for it anyway); `key` (public certificate blob) is not selected.
const APP_SELECT = "id,appId,displayName,createdDateTime,passwordCredentials,keyCredentials";
const SP_SELECT = "id,appId,displayName,passwordCredentials,keyCredentials";

const nullableText = z.string().nullish();
const isoOrNull = z.iso.datetime({ offset: true }).nullish();
const credSchema = z.object({
  keyId: z.string().min(1),
  displayName: nullableText,
  hint: nullableText,
  startDateTime: isoOrNull,
  endDateTime: isoOrNull,
  type: nullableText,
  usage: nullableText,
  customKeyIdentifier: nullableText,
});

/**
 * customKeyIdentifier is Edm.Binary (base64 in JSON) and defaults to the certificate's SHA-1 thumbprint; some tools
 * store the thumbprint's hex text instead. Either way: the thumbprint as 40 upper-case hex digits, or null.
 */
export function thumbprintOf(customKeyIdentifier: string | null | undefined): string | null {
  if (!customKeyIdentifier) return null;
  if (/^[0-9a-f]{40}$/i.test(customKeyIdentifier)) return customKeyIdentifier.toUpperCase();
  const bytes = Buffer.from(customKeyIdentifier, "base64");
  if (bytes.length === 20) return bytes.toString("hex").toUpperCase();
  const text = bytes.toString("latin1");
  return /^[0-9a-f]{40}$/i.test(text) ? text.toUpperCase() : null;
}
/** What a principal must carry to be inventoried: an object id (the owners URL and the row key), an appId. */
const principalSchema = z.object({
  id: z.string().min(1),
  appId: z.string().min(1),
  displayName: nullableText,
  createdDateTime: isoOrNull,
  passwordCredentials: z.array(credSchema).nullish(),
  keyCredentials: z.array(credSchema).nullish(),
});

function toPrincipal(kind: GraphPrincipal["kind"], a: z.output<typeof principalSchema>): GraphPrincipal {
  return {
    kind,
    id: a.id,
    appId: a.appId,
    displayName: a.displayName ?? a.appId,
    createdDateTime: a.createdDateTime ?? null,
    passwordCredentials: (a.passwordCredentials ?? []).map((c) => ({
      keyId: c.keyId,
      displayName: c.displayName ?? null,
      hint: c.hint ?? null,
      startDateTime: c.startDateTime ?? null,
      endDateTime: c.endDateTime ?? null,
    })),
    keyCredentials: (a.keyCredentials ?? []).map((c) => ({
      keyId: c.keyId,
      thumbprint: thumbprintOf(c.customKeyIdentifier),
      displayName: c.displayName ?? null,
      type: c.type ?? undefined,
      usage: c.usage ?? undefined,
      startDateTime: c.startDateTime ?? null,
      endDateTime: c.endDateTime ?? null,
    })),
  };
}

/** Every item of a Graph collection: the first request, then each `@odata.nextLink`, one retried call per page. */
async function collect<T>(firstPage: (client: Client) => GraphRequest, o: CallOptions): Promise<T[]> {
  const client = graphClient();
  const out: T[] = [];
  let next: string | undefined;
  do {
    const url = next;
    const page = await withRetry(
      (signal) =>
        prepare(url === undefined ? firstPage(client) : client.api(url), signal).get() as Promise<{
          value?: T[];
          "@odata.nextLink"?: string;
        }>,
      o,
    );
    out.push(...(page.value ?? []));
    next = page["@odata.nextLink"];
  } while (next);
  return out;
}

/** Every principal of one kind; malformed ones are in `rejected`, not in `items`. */
async function listAll(kind: GraphPrincipal["kind"], o: CallOptions): Promise<Listing<GraphPrincipal>> {
  const path = kind === "application" ? "/applications" : "/servicePrincipals";
  const select = kind === "application" ? APP_SELECT : SP_SELECT;
  const raw = await collect<unknown>((c) => c.api(path).select(select).top(999), o);
  const out = emptyListing<GraphPrincipal>();
  parseEach(kind, principalSchema, raw, (a) => toPrincipal(kind, a), out);
  return out;
}

export function listApplications(o: CallOptions = {}): Promise<Listing<GraphPrincipal>> {
  return listAll("application", o);
}

export function listServicePrincipals(o: CallOptions = {}): Promise<Listing<GraphPrincipal>> {
  return listAll("servicePrincipal", o);
}

const OWNER_SELECT = "id,displayName,userPrincipalName";
const ownersPath = (kind: GraphPrincipal["kind"], id: string) =>
  `/${kind === "application" ? "applications" : "servicePrincipals"}/${encodeURIComponent(id)}/owners`;
const toOwner = (u: GraphOwner): GraphOwner => ({
  id: u.id,
  displayName: u.displayName,
  userPrincipalName: u.userPrincipalName,
});

export async function listOwners(kind: GraphPrincipal["kind"], id: string, o: CallOptions = {}): Promise<GraphOwner[]> {
  const raw = await collect<GraphOwner>((c) => c.api(ownersPath(kind, id)).select(OWNER_SELECT), o);
  return raw.map(toOwner);
}

/** Graph's limit of requests in one JSON batch. */
export const GRAPH_BATCH_MAX = 20;

const batchAnswer = z.object({
  responses: z.array(
    z.object({
      id: z.string(),
      status: z.number(),
      headers: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).optional(),
      body: z.unknown().optional(),
    }),
  ),
});
const ownersPage = z.object({
  value: z.array(
    z.looseObject({
      id: z.string().min(1),
      displayName: z.string().nullish(),
      userPrincipalName: z.string().nullish(),
    }),
  ),
  "@odata.nextLink": z.string().optional(),
});

export type OwnersResult = { id: string; owners: GraphOwner[] } | { id: string; error: unknown };

/**
 * The owners of many principals, 20 per Graph JSON batch (`POST /$batch`, read items only) instead of one request each.
 * An item that did not come back as one complete page — throttled, failed, malformed, or with more owners than a page —
 * is read again on its own with `listOwners`, so its retries, Retry-After and error are exactly those of a single read;
 * a batch that failed as a whole sends all of its principals that way. Only an abort rejects.
 */
export async function listOwnersOf(
  principals: { kind: GraphPrincipal["kind"]; id: string }[],
  o: CallOptions = {},
): Promise<OwnersResult[]> {
  const chunks: (typeof principals)[] = [];
  for (let i = 0; i < principals.length; i += GRAPH_BATCH_MAX) chunks.push(principals.slice(i, i + GRAPH_BATCH_MAX));
  return (await Promise.all(chunks.map((c) => ownersOfChunk(c, o)))).flat();
}

async function ownersOfChunk(
  chunk: { kind: GraphPrincipal["kind"]; id: string }[],
  o: CallOptions,
): Promise<OwnersResult[]> {
  const requests = chunk.map((p, i) => ({
    id: String(i),
    method: "GET",
    url: `${ownersPath(p.kind, p.id)}?$select=${OWNER_SELECT}`,
  }));
  let answered = new Map<string, { status: number; headers?: Record<string, string>; body?: unknown }>();
  try {
    const raw = await withRetry((signal) => prepare(graphClient().api("/$batch"), signal).post({ requests }), o);
    const parsed = batchAnswer.safeParse(raw);
    if (parsed.success) answered = new Map(parsed.data.responses.map((r) => [r.id, r]));
  } catch (e) {
    if (o.signal?.aborted) throw e;
    // the batch as a whole failed (or is refused on the way): every principal is read on its own below
  }
  return Promise.all(
    chunk.map(async (p, i): Promise<OwnersResult> => {
      const r = answered.get(String(i));
      const page = r && r.status === 200 ? ownersPage.safeParse(r.body) : undefined;
      if (page?.success && !page.data["@odata.nextLink"])
        return { id: p.id, owners: page.data.value.map((u) => toOwner(u as GraphOwner)) };
      if (r && r.status !== 200) await beforeRereading(r, o);
      try {
        return { id: p.id, owners: await listOwners(p.kind, p.id, o) };
      } catch (e) {
        if (o.signal?.aborted) throw e;
        return { id: p.id, error: e };
      }
    }),
  );
}

/**
 * A throttled or failed batch item is read again on its own: that read is the item's retry (counted as one), after the
 * wait the item's own Retry-After asked for — Graph throttles each item of a batch separately.
 */
async function beforeRereading(
  item: { status: number; headers?: Record<string, string>; body?: unknown },
  o: CallOptions,
) {
  // only the status and Retry-After matter here: the re-read's own error is what the scan records
  const err = new HttpError(item.status, undefined, `Graph batch item answered ${item.status}`, item.headers ?? {});
  if (!isRetriable(err)) return;
  const cap = o.retry?.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs;
  const wait = Math.min(retryAfterMs(err) ?? 0, cap);
  o.onRetry?.({ attempt: 1, delayMs: wait, reason: `Graph batch item answered ${item.status}` });
  if (wait) await sleep(wait, o.signal);
}
