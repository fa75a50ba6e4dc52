// Entra ID (login.microsoftonline.com) subset served on the authority host: OpenID configuration, instance discovery
// and the v2.0 token endpoint for the client-credentials grant. A token is issued only when the client secret (or the
// client assertion's certificate) matches a CURRENT credential of the application in the Graph state, so a rotation's
// verification step is real: a removed, expired or not-yet-valid credential fails with Entra's own error codes.
import type { IncomingMessage, ServerResponse } from "node:http";
import crypto from "node:crypto";
import { applyFault, readBody, send, sleep, splitUrl, type Reply } from "../core";
import type { AppDef, KeyCredentialDef } from "../estate";
import type { CloudState } from "../state";

export interface EntraOptions {
  origin: () => string;
}

/** Public certificates of key credentials added through Graph addKey (Graph itself never returns `key` on GET). */
export const keyCredentialCerts = new Map<string, crypto.X509Certificate>();

/** Adds a certificate's public part as a key credential (Graph addKey, or the Control's set-up of an existing one). */
export function registerCertificate(
  target: { keyCredentials: KeyCredentialDef[] },
  x: crypto.X509Certificate,
  o: { displayName?: string; usage?: "Sign" | "Verify" } = {},
): KeyCredentialDef {
  const cred: KeyCredentialDef = {
    customKeyIdentifier: x.fingerprint.replace(/:/g, ""),
    displayName: o.displayName ?? x.subject.split("\n").reverse().join(", "),
    endDateTime: new Date(x.validTo).toISOString().replace(".000Z", "Z"),
    keyId: crypto.randomUUID(),
    startDateTime: new Date(x.validFrom).toISOString().replace(".000Z", "Z"),
    type: "AsymmetricX509Cert",
    usage: o.usage ?? "Verify",
    key: null,
  };
  target.keyCredentials.push(cred);
  keyCredentialCerts.set(cred.keyId, x);
  return cred;
}

const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token\/?$/;
const OIDC_PATH = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration\/?$/;

/** Entra's error body: `error`, `error_description` starting with the AADSTS code, `error_codes`, ids, timestamp. */
function aadErr(status: number, error: string, code: number, text: string): Reply {
  const trace = crypto.randomUUID();
  const correlation = crypto.randomUUID();
  const ts = new Date().toISOString().replace("T", " ").replace("Z", "Z");
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${ts}`,
      error_codes: [code],
      timestamp: ts,
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

const isCurrent = (start: string | null, end: string | null, now: number) =>
  (!start || Date.parse(start) <= now) && (!end || Date.parse(end) > now);

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function checkSecret(app: AppDef, secret: string, now: number): Reply | null {
  const all = [...app.passwordCredentials, ...app.sp.passwordCredentials];
  const match = all.find((c) => safeEqual(c.secretText, secret));
  if (!match)
    return aadErr(
      401,
      "invalid_client",
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
    );
  if (match.endDateTime && Date.parse(match.endDateTime) <= now)
    return aadErr(
      401,
      "invalid_client",
      7000222,
      `The provided client secret keys for app '${app.appId}' are expired.`,
    );
  if (!isCurrent(match.startDateTime, match.endDateTime, now))
    return aadErr(401, "invalid_client", 7000215, `Invalid client secret provided (not yet valid).`);
  return null;
}

function checkAssertion(app: AppDef, assertion: string, audience: string, now: number): Reply | null {
  const bad = (why: string) =>
    aadErr(401, "invalid_client", 700027, `Client assertion failed signature validation. (${why})`);
  const parts = assertion.split(".");
  if (parts.length !== 3) return bad("malformed");
  let header: { alg?: string; x5t?: string; "x5t#S256"?: string };
  let claims: { aud?: string; iss?: string; sub?: string; exp?: number; nbf?: number };
  try {
    header = JSON.parse(Buffer.from(parts[0], "base64url").toString());
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString());
  } catch {
    return bad("malformed");
  }
  if (claims.iss !== app.appId || claims.sub !== app.appId) return bad("iss/sub must be the client id");
  if (claims.aud !== audience)
    return aadErr(
      401,
      "invalid_client",
      700212,
      `No matching federated identity record found for presented assertion audience '${claims.aud}'.`,
    );
  if (typeof claims.exp === "number" && claims.exp * 1000 <= now)
    return aadErr(401, "invalid_client", 700024, "Client assertion is not within its valid time range.");
  const thumb = header.x5t ? Buffer.from(header.x5t, "base64url").toString("hex").toUpperCase() : undefined;
  const cred = [...app.keyCredentials, ...app.sp.keyCredentials].find(
    (k) => thumb && k.customKeyIdentifier?.toUpperCase() === thumb,
  );
  if (!cred)
    return aadErr(
      401,
      "invalid_client",
      700027,
      `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${thumb ?? ""}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.appId}'.]`,
    );
  if (!isCurrent(cred.startDateTime, cred.endDateTime, now))
    return aadErr(401, "invalid_client", 700027, "Client assertion failed signature validation. (key expired)");
  const cert = keyCredentialCerts.get(cred.keyId);
  if (!cert) return bad("no public key on record");
  return signedBy(parts, cert) ? null : bad("signature");
}

/** Whether a compact JWT's RS256 signature verifies with the certificate's public key. */
export function signedBy(parts: string[], cert: crypto.X509Certificate): boolean {
  return crypto.verify(
    "sha256",
    Buffer.from(`${parts[0]}.${parts[1]}`),
    cert.publicKey,
    Buffer.from(parts[2], "base64url"),
  );
}

