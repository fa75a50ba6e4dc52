// Microsoft Graph v1.0 subset: applications, servicePrincipals, owners, add/remove password and key credentials.
import type { IncomingMessage, ServerResponse } from "node:http";
import crypto from "node:crypto";
import { RESOURCES, applyFault, readBody, send, sleep, splitUrl, type Reply } from "../core";
import type { AppDef, KeyCredentialDef, PasswordCredentialDef } from "../estate";
import type { CloudState } from "../state";
import { keyCredentialCerts, registerCertificate, signedBy } from "./entra";

export interface GraphOptions {
  origin: () => string;
  pageSize: number;
}

/** Graph's answer past its throttling window: wait `seconds`. */
function throttled(seconds: number): Reply {
  return {
    status: 429,
    headers: { "retry-after": String(seconds) },
    body: {
      error: {
        code: "TooManyRequests",
        message: "Too many requests are being sent. Retry after the time specified in Retry-After.",
      },
    },
  };
}

function gErr(status: number, code: string, message: string): Reply {
  return {
    status,
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          "request-id": crypto.randomUUID(),
          "client-request-id": crypto.randomUUID(),
        },
      },
    },
  };
}

const pw = (c: PasswordCredentialDef, withSecret = false) => ({
  customKeyIdentifier: c.customKeyIdentifier,
  displayName: c.displayName,
  endDateTime: c.endDateTime,
  hint: c.hint,
  keyId: c.keyId,
  secretText: withSecret ? c.secretText : null,
  startDateTime: c.startDateTime,
});
const kc = (c: KeyCredentialDef) => ({ ...c });

function appJson(_s: CloudState, a: AppDef): Record<string, unknown> {
  // field set and order follow the Graph v1.0 application resource (see application-get example)
  return {
    id: a.id,
    deletedDateTime: null,
    isFallbackPublicClient: null,
    appId: a.appId,
    applicationTemplateId: null,
    identifierUris: a.identifierUris,
    createdDateTime: a.createdDateTime,
    description: null,
    disabledByMicrosoftStatus: null,
    displayName: a.displayName,
    isDeviceOnlyAuthSupported: null,
    groupMembershipClaims: null,
    notes: null,
    optionalClaims: null,
    addIns: [],
    publisherDomain: a.publisherDomain,
    samlMetadataUrl: null,
    serviceManagementReference: null,
    signInAudience: a.signInAudience,
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    certification: null,
    tags: a.tags,
    tokenEncryptionKeyId: null,
    api: {
      requestedAccessTokenVersion: null,
      acceptMappedClaims: null,
      knownClientApplications: [],
      oauth2PermissionScopes: [],
      preAuthorizedApplications: [],
    },
    appRoles: [],
    publicClient: { redirectUris: [] },
    info: { termsOfServiceUrl: null, supportUrl: null, privacyStatementUrl: null, marketingUrl: null, logoUrl: null },
    keyCredentials: a.keyCredentials.map(kc),
    parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: "Allow" },
    passwordCredentials: a.passwordCredentials.map((c) => pw(c)),
    requiredResourceAccess: [],
    spa: { redirectUris: [] },
    web: {
      redirectUris: [],
      homePageUrl: null,
      logoutUrl: null,
      implicitGrantSettings: { enableIdTokenIssuance: false, enableAccessTokenIssuance: false },
    },
  };
}

function spJson(s: CloudState, a: AppDef): Record<string, unknown> {
  return {
    id: a.sp.id,
    deletedDateTime: null,
    accountEnabled: a.sp.accountEnabled,
    appDisplayName: a.displayName,
    appId: a.appId,
    appOwnerOrganizationId: s.estate.tenantId,
    appRoleAssignmentRequired: false,
    displayName: a.sp.displayName,
    homepage: null,
    logoutUrl: null,
    publisherName: "Contoso",
    replyUrls: [],
    servicePrincipalNames: [a.appId, ...a.identifierUris],
    servicePrincipalType: "Application",
    signInAudience: a.signInAudience,
    tags: [],
    addIns: [],
    appRoles: [],
    info: { termsOfServiceUrl: null, supportUrl: null, privacyStatementUrl: null, marketingUrl: null, logoUrl: null },
    keyCredentials: a.sp.keyCredentials.map(kc),
    oauth2PermissionScopes: [],
    passwordCredentials: a.sp.passwordCredentials.map((c) => pw(c)),
  };
}

