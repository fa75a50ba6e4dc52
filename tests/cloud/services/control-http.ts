// Control API over HTTP (JSON, loopback only) so a separately running app / demo can be driven and inspected.
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, send, splitUrl, type Reply } from "../core";
import type { Control } from "../control";

/** methods callable through POST /control/rpc {"method": "...", "args": [...]} */
export const RPC_METHODS = [
  "counters",
  "count",
  "resetCounters",
  "stats",
  "prepareCertificates",
  "log",
  "setLatency",
  "getLatency",
  "setThrottling",
  "getThrottling",
  "addFault",
  "removeFault",
  "clearFaults",
  "injectListItem",
  "faults",
  "token",
  "addIdentity",
  "setTokenLifetime",
  "estate",
  "vaults",
  "vault",
  "objects",
  "object",
  "deletedObjects",
  "secretValue",
  "allSecretValues",
  "setSecret",
  "updateObject",
  "deleteObject",
  "deleteSecret",
  "expireCertificate",
  "addCertificate",
  "setNetworkRules",
  "setVaultProperties",
  "setAccess",
  "addRoleAssignment",
  "removeRoleAssignment",
  "setAccessPolicy",
  "addVault",
  "removeVault",
  "apps",
  "app",
  "addAppCredential",
  "removeAppCredential",
  "addAppCertificate",
  "certificateCer",
  "appLinks",
  "awsSecret",
  "awsSecrets",
  "gcpSecret",
  "gcpSecrets",
  "reset",
] as const;

export function createControlHandler(control: Control, info: () => unknown) {
  return async function handle(req: IncomingMessage, res: ServerResponse) {
    const method = req.method ?? "GET";
    const { path, query } = splitUrl(req.url ?? "/");
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        return send(res, { status: 400, body: { error: "invalid JSON body" } });
      }
    }
    const ok = (b: unknown): Reply => ({ status: 200, body: b === undefined ? { ok: true } : b });
    let r: Reply;
    try {
      const seg = path.replace(/\/+$/, "").split("/").slice(1); // control, ...
      if (seg[0] !== "control") r = { status: 404, body: { error: "use /control/..." } };
      else {
        const [, a, b, c, d, e] = seg.map((x) => decodeURIComponent(x));
        if (!a && method === "GET")
          r = ok({
            info: info(),
            rpc: RPC_METHODS,
            routes: [
              "GET /control/counters",
              "GET /control/log?limit&service&op&vault",
              "POST /control/reset",
              "POST /control/reset-counters",
              "GET /control/estate",
              "GET /control/stats",
              "GET /control/vaults",
              "GET /control/vaults/{name}",
              "GET /control/vaults/{name}/secrets/{secret}/value",
              "GET|POST|DELETE /control/faults[/{id}]",
              "GET|PUT /control/throttling",
              "GET|PUT /control/latency",
              "GET /control/token?resource=",
              "GET /control/apps",
              "POST /control/rpc {method,args}",
            ],
          });
        else if (a === "counters" && method === "GET")
          r = ok(
            query.op
              ? { op: query.op, vault: query.vault ?? null, count: control.count(query.op, query.vault) }
              : control.counters(),
          );
        else if (a === "log" && method === "GET")
          r = ok(
            control.log({
              limit: query.limit ? Number(query.limit) : 200,
              service: query.service,
              op: query.op,
              vault: query.vault,
            }),
          );
        else if (a === "reset" && method === "POST") r = ok(control.reset());
        else if (a === "reset-counters" && method === "POST") r = ok(control.resetCounters());
        else if (a === "estate" && method === "GET") r = ok(control.estate());
        else if (a === "stats" && method === "GET") r = ok(control.stats());
        else if (a === "apps" && method === "GET") r = ok(control.apps());
        else if (a === "vaults" && !b && method === "GET") r = ok(control.vaults());
        else if (a === "vaults" && b && !c && method === "GET") r = ok(control.vault(b));
        else if (a === "vaults" && b && c === "secrets" && d && e === "value" && method === "GET")
          r = ok({ value: control.secretValue(b, d, query.version) });
        else if (a === "faults" && method === "GET") r = ok(control.faults());
        else if (a === "faults" && method === "POST") r = ok({ id: control.addFault(body as never) });
        else if (a === "faults" && method === "DELETE")
          r = ok(b ? { removed: control.removeFault(b) } : control.clearFaults());
        else if (a === "throttling" && method === "GET") r = ok(control.getThrottling());
        else if (a === "throttling" && (method === "PUT" || method === "POST"))
          r = ok(control.setThrottling(body as never));
        else if (a === "latency" && method === "GET") r = ok(control.getLatency());
        else if (a === "latency" && (method === "PUT" || method === "POST")) r = ok(control.setLatency(body as never));
        else if (a === "token" && method === "GET")
          r = ok({ access_token: control.token(query.resource ?? "https://vault.azure.net", query.identity) });
        else if (a === "rpc" && method === "POST") {
          const m = String(body.method ?? "");
          if (!(RPC_METHODS as readonly string[]).includes(m))
            r = { status: 400, body: { error: `unknown method '${m}'`, methods: RPC_METHODS } };
          else {
            const fn = (control as unknown as Record<string, (...x: unknown[]) => unknown>)[m];
            r = ok({ result: await fn.apply(control, Array.isArray(body.args) ? body.args : []) });
          }
        } else r = { status: 404, body: { error: `no control route ${method} ${path}` } };
      }
    } catch (err) {
      r = { status: 400, body: { error: (err as Error).message } };
    }
    send(res, r);
  };
}