export function createEntraHandler(s: CloudState, opts: EntraOptions) {
  const rt = s.rt;
  const tenantOk = (t: string) => t === s.estate.tenantId || t === "organizations" || t === "common";

  /** True when the request was an Entra route (and has been answered). */
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const { path } = splitUrl(req.url ?? "/");
    const method = req.method ?? "GET";
    const t0 = performance.now();
    const oidc = OIDC_PATH.exec(path);
    if (oidc && method === "GET") {
      req.resume();
      const t = oidc[1];
      const base = `${opts.origin()}/${t}`;
      send(res, {
        status: 200,
        body: {
          token_endpoint: `${base}/oauth2/v2.0/token`,
          token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
          jwks_uri: `${opts.origin()}/${t}/discovery/v2.0/keys`,
          response_modes_supported: ["query", "fragment", "form_post"],
          subject_types_supported: ["pairwise"],
          id_token_signing_alg_values_supported: ["RS256"],
          response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
          scopes_supported: ["openid", "profile", "email", "offline_access"],
          issuer: `${opts.origin()}/${s.estate.tenantId}/v2.0`,
          request_uri_parameter_supported: false,
          userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
          http_logout_supported: true,
          frontchannel_logout_supported: true,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          claims_supported: ["sub", "iss", "aud", "exp", "iat", "tid"],
          kerberos_endpoint: `${base}/kerberos`,
          tenant_region_scope: "EU",
          cloud_instance_name: "microsoftonline.com",
          cloud_graph_host_name: "graph.windows.net",
          msgraph_host: "graph.microsoft.com",
          rbac_url: "https://pas.windows.net",
        },
      });
      return true;
    }
    if (path === "/common/discovery/instance" && method === "GET") {
      req.resume();
      send(res, {
        status: 200,
        body: {
          tenant_discovery_endpoint: `${opts.origin()}/${s.estate.tenantId}/v2.0/.well-known/openid-configuration`,
          "api-version": "1.1",
          metadata: [],
        },
      });
      return true;
    }
    const m = TOKEN_PATH.exec(path);
    if (!m) return false;
    const op = "entra.token";
    const body = method === "POST" ? await readBody(req) : (req.resume(), Buffer.alloc(0));
    rt.count(op);
    const form = new URLSearchParams(body.toString("utf8"));
    const clientId = form.get("client_id") ?? undefined;
    const finish = (r: Reply, fault?: import("../core").FaultOutcome["kind"]) => {
      if (r.status) send(res, { ...r, headers: { "cache-control": "no-store, no-cache", ...(r.headers ?? {}) } });
      rt.record({
        service: "entra",
        op,
        method,
        path,
        status: r.status,
        ms: performance.now() - t0,
        fault,
        oid: clientId,
      });
      return true;
    };
    if (method !== "POST")
      return finish(aadErr(400, "invalid_request", 900561, "The endpoint only accepts POST requests."));
    if (!tenantOk(m[1]))
      return finish(
        aadErr(
          400,
          "invalid_tenant",
          90002,
          `Tenant '${m[1]}' not found. Check to make sure you have the correct tenant ID.`,
        ),
      );
    const fault = rt.checkFault({ service: "entra", op, method, path });
    const delay = rt.delayFor("entra") + (fault.kind === "latency" ? fault.delayMs : 0);
    if (delay) await sleep(delay);
    if (applyFault(rt, res, fault, (_st, code, message) => ({ error: code, error_description: message }))) {
      rt.record({
        service: "entra",
        op,
        method,
        path,
        status: fault.kind === "status" ? fault.status : 0,
        ms: performance.now() - t0,
        fault: fault.kind,
      });
      return true;
    }
    const grant = form.get("grant_type");
    if (grant !== "client_credentials")
      return finish(
        aadErr(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grant ?? ""}'.`),
      );
    if (!clientId)
      return finish(
        aadErr(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'."),
      );
    const scope = form.get("scope");
    if (!scope)
      return finish(
        aadErr(400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'."),
      );
    if (!scope.endsWith("/.default"))
      return finish(
        aadErr(
          400,
          "invalid_scope",
          1002012,
          `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        ),
      );
    const app = s.apps.find((a) => a.appId === clientId);
    if (!app)
      return finish(
        aadErr(
          400,
          "unauthorized_client",
          700016,
          `Application with identifier '${clientId}' was not found in the directory 'Contoso'.`,
        ),
      );
    const now = Date.now();
    const secret = form.get("client_secret");
    const assertion = form.get("client_assertion");
    let denied: Reply | null;
    if (secret !== null) denied = checkSecret(app, secret, now);
    else if (assertion !== null)
      denied = checkAssertion(app, assertion, `${opts.origin()}/${m[1]}/oauth2/v2.0/token`, now);
    else
      denied = aadErr(
        401,
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    if (denied) return finish(denied);
    const { token, claims } = rt.tokens.issue(
      { oid: app.sp.id, clientId: app.appId, displayName: app.displayName },
      scope,
    );
    return finish({
      status: 200,
      body: {
        token_type: "Bearer",
        expires_in: claims.exp - Math.floor(now / 1000),
        ext_expires_in: claims.exp - Math.floor(now / 1000),
        access_token: token,
      },
    });
  };
}
