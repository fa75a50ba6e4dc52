// GCP Secret Manager REST v1 (what the Node client sends with `fallback: true`). Names in responses use the project
// number, like the real service; requests may use the project id or the number.
import type { IncomingMessage, ServerResponse } from "node:http";
import { applyFault, readBody, send, sleep, splitUrl, type Reply } from "../core";
import type { CloudState, GcpSecret, GcpVersion } from "../state";

const STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};
function gerr(code: number, message: string, status?: string): Reply {
  return { status: code, body: { error: { code, message, status: status ?? STATUS[code] ?? "UNKNOWN" } } };
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();
export function crc32c(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const rfc3339 = (unix: number) =>
  new Date(unix * 1000).toISOString().replace(/\.(\d{3})Z$/, (_m, ms) => (ms === "000" ? "Z" : `.${ms}Z`));
const STATE_NAMES = ["STATE_UNSPECIFIED", "ENABLED", "DISABLED", "DESTROYED"];

export function createGcpHandler(s: CloudState) {
  const rt = s.rt;
  const num = () => s.estate.gcp.projectNumber;
  const canon = (project: string, secretId: string) => `projects/${num()}/secrets/${secretId}`;
  const knownProject = (p: string) => p === s.estate.gcp.projectId || p === num();
  const secretById = (secretId: string) =>
    s.gcp.get(`projects/${s.estate.gcp.projectId}/secrets/${secretId}`) ?? s.gcp.get(canon("", secretId));
  const keyOf = (secretId: string) => `projects/${s.estate.gcp.projectId}/secrets/${secretId}`;

  function secretJson(x: GcpSecret) {
    const id = x.name.split("/").pop()!;
    const o: Record<string, unknown> = {
      name: canon("", id),
      replication: x.replication,
      createTime: rfc3339(x.createTime),
      etag: x.etag,
    };
    if (Object.keys(x.labels).length) o.labels = x.labels;
    if (Object.keys(x.annotations).length) o.annotations = x.annotations;
    if (x.expireTime) o.expireTime = rfc3339(x.expireTime);
    return o;
  }
  function versionJson(x: GcpSecret, v: GcpVersion, ints: boolean) {
    const id = x.name.split("/").pop()!;
    const o: Record<string, unknown> = {
      name: `${canon("", id)}/versions/${v.n}`,
      createTime: rfc3339(v.createTime),
      state: ints ? v.state : STATE_NAMES[v.state],
      replicationStatus: { automatic: {} },
      etag: `"${((v.n * 2654435761) >>> 0).toString(16)}${v.state}"`,
    };
    if (v.destroyTime) o.destroyTime = rfc3339(v.destroyTime);
    return o;
  }
  function pickVersion(x: GcpSecret, ver: string): GcpVersion | undefined {
    if (ver === "latest") {
      for (let i = x.versions.length - 1; i >= 0; i--) if (x.versions[i].state === 1) return x.versions[i];
      return undefined;
    }
    return x.versions.find((v) => String(v.n) === ver);
  }
  const notFoundSecret = (id: string) => gerr(404, `Secret [${canon("", id)}] not found.`);
  const notFoundVersion = (id: string, v: string) =>
    gerr(404, `Secret Version [${canon("", id)}/versions/${v}] not found.`);
  const parse = (raw: Buffer): Record<string, unknown> | null => {
    try {
      const o = JSON.parse(raw.toString("utf8") || "{}");
      return o && typeof o === "object" ? o : null;
    } catch {
      return null;
    }
  };

  interface R {
    op: string;
    run: (body: Buffer, q: Record<string, string>, ints: boolean) => Reply;
  }

  function route(method: string, path: string): R | null {
    const m =
      /^\/v1\/projects\/([^/]+)\/secrets(?:\/([^/:]+)(?::(\w+))?(?:\/versions(?:\/([^/:]+)(?::(\w+))?)?)?)?$/.exec(
        path,
      );
    if (!m) return null;
    const [, project, secretId, secretAction, versionId, versionAction] = m;
    const hasVersions = path.includes("/versions");
    if (!knownProject(project))
      return {
        op: "gcp.unknown",
        run: () =>
          gerr(
            403,
            `Permission 'secretmanager.secrets.list' denied for resource 'projects/${project}' (or it may not exist).`,
          ),
      };
    if (!secretId) {
      if (method === "GET") return { op: "gcp.secrets.list", run: (_b, q) => listSecrets(q) };
      if (method === "POST") return { op: "gcp.secrets.create", run: (b, q) => createSecret(b, q) };
      return null;
    }
    if (!hasVersions) {
      if (secretAction === "addVersion" && method === "POST")
        return { op: "gcp.versions.add", run: (b, _q, ints) => addVersion(secretId, b, ints) };
      if (secretAction) return null;
      if (method === "GET")
        return {
          op: "gcp.secrets.get",
          run: () => {
            const x = secretById(secretId);
            return x ? { status: 200, body: secretJson(x) } : notFoundSecret(secretId);
          },
        };
      if (method === "DELETE")
        return {
          op: "gcp.secrets.delete",
          run: () => {
            const x = secretById(secretId);
            if (!x) return notFoundSecret(secretId);
            s.gcp.delete(x.name);
            return { status: 200, body: {} };
          },
        };
      if (method === "PATCH") return { op: "gcp.secrets.update", run: (b, q) => updateSecret(secretId, b, q) };
      return null;
    }
    if (!versionId) {
      if (method === "GET") return { op: "gcp.versions.list", run: (_b, q, ints) => listVersions(secretId, q, ints) };
      return null;
    }
    if (!versionAction && method === "GET")
      return {
        op: "gcp.versions.get",
        run: (_b, _q, ints) => {
          const x = secretById(secretId);
          if (!x) return notFoundSecret(secretId);
          const v = pickVersion(x, versionId);
          return v ? { status: 200, body: versionJson(x, v, ints) } : notFoundVersion(secretId, versionId);
        },
      };
    if (versionAction === "access" && method === "GET")
      return { op: "gcp.versions.access", run: () => access(secretId, versionId) };
    if (
      (versionAction === "disable" || versionAction === "enable" || versionAction === "destroy") &&
      method === "POST"
    ) {
      return {
        op: `gcp.versions.${versionAction}`,
        run: (_b, _q, ints) => {
          const x = secretById(secretId);
          if (!x) return notFoundSecret(secretId);
          const v = pickVersion(x, versionId);
          if (!v) return notFoundVersion(secretId, versionId);
          if (v.state === 3)
            return gerr(
              400,
              `Secret Version [${canon("", secretId)}/versions/${v.n}] is in DESTROYED state.`,
              "FAILED_PRECONDITION",
            );
          if (versionAction === "disable") v.state = 2;
          else if (versionAction === "enable") v.state = 1;
          else {
            v.state = 3;
            v.data = Buffer.alloc(0);
            v.destroyTime = Math.floor(Date.now() / 1000);
          }
          return { status: 200, body: versionJson(x, v, ints) };
        },
      };
    }
    return null;
  }

  function createSecret(raw: Buffer, q: Record<string, string>): Reply {
    const id = q.secretId;
    if (!id || !/^[\w-]{1,255}$/.test(id)) return gerr(400, "Invalid secret id.");
    if (secretById(id)) return gerr(409, `Secret [${canon("", id)}] already exists.`);
    const b = parse(raw);
    if (!b) return gerr(400, "Invalid JSON payload received.");
    if (!b.replication) return gerr(400, "Secret.replication is required.");
    const x: GcpSecret = {
      name: keyOf(id),
      labels: (b.labels as Record<string, string>) ?? {},
      annotations: (b.annotations as Record<string, string>) ?? {},
      createTime: Math.floor(Date.now() / 1000),
      expireTime: typeof b.expireTime === "string" ? Math.floor(Date.parse(b.expireTime) / 1000) : undefined,
      etag: `"${Date.now().toString(16)}"`,
      replication: b.replication,
      versions: [],
    };
    s.gcp.set(x.name, x);
    return { status: 200, body: secretJson(x) };
  }

  function updateSecret(id: string, raw: Buffer, q: Record<string, string>): Reply {
    const x = secretById(id);
    if (!x) return notFoundSecret(id);
    const b = parse(raw);
    if (!b) return gerr(400, "Invalid JSON payload received.");
    const mask = (q.updateMask ?? "").split(",").filter(Boolean);
    if (!mask.length) return gerr(400, "update_mask is required.");
    for (const f of mask) {
      if (f === "labels") x.labels = (b.labels as Record<string, string>) ?? {};
      else if (f === "annotations") x.annotations = (b.annotations as Record<string, string>) ?? {};
      else if (f === "expire_time" || f === "expireTime")
        x.expireTime = typeof b.expireTime === "string" ? Math.floor(Date.parse(b.expireTime) / 1000) : undefined;
    }
    x.etag = `"${Date.now().toString(16)}"`;
    return { status: 200, body: secretJson(x) };
  }

  function listSecrets(q: Record<string, string>): Reply {
    const size = Math.min(25000, Math.max(1, Number(q.pageSize) || 25000));
    let items = [...s.gcp.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    if (q.filter) {
      const m = /labels\.(\w+)\s*[:=]\s*"?([\w-]+)"?/.exec(q.filter);
      const nm = /name\s*:\s*"?([\w-]+)"?/.exec(q.filter);
      if (m) items = items.filter((x) => x.labels[m[1]] === m[2]);
      if (nm) items = items.filter((x) => x.name.split("/").pop()!.includes(nm[1]));
    }
    const start = q.pageToken ? Number(Buffer.from(q.pageToken, "base64").toString()) || 0 : 0;
    const page = items.slice(start, start + size);
    const body: Record<string, unknown> = { secrets: page.map(secretJson), totalSize: items.length };
    if (start + size < items.length) body.nextPageToken = Buffer.from(String(start + size)).toString("base64");
    return { status: 200, body };
  }

  function listVersions(id: string, q: Record<string, string>, ints: boolean): Reply {
    const x = secretById(id);
    if (!x) return notFoundSecret(id);
    const size = Math.min(25000, Math.max(1, Number(q.pageSize) || 25000));
    const items = [...x.versions].reverse(); // newest first, like the service
    const start = q.pageToken ? Number(Buffer.from(q.pageToken, "base64").toString()) || 0 : 0;
    const page = items.slice(start, start + size);
    const body: Record<string, unknown> = {
      versions: page.map((v) => versionJson(x, v, ints)),
      totalSize: items.length,
    };
    if (start + size < items.length) body.nextPageToken = Buffer.from(String(start + size)).toString("base64");
    return { status: 200, body };
  }

  function addVersion(id: string, raw: Buffer, ints: boolean): Reply {
    const x = secretById(id);
    if (!x) return notFoundSecret(id);
    const b = parse(raw);
    const payload = b?.payload as { data?: string; dataCrc32c?: string } | undefined;
    if (!payload || typeof payload.data !== "string") return gerr(400, "SecretPayload.data is required.");
    const data = Buffer.from(payload.data, "base64");
    if (payload.dataCrc32c !== undefined && String(crc32c(data)) !== String(payload.dataCrc32c))
      return gerr(400, "Checksum mismatch for SecretPayload.data.", "INVALID_ARGUMENT");
    const v: GcpVersion = {
      n: (x.versions[x.versions.length - 1]?.n ?? 0) + 1,
      state: 1,
      data,
      createTime: Math.floor(Date.now() / 1000),
    };
    x.versions.push(v);
    return { status: 200, body: versionJson(x, v, ints) };
  }

  function access(id: string, ver: string): Reply {
    const x = secretById(id);
    if (!x) return notFoundSecret(id);
    const v = pickVersion(x, ver);
    if (!v)
      return ver === "latest"
        ? gerr(404, `Secret [${canon("", id)}] not found or has no versions.`)
        : notFoundVersion(id, ver);
    if (v.state !== 1)
      return gerr(
        400,
        `Secret Version [${canon("", id)}/versions/${v.n}] is in ${STATE_NAMES[v.state]} state.`,
        "FAILED_PRECONDITION",
      );
    return {
      status: 200,
      body: {
        name: `${canon("", id)}/versions/${v.n}`,
        payload: { data: v.data.toString("base64"), dataCrc32c: String(crc32c(v.data)) },
      },
    };
  }

  const errorBody = (status: number, _code: string, message: string) => ({
    error: { code: status, message, status: STATUS[status] ?? "UNKNOWN" },
  });

  return async function handle(req: IncomingMessage, res: ServerResponse) {
    const t0 = performance.now();
    const method = req.method ?? "GET";
    const { path, query } = splitUrl(req.url ?? "/");
    const raw = await readBody(req);
    const ints = (query.$alt ?? "").includes("enum-encoding=int");
    const r0 = route(method, path);
    const op = r0?.op ?? "gcp.unknown";
    const finish = (status: number, f?: import("../core").FaultOutcome["kind"]) =>
      rt.record({ service: "gcp", op, method, path, status, ms: performance.now() - t0, fault: f });
    if (!req.headers.authorization) {
      send(
        res,
        gerr(
          401,
          "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
        ),
      );
      rt.count("gcp.unauthorized");
      return finish(401);
    }
    rt.count(op);
    if (!r0) {
      send(res, gerr(404, `No route for ${method} ${path}`));
      return finish(404);
    }
    const fault = rt.checkFault({ service: "gcp", op, method, path });
    const delay = rt.delayFor("gcp") + (fault.kind === "latency" ? fault.delayMs : 0);
    if (delay) await sleep(delay);
    if (applyFault(rt, res, fault, errorBody)) return finish(fault.kind === "status" ? fault.status : 0, fault.kind);
    let r: Reply;
    try {
      r = r0.run(raw, query, ints);
    } catch (e) {
      r = gerr(500, (e as Error).message);
    }
    send(res, r);
    finish(r.status);
  };
}
