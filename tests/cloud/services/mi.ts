// Managed identity token endpoint: App Service / Container Apps style (IDENTITY_ENDPOINT + X-IDENTITY-HEADER)
// and IMDS style (/metadata/identity/oauth2/token with Metadata: true, for AZURE_POD_IDENTITY_AUTHORITY_HOST).
import type { IncomingMessage, ServerResponse } from "node:http";
import { applyFault, send, sleep, splitUrl } from "../core";
import type { Identity } from "../estate";
import type { CloudState } from "../state";

export interface MiOptions {
  identityHeader: string;
  /** extra identities selectable by client_id / principal_id / object_id (user-assigned) */
  identities: Identity[];
}

export function createMiHandler(s: CloudState, opts: MiOptions) {
  const rt = s.rt;
  return async function handle(req: IncomingMessage, res: ServerResponse) {
    const t0 = performance.now();
    const { path, query } = splitUrl(req.url ?? "/");
    req.resume();
    const method = req.method ?? "GET";
    const isAppService = path === "/msi/token" || path === "/msi/token/";
    const isImds = path.startsWith("/metadata/identity/oauth2/token");
    const op = "mi.token";
    const done = (status: number, body: unknown, oid?: string) => {
      send(res, { status, body });
      rt.record({ service: "mi", op, method, path, status, ms: performance.now() - t0, oid });
    };
    if (!isAppService && !isImds) return done(404, { error: "not_found", error_description: `no route ${path}` });
    rt.count(op);
    if (isAppService && req.headers["x-identity-header"] !== opts.identityHeader) {
      return done(401, { statusCode: 401, message: "Unauthorized: X-IDENTITY-HEADER missing or wrong" });
    }
    if (isImds && String(req.headers["metadata"]).toLowerCase() !== "true") {
      return done(400, { error: "invalid_request", error_description: "Required metadata header not specified" });
    }
    const resource = query.resource;
    if (!resource) return done(400, { error: "invalid_resource", error_description: "resource is required" });
    const wanted = query.client_id ?? query.principal_id ?? query.object_id ?? query.msi_res_id ?? query.mi_res_id;
    let identity: Identity | undefined = s.estate.productIdentity;
    if (wanted)
      identity = [s.estate.productIdentity, ...opts.identities].find(
        (i) => i.clientId === wanted || i.oid === wanted || i.displayName === wanted,
      );
    if (!identity)
      return done(400, {
        statusCode: 400,
        message: "No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.",
      });
    const fault = rt.checkFault({ service: "mi", op, method, path });
    const delay = rt.delayFor("mi") + (fault.kind === "latency" ? fault.delayMs : 0);
    if (delay) await sleep(delay);
    if (applyFault(rt, res, fault, (_st, code, message) => ({ error: code, error_description: message }))) {
      rt.record({
        service: "mi",
        op,
        method,
        path,
        status: fault.kind === "status" ? fault.status : 0,
        ms: performance.now() - t0,
        fault: fault.kind,
      });
      return;
    }
    const { token, claims } = rt.tokens.issue(identity, resource);
    done(
      200,
      { access_token: token, expires_on: claims.exp, resource, token_type: "Bearer", client_id: identity.clientId },
      identity.oid,
    );
  };
}