/** $filter subset: `<prop> eq '<v>'`, `startswith(<prop>,'<v>')`, joined with ' and ' */
function compileFilter(f: string | undefined): ((o: Record<string, unknown>) => boolean) | null | "bad" {
  if (!f) return null;
  const parts = f.split(/\s+and\s+/i);
  const preds: ((o: Record<string, unknown>) => boolean)[] = [];
  for (const p of parts) {
    let m = /^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(p);
    if (m) {
      const prop = m[1],
        val = m[2].replace(/''/g, "'");
      preds.push((o) => String(o[prop] ?? "").toLowerCase() === val.toLowerCase());
      continue;
    }
    m = /^\s*startswith\(\s*(\w+)\s*,\s*'((?:[^']|'')*)'\s*\)\s*$/i.exec(p);
    if (m) {
      const prop = m[1],
        val = m[2].replace(/''/g, "'").toLowerCase();
      preds.push((o) =>
        String(o[prop] ?? "")
          .toLowerCase()
          .startsWith(val),
      );
      continue;
    }
    return "bad";
  }
  return (o) => preds.every((x) => x(o));
}

function select(o: Record<string, unknown>, sel: string | undefined): Record<string, unknown> {
  if (!sel) return o;
  const out: Record<string, unknown> = {};
  for (const k of sel
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean))
    if (k in o) out[k] = o[k];
  return out;
}

