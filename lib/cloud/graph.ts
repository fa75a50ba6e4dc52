/** Microsoft Graph: applications and service principals with credential metadata and owners (minimal $select). */
import { RetryHandlerOptions, type GraphRequest } from "@microsoft/microsoft-graph-client";
import { graphClient } from "./clients";
import { z } from "zod";
import { withRetry, type CallOptions } from "./retry";
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
});
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
      displayName: c.displayName ?? null,
      type: c.type ?? undefined,
      usage: c.usage ?? undefined,
      startDateTime: c.startDateTime ?? null,
      endDateTime: c.endDateTime ?? null,
    })),
  };
}

async function listAll(kind: GraphPrincipal["kind"], o: CallOptions): Promise<Listing<GraphPrincipal>> {
  const client = graphClient();
  const path = kind === "application" ? "/applications" : "/servicePrincipals";
  const out = emptyListing<GraphPrincipal>();
  let next: string | undefined;
  let first = true;
  while (first || next) {
    const url = next;
    const isFirst = first;
    first = false;
    const page = await withRetry(
      (signal) =>
        (isFirst
          ? prepare(
              client
                .api(path)
                .select(kind === "application" ? APP_SELECT : SP_SELECT)
                .top(999),
              signal,
            )
          : prepare(client.api(url!), signal)
        ).get() as Promise<{
          value: unknown[];
          "@odata.nextLink"?: string;
        }>,
      o,
    );
    parseEach(kind, principalSchema, page.value ?? [], (a) => toPrincipal(kind, a), out);
    next = page["@odata.nextLink"];
  }
  return out;
}

/** Every app registration; malformed ones are in `rejected`, not in `items`. */
export function listApplications(o: CallOptions = {}): Promise<Listing<GraphPrincipal>> {
  return listAll("application", o);
}

export function listServicePrincipals(o: CallOptions = {}): Promise<Listing<GraphPrincipal>> {
  return listAll("servicePrincipal", o);
}

export async function listOwners(kind: GraphPrincipal["kind"], id: string, o: CallOptions = {}): Promise<GraphOwner[]> {
  const client = graphClient();
  const base = `/${kind === "application" ? "applications" : "servicePrincipals"}/${encodeURIComponent(id)}/owners`;
  const out: GraphOwner[] = [];
  let next: string | undefined;
  let first = true;
  while (first || next) {
    const url = next;
    const isFirst = first;
    first = false;
    const page = await withRetry(
      (signal) =>
        (isFirst
          ? prepare(client.api(base).select("id,displayName,userPrincipalName"), signal)
          : prepare(client.api(url!), signal)
        ).get() as Promise<{ value: GraphOwner[]; "@odata.nextLink"?: string }>,
      o,
    );
    for (const u of page.value ?? [])
      out.push({ id: u.id, displayName: u.displayName, userPrincipalName: u.userPrincipalName });
    next = page["@odata.nextLink"];
  }
  return out;
}