export function createGraphHandler(s: CloudState, opts: GraphOptions) {
  const rt = s.rt;

  function list(collection: "applications" | "servicePrincipals", q: Record<string, string>): Reply {
    const render = collection === "applications" ? appJson : spJson;
    let top = opts.pageSize;
    if (q.$top !== undefined) {
      top = Number(q.$top);
      if (!Number.isInteger(top) || top < 1 || top > 999)
        return gErr(
          400,
          "Request_UnsupportedQuery",
          `Invalid page size specified: '${q.$top}'. Must be between 1 and 999 inclusive.`,
        );
    }
    const filt = compileFilter(q.$filter);
    if (filt === "bad")
      return gErr(
        400,
        "Request_UnsupportedQuery",
        `Unsupported or invalid query filter clause specified for property: '${q.$filter}'.`,
      );
    let items = s.apps.map((a) => render(s, a));
    if (filt) items = items.filter(filt);
    let skip = 0;
    if (q.$skiptoken) {
      try {
        skip = Number(JSON.parse(Buffer.from(q.$skiptoken, "base64url").toString()).skip) || 0;
      } catch {
        return gErr(400, "Request_BadRequest", "Invalid $skiptoken");
      }
    }
    const pageItems = items.slice(skip, skip + top).map((o) => select(o, q.$select));
    if (!skip) pageItems.push(...(rt.injectedFor(`graph.${collection}.list`) as Record<string, unknown>[]));
    const body: Record<string, unknown> = {
      "@odata.context": `${opts.origin()}/v1.0/$metadata#${collection}${q.$select ? `(${q.$select})` : ""}`,
    };
    if (q.$count === "true") body["@odata.count"] = items.length;
    if (skip + top < items.length) {
      const params = new URLSearchParams();
      params.set("$top", String(top));
      if (q.$select) params.set("$select", q.$select);
      if (q.$filter) params.set("$filter", q.$filter);
      if (q.$count) params.set("$count", q.$count);
      params.set("$skiptoken", Buffer.from(JSON.stringify({ skip: skip + top })).toString("base64url"));
      body["@odata.nextLink"] = `${opts.origin()}/v1.0/${collection}?${params.toString()}`;
    }
    body.value = pageItems;
    return { status: 200, body };
  }

  function findApp(idExpr: string): AppDef | undefined {
    const m = /^\(appId='([^']+)'\)$/i.exec(idExpr);
    if (m) return s.apps.find((a) => a.appId === m[1]);
    return s.apps.find((a) => a.id === idExpr);
  }
  function findSp(idExpr: string): AppDef | undefined {
    const m = /^\(appId='([^']+)'\)$/i.exec(idExpr);
    if (m) return s.apps.find((a) => a.appId === m[1]);
    return s.apps.find((a) => a.sp.id === idExpr);
  }
  const notFound = (id: string) =>
    gErr(
      404,
      "Request_ResourceNotFound",
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    );

  function parse(raw: Buffer): Record<string, unknown> | null {
    try {
      const o = JSON.parse(raw.toString("utf8") || "{}");
      return o && typeof o === "object" ? o : null;
    } catch {
      return null;
    }
  }

  function addPassword(target: { passwordCredentials: PasswordCredentialDef[] }, raw: Buffer): Reply {
    const b = parse(raw);
    if (!b) return gErr(400, "Request_BadRequest", "Invalid request body");
    const pc = (b.passwordCredential ?? {}) as Record<string, unknown>;
    const tmp = { passwordCredentials: [] as PasswordCredentialDef[] } as unknown as AppDef;
    const cred = s.addPassword(
      tmp,
      typeof pc.displayName === "string" ? pc.displayName : null,
      typeof pc.endDateTime === "string" ? pc.endDateTime : undefined,
      typeof pc.startDateTime === "string" ? pc.startDateTime : undefined,
    );
    target.passwordCredentials.push(cred);
    return {
      status: 200,
      body: {
        "@odata.context": `${opts.origin()}/v1.0/$metadata#microsoft.graph.passwordCredential`,
        ...pw(cred, true),
      },
    };
  }

  function removePassword(target: { passwordCredentials: PasswordCredentialDef[] }, raw: Buffer): Reply {
    const b = parse(raw);
    const keyId = b?.keyId;
    if (typeof keyId !== "string") return gErr(400, "Request_BadRequest", "keyId is required");
    const i = target.passwordCredentials.findIndex((c) => c.keyId === keyId);
    if (i < 0) return gErr(400, "Request_BadRequest", `No password credential found with keyId '${keyId}'.`);
    target.passwordCredentials.splice(i, 1);
    s.graphRev++;
    return { status: 204 };
  }

  /**
   * addKey / removeKey require a proof of possession: a JWT signed by the private key of one of the object's current
   * certificates (header x5t names it), aud 00000002-0000-0000-c000-000000000000, iss = the object's id, valid ≤ 10 min.
   */
  function checkProof(target: { id: string; keyCredentials: KeyCredentialDef[] }, proof: unknown): Reply | null {
    const bad = (why: string) => gErr(401, "Authentication_Unauthorized", `Proof of possession is not valid: ${why}.`);
    if (typeof proof !== "string") return gErr(400, "Request_BadRequest", "proof is required");
    const parts = proof.split(".");
    if (parts.length !== 3) return bad("malformed token");
    let header: { alg?: string; x5t?: string };
    let claims: { aud?: string; iss?: string; nbf?: number; exp?: number };
    try {
      header = JSON.parse(Buffer.from(parts[0], "base64url").toString());
      claims = JSON.parse(Buffer.from(parts[1], "base64url").toString());
    } catch {
      return bad("malformed token");
    }
    if (claims.aud !== "00000002-0000-0000-c000-000000000000") return bad("wrong audience");
    if (claims.iss !== target.id) return bad("issuer is not the object's id");
    const now = Date.now() / 1000;
    if (typeof claims.nbf !== "number" || typeof claims.exp !== "number") return bad("nbf and exp are required");
    if (claims.nbf > now + 300 || claims.exp < now || claims.exp - claims.nbf > 600) return bad("outside its lifetime");
    const thumb = header.x5t ? Buffer.from(header.x5t, "base64url").toString("hex").toUpperCase() : "";
    const cred = target.keyCredentials.find(
      (k) =>
        k.customKeyIdentifier?.toUpperCase() === thumb &&
        (!k.endDateTime || Date.parse(k.endDateTime) > Date.now()) &&
        (!k.startDateTime || Date.parse(k.startDateTime) <= Date.now()),
    );
    const cert = cred && keyCredentialCerts.get(cred.keyId);
    if (!cert) return bad("not signed by a current certificate of this object");
    return signedBy(parts, cert) ? null : bad("signature");
  }

  function addKey(target: { id: string; keyCredentials: KeyCredentialDef[] }, raw: Buffer): Reply {
    const b = parse(raw);
    const k = (b?.keyCredential ?? null) as Record<string, unknown> | null;
    if (!k || typeof k.key !== "string") return gErr(400, "Request_BadRequest", "keyCredential.key is required");
    const denied = checkProof(target, b?.proof);
    if (denied) return denied;
    let x: crypto.X509Certificate;
    try {
      x = new crypto.X509Certificate(Buffer.from(k.key, "base64"));
    } catch {
      return gErr(400, "Request_BadRequest", "Key credential key is not a valid X.509 certificate.");
    }
    const cred = registerCertificate(target, x, {
      displayName: typeof k.displayName === "string" ? k.displayName : undefined,
      usage: k.usage === "Sign" ? "Sign" : "Verify",
    });
    s.graphRev++;
    return {
      status: 200,
      body: { "@odata.context": `${opts.origin()}/v1.0/$metadata#microsoft.graph.keyCredential`, ...cred },
    };
  }

  function removeKey(target: { id: string; keyCredentials: KeyCredentialDef[] }, raw: Buffer): Reply {
    const b = parse(raw);
    const keyId = b?.keyId;
    if (typeof keyId !== "string") return gErr(400, "Request_BadRequest", "keyId is required");
    const denied = checkProof(target, b?.proof);
    if (denied) return denied;
    const i = target.keyCredentials.findIndex((c) => c.keyId === keyId);
    if (i < 0) return gErr(404, "Request_ResourceNotFound", `No key credential found with keyId '${keyId}'.`);
    target.keyCredentials.splice(i, 1);
    s.graphRev++;
    return { status: 204 };
  }

  interface G {
    op: string;
    run: (body: Buffer) => Reply;
    hasBody?: boolean;
  }

  function route(method: string, path: string, q: Record<string, string>): G | null {
    const m = /^\/(v1\.0|beta)(\/.*)$/.exec(path);
    if (!m) return null;
    const p = m[2].replace(/\/+$/, "");
    const seg = p.split("/"); // "", collection, id, action
    const coll = seg[1]?.replace(/\(.*$/, "");
    const idInline = /^\w+(\(appId='[^']+'\))$/i.exec(seg[1] ?? "")?.[1];
    const id = idInline ?? seg[2];
    const action = idInline ? seg[2] : seg[3];
    if (coll === "organization" && method === "GET") {
      return {
        op: "graph.organization.get",
        run: () => ({
          status: 200,
          body: {
            "@odata.context": `${opts.origin()}/v1.0/$metadata#organization`,
            value: [
              {
                id: s.estate.tenantId,
                displayName: "Contoso",
                verifiedDomains: [{ name: "contoso.com", isDefault: true, isInitial: false, type: "Managed" }],
              },
            ],
          },
        }),
      };
    }
    if (coll !== "applications" && coll !== "servicePrincipals") return null;
    const isApp = coll === "applications";
    const base = isApp ? "graph.applications" : "graph.servicePrincipals";
    if (!id) return method === "GET" ? { op: `${base}.list`, run: () => list(coll, q) } : null;
    const target = () => (isApp ? findApp(id) : findSp(id));
    const holder = (a: AppDef) => (isApp ? a : a.sp);
    if (!action) {
      if (method !== "GET") return null;
      return {
        op: `${base}.get`,
        run: () => {
          const a = target();
          return a
            ? {
                status: 200,
                body: {
                  "@odata.context": `${opts.origin()}/v1.0/$metadata#${coll}/$entity`,
                  ...select((isApp ? appJson : spJson)(s, a), q.$select),
                },
              }
            : notFound(id);
        },
      };
    }
    if (action === "owners" && method === "GET") {
      return {
        op: `${base}.owners.list`,
        run: () => {
          const a = target();
          if (!a) return notFound(id);
          const users = a.ownerIds
            .map((uid) => s.estate.users.find((u) => u.id === uid))
            .filter(Boolean)
            .map((u) => ({
              "@odata.type": "#microsoft.graph.user",
              id: u!.id,
              businessPhones: [],
              displayName: u!.displayName,
              givenName: u!.displayName.split(" ")[0],
              jobTitle: null,
              mail: u!.mail,
              mobilePhone: null,
              officeLocation: null,
              preferredLanguage: null,
              surname: u!.displayName.split(" ").slice(1).join(" "),
              userPrincipalName: u!.userPrincipalName,
            }));
          return {
            status: 200,
            body: {
              "@odata.context": `${opts.origin()}/v1.0/$metadata#directoryObjects`,
              value: users.map((u) => select(u, q.$select)),
            },
          };
        },
      };
    }
    const actions: Record<string, (t: ReturnType<typeof holder>, b: Buffer) => Reply> = {
      addPassword,
      removePassword,
      addKey,
      removeKey,
    };
    if (method === "POST" && action in actions) {
      return {
        op: `${base}.${action}`,
        hasBody: true,
        run: (b) => {
          const a = target();
          return a ? actions[action](holder(a), b) : notFound(id);
        },
      };
    }
    return null;
  }

  const errorBody = (_st: number, code: string, message: string) => ({ error: { code, message } });

  /**
   * JSON batching (`POST /v1.0/$batch`): up to 20 requests, each answered on its own — its own fault rules, its own
   * share of the throttling window (a throttled item is a 429 with Retry-After inside a 200 batch, as Graph does), its
   * own log entry and counter. This stand-in carries GET items only; a write inside a batch is answered 400.
   */
  function batch(ver: string, raw: Buffer, oid: string): Reply {
    const parsed = parse(raw) as { requests?: unknown } | null;
    const requests = parsed?.requests;
    if (!Array.isArray(requests) || requests.length === 0)
      return gErr(400, "BadRequest", "Invalid batch payload format.");
    if (requests.length > 20)
      return gErr(400, "BadRequest", "The number of requests in the batch exceeds the limit of 20.");
    const ids = new Set<string>();
    for (const r of requests as { id?: unknown; method?: unknown; url?: unknown }[]) {
      if (typeof r?.id !== "string" || typeof r.method !== "string" || typeof r.url !== "string")
        return gErr(400, "BadRequest", "Each request in a batch needs an id, a method and a url.");
      if (ids.has(r.id)) return gErr(400, "BadRequest", `Batch request ids must be unique: '${r.id}'.`);
      ids.add(r.id);
    }
    const responses = (requests as { id: string; method: string; url: string }[]).map((r) => {
      const t0 = performance.now();
      const method = r.method.toUpperCase();
      const { path, query } = splitUrl(`/${ver}${r.url.startsWith("/") ? "" : "/"}${r.url}`);
      const item = (reply: Reply, op: string, f?: import("../core").FaultOutcome["kind"]) => {
        rt.record({
          service: "graph",
          op,
          method,
          path,
          status: reply.status,
          ms: performance.now() - t0,
          fault: f,
          oid,
          via: "batch",
        });
        return { id: r.id, status: reply.status, headers: reply.headers ?? {}, body: reply.body };
      };
      const g = method === "GET" ? route(method, path, query) : null;
      if (!g)
        return item(
          gErr(400, "BadRequest", `Resource not found for the segment '${path.split("/").pop()}'.`),
          "graph.unknown",
        );
      rt.count(g.op);
      rt.batchItems++;
      const fault = rt.checkFault({ service: "graph", op: g.op, method, path, oid });
      if (fault.kind === "status")
        return item(
          { status: fault.status, headers: fault.headers, body: errorBody(fault.status, fault.code, fault.message) },
          g.op,
          fault.kind,
        );
      // a connection-level fault cannot cut one item of a batch: Graph answers such an item as a gateway timeout
      if (fault.kind === "reset" || fault.kind === "timeout" || fault.kind === "malformed")
        return item(gErr(504, "GatewayTimeout", "The request timed out."), g.op, fault.kind);
      const wait = rt.throttleGraph(oid);
      if (wait) return item(throttled(wait), g.op);
      try {
        return item(g.run(Buffer.alloc(0)), g.op);
      } catch (e) {
        return item(gErr(500, "generalException", `local cloud error: ${(e as Error).message}`), g.op);
      }
    });
    return { status: 200, body: { responses } };
  }

  return async function handle(req: IncomingMessage, res: ServerResponse) {
    const t0 = performance.now();
    const method = req.method ?? "GET";
    const { path, query } = splitUrl(req.url ?? "/");
    const auth = rt.tokens.check(req.headers.authorization, RESOURCES.graph);
    if (!auth.ok) {
      req.resume();
      send(
        res,
        gErr(
          401,
          "InvalidAuthenticationToken",
          auth.reason === "missing"
            ? "Access token is empty."
            : auth.reason === "audience"
              ? "Invalid audience."
              : "Access token validation failure. Invalid audience.",
        ),
      );
      rt.count("graph.unauthorized");
      rt.record({ service: "graph", op: "graph.unauthorized", method, path, status: 401, ms: performance.now() - t0 });
      return;
    }
    const oid = auth.claims.oid;
    const batchOf = method === "POST" ? /^\/(v1\.0|beta)\/\$batch\/?$/.exec(path) : null;
    const g: G | null = batchOf
      ? { op: "graph.batch", hasBody: true, run: (b) => batch(batchOf[1], b, oid) }
      : route(method, path, query);
    if (!g) {
      req.resume();
      rt.count("graph.unknown");
      send(res, gErr(400, "BadRequest", `Resource not found for the segment '${path.split("/").pop()}'.`));
      rt.record({ service: "graph", op: "graph.unknown", method, path, status: 400, ms: performance.now() - t0, oid });
      return;
    }
    const body = g.hasBody ? await readBody(req) : (req.resume(), Buffer.alloc(0));
    rt.count(g.op);
    const fault = rt.checkFault({ service: "graph", op: g.op, method, path, oid });
    const delay = rt.delayFor("graph") + (fault.kind === "latency" ? fault.delayMs : 0);
    if (delay) await sleep(delay);
    const finish = (status: number, f?: import("../core").FaultOutcome["kind"]) =>
      rt.record({ service: "graph", op: g.op, method, path, status, ms: performance.now() - t0, fault: f, oid });
    if (applyFault(rt, res, fault, errorBody)) return finish(fault.kind === "status" ? fault.status : 0, fault.kind);
    const wait = rt.throttleGraph(oid);
    if (wait) {
      send(res, throttled(wait));
      return finish(429);
    }
    let r: Reply;
    try {
      r = g.run(body);
    } catch (e) {
      r = gErr(500, "generalException", `local cloud error: ${(e as Error).message}`);
    }
    r.headers = {
      "request-id": crypto.randomUUID(),
      "client-request-id": String(req.headers["client-request-id"] ?? crypto.randomUUID()),
      ...(r.headers ?? {}),
    };
    if (r.status === 204) {
      res.writeHead(204, r.headers as Record<string, string>);
      res.end();
    } else send(res, r);
    finish(r.status);
  };
}
