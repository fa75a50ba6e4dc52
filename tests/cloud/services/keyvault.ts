// Key Vault data plane: one HTTPS origin per vault (the vault is found by the local port of the connection).
import type { IncomingMessage, ServerResponse } from "node:http";
import { RESOURCES, applyFault, readBody, send, sleep, splitUrlCached, type Reply } from "../core";
import { DAY, ROLE_DATA_ACTIONS, type KvKind, type KvObject, type KvVersion, type CertPolicyDef } from "../estate";
import {
  KINDS,
  newVersionId,
  nowS,
  permissionsAllow,
  networkVerdict,
  recoveryLevel,
  type CloudState,
  type VaultRuntime,
  type DeletedEntry,
} from "../state";
import crypto from "node:crypto";
import { newCertKey, parseImport, publicKeyJwk, sharedCertPrivateKey, x5tOf } from "../x509";

type Op = {
  op: string;
  kind: KvKind;
  /** access-policy permission */
  perm: string;
  /** RBAC data action relative to Microsoft.KeyVault/vaults/ */
  action: string;
  write?: boolean;
  run: (ctx: Ctx) => Reply;
  name?: string;
  version?: string;
};

interface Ctx {
  s: CloudState;
  v: VaultRuntime;
  name: string;
  version: string;
  query: Record<string, string>;
  body: Buffer;
  rawQuery: string;
}

const SINGULAR: Record<KvKind, string> = { secrets: "secret", certificates: "certificate", keys: "key" };
const NOT_FOUND_CODE: Record<KvKind, string> = {
  secrets: "SecretNotFound",
  certificates: "CertificateNotFound",
  keys: "KeyNotFound",
};
const TITLE: Record<KvKind, string> = { secrets: "Secret", certificates: "Certificate", keys: "Key" };

export function kvError(status: number, code: string, message: string, inner?: string): Reply {
  const error: Record<string, unknown> = { code, message };
  if (inner) error.innererror = { code: inner };
  return { status, body: { error } };
}

function notFound(kind: KvKind, name: string, deleted = false): Reply {
  if (deleted) return kvError(404, NOT_FOUND_CODE[kind], `Deleted ${TITLE[kind]} not found`);
  return kvError(
    404,
    NOT_FOUND_CODE[kind],
    `A ${SINGULAR[kind]} with (name/id) ${name} was not found in this key vault. If you recently deleted this ${SINGULAR[kind]} you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
  );
}

function badParam(message: string): Reply {
  return kvError(400, "BadParameter", message);
}

// ----------------------------------------------------------------------------------------------------- rendering

function attrs(
  s: CloudState,
  v: VaultRuntime,
  ver: KvVersion,
  extra?: Record<string, unknown>,
): Record<string, unknown> {
  const a: Record<string, unknown> = { enabled: ver.enabled };
  if (ver.nbf !== undefined) a.nbf = ver.nbf;
  if (ver.exp !== undefined) a.exp = ver.exp;
  a.created = ver.created;
  a.updated = ver.updated;
  a.recoveryLevel = recoveryLevel(v.def);
  if (v.def.enableSoftDelete) a.recoverableDays = v.def.softDeleteRetentionInDays;
  if (extra) Object.assign(a, extra);
  void s;
  return a;
}

function current(o: KvObject): KvVersion {
  return o.versions[o.versions.length - 1];
}

function findVersion(o: KvObject, version: string): KvVersion | undefined {
  if (!version) return current(o);
  const lv = version.toLowerCase();
  return o.versions.find((x) => x.version === lv);
}

function secretItem(
  s: CloudState,
  v: VaultRuntime,
  o: KvObject,
  ver: KvVersion,
  withVersion: boolean,
): Record<string, unknown> {
  const it: Record<string, unknown> = {
    id: `${v.origin}/secrets/${o.name}${withVersion ? "/" + ver.version : ""}`,
    attributes: attrs(s, v, ver),
  };
  if (ver.tags) it.tags = ver.tags;
  if (ver.contentType) it.contentType = ver.contentType;
  if (o.managed) {
    it.managed = true;
    it.kid = `${v.origin}/keys/${o.name}/${ver.version}`;
  }
  return it;
}

function certItem(
  s: CloudState,
  v: VaultRuntime,
  o: KvObject,
  ver: KvVersion,
  withVersion: boolean,
): Record<string, unknown> {
  const { x5t } = s.certDer(ver);
  const it: Record<string, unknown> = {
    id: `${v.origin}/certificates/${o.name}${withVersion ? "/" + ver.version : ""}`,
    x5t,
    attributes: attrs(s, v, ver),
  };
  if (ver.tags) it.tags = ver.tags;
  return it;
}

function keyItem(
  s: CloudState,
  v: VaultRuntime,
  o: KvObject,
  ver: KvVersion,
  withVersion: boolean,
): Record<string, unknown> {
  const it: Record<string, unknown> = {
    kid: `${v.origin}/keys/${o.name}${withVersion ? "/" + ver.version : ""}`,
    attributes: attrs(s, v, ver, o.managed ? undefined : { exportable: false }),
  };
  if (ver.tags) it.tags = ver.tags;
  if (o.managed) it.managed = true;
  return it;
}

const ITEM: Record<KvKind, typeof secretItem> = { secrets: secretItem, certificates: certItem, keys: keyItem };

function policyJson(v: VaultRuntime, name: string, p: CertPolicyDef): Record<string, unknown> {
  return {
    id: `${v.origin}/certificates/${name}/policy`,
    key_props: {
      exportable: p.exportable,
      kty: p.keyType,
      // EC policies carry the curve and its size (P-256 → 256)
      ...(p.keyType.startsWith("EC")
        ? { key_size: Number((p.keyCurveName ?? "P-256").replace(/\D/g, "")), crv: p.keyCurveName ?? "P-256" }
        : { key_size: p.keySize }),
      reuse_key: false,
    },
    secret_props: { contentType: p.contentType },
    x509_props: {
      subject: p.subject,
      sans: { dns_names: p.sans },
      ekus: ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
      key_usage: ["digitalSignature", "keyEncipherment"],
      validity_months: p.validityMonths,
    },
    lifetime_actions: (p.lifetimeActions ?? [p.lifetimeAction]).map((a) => ({
      trigger: a.trigger,
      action: { action_type: a.action },
    })),
    issuer: { name: p.issuer },
    attributes: { enabled: true, created: p.created, updated: p.updated },
  };
}

function certBundle(
  s: CloudState,
  v: VaultRuntime,
  o: KvObject,
  ver: KvVersion,
  withPolicy: boolean,
): Record<string, unknown> {
  const { der, x5t } = s.certDer(ver);
  const b: Record<string, unknown> = {
    id: `${v.origin}/certificates/${o.name}/${ver.version}`,
    kid: `${v.origin}/keys/${o.name}/${ver.version}`,
    sid: `${v.origin}/secrets/${o.name}/${ver.version}`,
    x5t,
    cer: der.toString("base64"),
    attributes: attrs(s, v, ver),
  };
  if (ver.tags) b.tags = ver.tags;
  if (withPolicy && o.policy) b.policy = policyJson(v, o.name, o.policy);
  return b;
}

function keyBundle(s: CloudState, v: VaultRuntime, o: KvObject, ver: KvVersion): Record<string, unknown> {
  const kty = ver.kty ?? (o.policy?.keyType === "EC" ? "EC" : "RSA");
  const key: Record<string, unknown> = { kid: `${v.origin}/keys/${o.name}/${ver.version}`, kty };
  if (kty.startsWith("EC")) {
    const crv = ver.crv ?? o.policy?.keyCurveName ?? "P-256";
    const m = publicKeyJwk({ curve: crv });
    key.key_ops = ver.keyOps ?? ["sign", "verify"];
    key.crv = crv;
    key.x = m.x;
    key.y = m.y;
  } else {
    const m = ver.cert?.privateKey
      ? crypto.createPublicKey(ver.cert.privateKey).export({ format: "jwk" })
      : publicKeyJwk({ rsaBits: ver.keySize ?? o.policy?.keySize ?? 2048 });
    key.key_ops = ver.keyOps ?? ["sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey"];
    key.n = m.n;
    key.e = m.e;
  }
  const b: Record<string, unknown> = {
    key,
    attributes: attrs(s, v, ver, o.managed ? undefined : { exportable: false }),
  };
  if (ver.tags) b.tags = ver.tags;
  if (o.managed) b.managed = true;
  return b;
}

function secretBundle(
  s: CloudState,
  v: VaultRuntime,
  o: KvObject,
  ver: KvVersion,
  withValue: boolean,
): Record<string, unknown> {
  const b: Record<string, unknown> = {};
  if (withValue) b.value = o.managed ? s.managedSecretValue(ver) : (ver.value ?? "");
  Object.assign(b, secretItem(s, v, o, ver, true));
  return b;
}

function deletedFields(
  v: VaultRuntime,
  kind: KvKind,
  name: string,
  d: { deletedDate: number; scheduledPurgeDate: number } | null,
): Record<string, unknown> {
  if (!d || !v.def.enableSoftDelete) return {};
  return {
    recoveryId: `${v.origin}/deleted${kind}/${name}`,
    deletedDate: d.deletedDate,
    scheduledPurgeDate: d.scheduledPurgeDate,
  };
}

// --------------------------------------------------------------------------------------------------------- paging

function pageParams(q: Record<string, string>): { max: number; marker: string | null } | Reply {
  let max = 25;
  if (q.maxresults !== undefined && q.maxresults !== "") {
    max = Number(q.maxresults);
    if (!Number.isInteger(max) || max < 1 || max > 25)
      return badParam("The value of the maxresults parameter must be between 1 and 25.");
  }
  let marker: string | null = null;
  const tok = q.$skiptoken ?? q.$skipToken;
  if (tok) {
    try {
      marker = JSON.parse(Buffer.from(tok, "base64url").toString()).NextMarker ?? null;
    } catch {
      return badParam("Invalid $skiptoken");
    }
  }
  return { max, marker };
}

function page<T>(names: string[], marker: string | null, max: number): { slice: string[]; next: string | null } {
  let start = 0;
  if (marker !== null) {
    // first name strictly after marker (names are sorted case-insensitively)
    const m = marker.toLowerCase();
    let lo = 0,
      hi = names.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (names[mid].toLowerCase() <= m) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const slice = names.slice(start, start + max);
  const next = start + max < names.length ? slice[slice.length - 1] : null;
  return { slice, next };
}

function nextLink(
  v: VaultRuntime,
  path: string,
  q: Record<string, string>,
  marker: string | null,
  max: number,
): string | null {
  if (marker === null) return null;
  const tok = Buffer.from(JSON.stringify({ NextMarker: marker, TargetLocation: 0 })).toString("base64url");
  return `${v.origin}${path}?api-version=${encodeURIComponent(q["api-version"] ?? "7.5")}&$skiptoken=${tok}&maxresults=${max}`;
}

/** cached list page (the hot path for the benchmark) */
function cachedJson(ctx: Ctx, key: string, build: () => unknown): Reply {
  const v = ctx.v;
  if (v.cacheRev !== v.rev) {
    v.cache.clear();
    v.cacheRev = v.rev;
  }
  let b = v.cache.get(key);
  if (!b) {
    b = Buffer.from(JSON.stringify(build()));
    if (v.cache.size > 5000) v.cache.clear();
    v.cache.set(key, b);
  }
  return { status: 200, body: b };
}

function listLive(kind: KvKind): (ctx: Ctx) => Reply {
  return (ctx) => {
    const p = pageParams(ctx.query);
    if ("status" in p) return p;
    const injected = p.marker ? [] : ctx.s.rt.injectedFor(`kv.${kind}.list`, ctx.v.def.name);
    if (injected.length) ctx.v.rev++; // not cached: the next listing without injected items is built afresh
    return cachedJson(ctx, `${kind}|${p.max}|${p.marker ?? ""}|${ctx.query["api-version"] ?? ""}`, () => {
      const names = ctx.s.sortedNames(ctx.v, kind, false);
      const { slice, next } = page(names, p.marker, p.max);
      const live = ctx.s.data(ctx.v).live[kind];
      const value = slice.map((n) => {
        const o = live.get(n)!;
        return ITEM[kind](ctx.s, ctx.v, o, current(o), false);
      });
      value.push(...(injected as typeof value));
      return { value, nextLink: nextLink(ctx.v, `/${kind}`, ctx.query, next, p.max) };
    });
  };
}

function listVersions(kind: KvKind): (ctx: Ctx) => Reply {
  return (ctx) => {
    const o = ctx.s.data(ctx.v).live[kind].get(ctx.name);
    if (!o) return notFound(kind, ctx.name);
    const p = pageParams(ctx.query);
    if ("status" in p) return p;
    const all = o.versions.map((x) => x.version).sort();
    const { slice, next } = page(all, p.marker, p.max);
    const byId = new Map(o.versions.map((x) => [x.version, x]));
    return {
      status: 200,
      body: {
        value: slice.map((id) => ITEM[kind](ctx.s, ctx.v, o, byId.get(id)!, true)),
        nextLink: nextLink(ctx.v, `/${kind}/${o.name}/versions`, ctx.query, next, p.max),
      },
    };
  };
}

function listDeleted(kind: KvKind): (ctx: Ctx) => Reply {
  return (ctx) => {
    const p = pageParams(ctx.query);
    if ("status" in p) return p;
    const names = ctx.s.sortedNames(ctx.v, kind, true);
    const { slice, next } = page(names, p.marker, p.max);
    const del = ctx.s.data(ctx.v).deleted[kind];
    const value = slice.map((n) => {
      const d = del.get(n)!;
      const item = ITEM[kind](ctx.s, ctx.v, d.obj, current(d.obj), false);
      return { ...deletedFields(ctx.v, kind, n, d), ...item };
    });
    return { status: 200, body: { value, nextLink: nextLink(ctx.v, `/deleted${kind}`, ctx.query, next, p.max) } };
  };
}

function getDeleted(kind: KvKind): (ctx: Ctx) => Reply {
  return (ctx) => {
    const d = ctx.s.data(ctx.v).deleted[kind].get(ctx.name);
    if (!d) return notFound(kind, ctx.name, true);
    const cur = current(d.obj);
    const body =
      kind === "secrets"
        ? secretBundle(ctx.s, ctx.v, d.obj, cur, false)
        : kind === "certificates"
          ? certBundle(ctx.s, ctx.v, d.obj, cur, true)
          : keyBundle(ctx.s, ctx.v, d.obj, cur);
    return { status: 200, body: { ...deletedFields(ctx.v, kind, ctx.name, d), ...body } };
  };
}

function deleteObj(kind: KvKind): (ctx: Ctx) => Reply {
  return (ctx) => {
    const d = ctx.s.data(ctx.v);
    const o = d.live[kind].get(ctx.name);
    if (!o) return notFound(kind, ctx.name);
    if (o.managed)
      return kvError(
        403,
        "Forbidden",
        `${TITLE[kind]} ${ctx.name} is managed by a certificate and cannot be deleted directly.`,
      );
    d.live[kind].delete(ctx.name);
    if (kind === "certificates") {
      d.live.secrets.delete(ctx.name);
      d.live.keys.delete(ctx.name);
    }
    const now = nowS();
    let entry: DeletedEntry | null = null;
    if (ctx.v.def.enableSoftDelete) {
      entry = { obj: o, deletedDate: now, scheduledPurgeDate: now + ctx.v.def.softDeleteRetentionInDays * DAY };
      d.deleted[kind].set(ctx.name, entry);
    }
    ctx.s.invalidate(ctx.v);
    const cur = current(o);
    const body =
      kind === "secrets"
        ? secretBundle(ctx.s, ctx.v, o, cur, false)
        : kind === "certificates"
          ? certBundle(ctx.s, ctx.v, o, cur, true)
          : keyBundle(ctx.s, ctx.v, o, cur);
    return { status: 200, body: { ...deletedFields(ctx.v, kind, ctx.name, entry), ...body } };
  };
}

function recoverObj(kind: KvKind): (ctx: Ctx) => Reply {
  return (ctx) => {
    const d = ctx.s.data(ctx.v);
    const e = d.deleted[kind].get(ctx.name);
    if (!e) return notFound(kind, ctx.name, true);
    d.deleted[kind].delete(ctx.name);
    if (kind === "certificates") ctx.s.putCertificate(d.live, e.obj);
    else d.live[kind].set(ctx.name, e.obj);
    ctx.s.invalidate(ctx.v);
    const cur = current(e.obj);
    const body =
      kind === "secrets"
        ? secretBundle(ctx.s, ctx.v, e.obj, cur, false)
        : kind === "certificates"
          ? certBundle(ctx.s, ctx.v, e.obj, cur, true)
          : keyBundle(ctx.s, ctx.v, e.obj, cur);
    return { status: 200, body };
  };
}

function purgeObj(kind: KvKind): (ctx: Ctx) => Reply {
  return (ctx) => {
    const d = ctx.s.data(ctx.v);
    if (!d.deleted[kind].has(ctx.name)) return notFound(kind, ctx.name, true);
    if (ctx.v.def.enablePurgeProtection) {
      return kvError(
        403,
        "Forbidden",
        `Operation "purge" is not allowed because purge protection is enabled for this vault. Key Vault service will automatically purge it after the retention period has passed.\r\nVault: ${ctx.v.def.name};location=${ctx.v.def.location}`,
      );
    }
    d.deleted[kind].delete(ctx.name);
    ctx.s.invalidate(ctx.v);
    return { status: 204 };
  };
}

function conflictIfDeleted(ctx: Ctx, kind: KvKind): Reply | null {
  if (ctx.s.data(ctx.v).deleted[kind].has(ctx.name)) {
    return kvError(
      409,
      "Conflict",
      `${TITLE[kind]} ${ctx.name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the ${SINGULAR[kind]} can only be recovered or purged.`,
      "ObjectIsDeletedButRecoverable",
    );
  }
  return null;
}

function parseJsonBody(ctx: Ctx): { b: Record<string, unknown>; err?: undefined } | { b?: undefined; err: Reply } {
  try {
    const o = JSON.parse(ctx.body.toString("utf8") || "{}");
    if (!o || typeof o !== "object") return { err: badParam("The request body must be a JSON object.") };
    return { b: o as Record<string, unknown> };
  } catch {
    return { err: badParam("The request body is not valid JSON.") };
  }
}

const NAME_RE = /^[0-9a-zA-Z-]{1,127}$/;

function applyAttributes(ver: KvVersion, a: Record<string, unknown> | undefined) {
  if (!a) return;
  if (typeof a.enabled === "boolean") ver.enabled = a.enabled;
  if ("nbf" in a) ver.nbf = typeof a.nbf === "number" ? a.nbf : undefined;
  if ("exp" in a) ver.exp = typeof a.exp === "number" ? a.exp : undefined;
}

// ---------------------------------------------------------------------------------------------------- operations

const secretOps = {
  set: (ctx: Ctx): Reply => {
    if (!NAME_RE.test(ctx.name)) return badParam(`The request URI contains an invalid name: ${ctx.name}`);
    const pb = parseJsonBody(ctx);
    if (pb.err) return pb.err;
    const b = pb.b;
    if (typeof b.value !== "string") return badParam("Property 'value' is required.");
    const c = conflictIfDeleted(ctx, "secrets");
    if (c) return c;
    const d = ctx.s.data(ctx.v);
    let o = d.live.secrets.get(ctx.name);
    if (o?.managed)
      return kvError(403, "Forbidden", `Secret ${ctx.name} is managed by a certificate and cannot be set directly.`);
    const now = nowS();
    const ver: KvVersion = { version: newVersionId(), created: now, updated: now, enabled: true, value: b.value };
    if (typeof b.contentType === "string") ver.contentType = b.contentType;
    if (b.tags && typeof b.tags === "object") ver.tags = b.tags as Record<string, string>;
    applyAttributes(ver, b.attributes as Record<string, unknown> | undefined);
    if (!o) {
      o = { name: ctx.name, versions: [] };
      d.live.secrets.set(ctx.name, o);
    }
    o.versions.push(ver);
    ctx.s.invalidate(ctx.v);
    return { status: 200, body: secretBundle(ctx.s, ctx.v, o, ver, true) };
  },
  get: (ctx: Ctx): Reply => {
    const o = ctx.s.data(ctx.v).live.secrets.get(ctx.name);
    if (!o) return notFound("secrets", ctx.name);
    const ver = findVersion(o, ctx.version);
    if (!ver) return notFound("secrets", `${ctx.name}/${ctx.version}`);
    if (!ver.enabled)
      return kvError(403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled");
    return { status: 200, body: secretBundle(ctx.s, ctx.v, o, ver, true) };
  },
  update: (ctx: Ctx): Reply => {
    const o = ctx.s.data(ctx.v).live.secrets.get(ctx.name);
    if (!o) return notFound("secrets", ctx.name);
    const ver = findVersion(o, ctx.version);
    if (!ver) return notFound("secrets", `${ctx.name}/${ctx.version}`);
    const pb = parseJsonBody(ctx);
    if (pb.err) return pb.err;
    const b = pb.b;
    if (typeof b.contentType === "string") ver.contentType = b.contentType;
    if (b.tags && typeof b.tags === "object") ver.tags = b.tags as Record<string, string>;
    applyAttributes(ver, b.attributes as Record<string, unknown> | undefined);
    ver.updated = nowS();
    ctx.s.invalidate(ctx.v);
    return { status: 200, body: secretBundle(ctx.s, ctx.v, o, ver, false) };
  },
};

const certOps = {
  get: (ctx: Ctx): Reply => {
    const o = ctx.s.data(ctx.v).live.certificates.get(ctx.name);
    if (!o) return notFound("certificates", ctx.name);
    const ver = findVersion(o, ctx.version);
    if (!ver) return notFound("certificates", `${ctx.name}/${ctx.version}`);
    return { status: 200, body: certBundle(ctx.s, ctx.v, o, ver, !ctx.version) };
  },
  policy: (ctx: Ctx): Reply => {
    const o = ctx.s.data(ctx.v).live.certificates.get(ctx.name);
    if (!o || !o.policy) return notFound("certificates", ctx.name);
    return { status: 200, body: policyJson(ctx.v, o.name, o.policy) };
  },
  import: (ctx: Ctx): Reply => {
    if (!NAME_RE.test(ctx.name)) return badParam(`The request URI contains an invalid name: ${ctx.name}`);
    const pb = parseJsonBody(ctx);
    if (pb.err) return pb.err;
    const b = pb.b;
    if (typeof b.value !== "string") return badParam("Property 'value' is required.");
    const c = conflictIfDeleted(ctx, "certificates");
    if (c) return c;
    const pol = (b.policy ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const contentType = (pol.secret_props?.contentType as string | undefined) ?? "application/x-pkcs12";
    let parsed: ReturnType<typeof parseImport>;
    try {
      parsed = parseImport(b.value, typeof b.pwd === "string" ? b.pwd : undefined, contentType);
    } catch (e) {
      return badParam(`Certificate import failed: ${(e as Error).message}`);
    }
    const d = ctx.s.data(ctx.v);
    let o = d.live.certificates.get(ctx.name);
    const now = nowS();
    const ver: KvVersion = {
      version: newVersionId(),
      created: now,
      updated: now,
      enabled: true,
      nbf: parsed.nbf,
      exp: parsed.exp,
      contentType,
      cert: { subject: parsed.subject, sans: parsed.sans, issuer: "Unknown", der: parsed.der, x5t: x5tOf(parsed.der) },
    };
    if (b.tags && typeof b.tags === "object") ver.tags = b.tags as Record<string, string>;
    const a = b.attributes as Record<string, unknown> | undefined;
    if (a && typeof a.enabled === "boolean") ver.enabled = a.enabled;
    const kp = pol.key_props ?? {};
    const policy: CertPolicyDef = {
      issuer: "Unknown",
      subject: parsed.subject,
      sans: parsed.sans,
      validityMonths: Math.max(1, Math.round((parsed.exp - parsed.nbf) / (30 * DAY))),
      keyType: kp.kty === "EC" ? "EC" : "RSA",
      keySize: typeof kp.key_size === "number" ? kp.key_size : 2048,
      exportable: kp.exportable !== false,
      contentType: contentType === "application/x-pem-file" ? "application/x-pem-file" : "application/x-pkcs12",
      lifetimeAction: { trigger: { lifetime_percentage: 80 }, action: "EmailContacts" },
      created: o?.policy?.created ?? now,
      updated: now,
    };
    if (!o) {
      o = { name: ctx.name, versions: [], policy };
      ctx.s.putCertificate(d.live, o);
    } else {
      o.policy = policy;
      ctx.s.putCertificate(d.live, o);
    }
    o.versions.push(ver);
    ctx.s.invalidate(ctx.v);
    return { status: 200, body: certBundle(ctx.s, ctx.v, o, ver, true) };
  },
};

/** The operation document of CreateCertificate (`/certificates/{name}/pending`). */
function operationJson(v: VaultRuntime, o: KvObject): Record<string, unknown> {
  const p = o.pending!;
  return {
    id: `${v.origin}/certificates/${o.name}/pending`,
    issuer: { name: p.issuer },
    csr: p.csr,
    cancellation_requested: false,
    status: p.status,
    status_details:
      p.status === "completed" ? "" : "Pending certificate created. Please Perform Merge to complete the request.",
    ...(p.status === "completed" ? { target: `${v.origin}/certificates/${o.name}` } : {}),
    request_id: p.requestId,
  };
}

const createOps = {
  /**
   * CreateCertificate: a new version per the (given or stored) policy with a NEW key pair. A self-signed or
   * CA-issued policy completes at once (the local cloud plays the CA); issuer "Unknown" stays inProgress (it waits for
   * a merge, which the local cloud does not offer). RSA only.
   */
  create: (ctx: Ctx): Reply => {
    if (!NAME_RE.test(ctx.name)) return badParam(`The request URI contains an invalid name: ${ctx.name}`);
    const pb = parseJsonBody(ctx);
    if (pb.err) return pb.err;
    const b = pb.b;
    const c = conflictIfDeleted(ctx, "certificates");
    if (c) return c;
    const d = ctx.s.data(ctx.v);
    let o = d.live.certificates.get(ctx.name);
    const pol = (b.policy ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const stored = o?.policy;
    const x509 = pol.x509_props ?? {};
    const kp = pol.key_props ?? {};
    const issuer = (pol.issuer?.name as string | undefined) ?? stored?.issuer;
    const subject = (x509.subject as string | undefined) ?? stored?.subject;
    if (!issuer || !subject) return badParam("Property policy.issuer.name and policy.x509_props.subject are required.");
    const kty = (kp.kty as string | undefined) ?? stored?.keyType ?? "RSA";
    if (!kty.startsWith("RSA")) return badParam("The local cloud creates RSA certificates only.");
    const keySize = (kp.key_size as number | undefined) ?? stored?.keySize ?? 2048;
    const months = (x509.validity_months as number | undefined) ?? stored?.validityMonths ?? 12;
    const sans = ((x509.sans as { dns_names?: string[] } | undefined)?.dns_names ?? stored?.sans ?? []).slice();
    const contentType =
      ((pol.secret_props?.contentType as string | undefined) ?? stored?.contentType) === "application/x-pem-file"
        ? "application/x-pem-file"
        : "application/x-pkcs12";
    const now = nowS();
    const policy: CertPolicyDef = {
      issuer,
      subject,
      sans,
      validityMonths: months,
      keyType: "RSA",
      keySize,
      exportable: kp.exportable !== undefined ? kp.exportable !== false : (stored?.exportable ?? true),
      contentType,
      lifetimeAction: stored?.lifetimeAction ?? { trigger: { lifetime_percentage: 80 }, action: "EmailContacts" },
      ...(stored?.lifetimeActions ? { lifetimeActions: stored.lifetimeActions } : {}),
      created: stored?.created ?? now,
      updated: now,
    };
    const key = newCertKey(keySize);
    const csr = crypto.createPublicKey(key).export({ type: "spki", format: "der" }).toString("base64");
    const pending = issuer === "Unknown";
    if (!o) {
      o = { name: ctx.name, versions: [], policy };
      ctx.s.putCertificate(d.live, o);
    } else o.policy = policy;
    o.pending = { issuer, csr, status: pending ? "inProgress" : "completed", requestId: crypto.randomUUID() };
    if (!pending) {
      const ver: KvVersion = {
        version: newVersionId(),
        created: now,
        updated: now,
        enabled: true,
        nbf: now - 300,
        exp: now + months * 30 * DAY,
        contentType,
        keySize,
        cert: { subject, sans, issuer, privateKey: key },
      };
      if (b.tags && typeof b.tags === "object") ver.tags = b.tags as Record<string, string>;
      const a = b.attributes as Record<string, unknown> | undefined;
      if (a && typeof a.enabled === "boolean") ver.enabled = a.enabled;
      o.versions.push(ver);
    }
    ctx.s.invalidate(ctx.v);
    return { status: 202, body: operationJson(ctx.v, o) };
  },
  pending: (ctx: Ctx): Reply => {
    const o = ctx.s.data(ctx.v).live.certificates.get(ctx.name);
    if (!o?.pending) return kvError(404, "PendingCertificateNotFound", "Pending certificate not found");
    return { status: 200, body: operationJson(ctx.v, o) };
  },
};

/** DigestInfo prefixes (RFC 8017 §9.2) for RSASSA-PKCS1-v1_5 over a digest the caller computed */
const DIGEST_INFO: Record<string, { prefix: string; len: number }> = {
  RS256: { prefix: "3031300d060960864801650304020105000420", len: 32 },
  RS384: { prefix: "3041300d060960864801650304020205000430", len: 48 },
  RS512: { prefix: "3051300d060960864801650304020305000440", len: 64 },
};

const keyOps = {
  /**
   * keys/sign over a digest: a certificate version Key Vault created signs with its own key; every other RSA-2048
   * key of the estate shares one key pair (the public JWK GET returns), so its signatures verify too.
   */
  sign: (ctx: Ctx): Reply => {
    const o = ctx.s.data(ctx.v).live.keys.get(ctx.name);
    if (!o) return notFound("keys", ctx.name);
    const ver = findVersion(o, ctx.version);
    if (!ver) return notFound("keys", `${ctx.name}/${ctx.version}`);
    if (!ver.enabled) return kvError(403, "Forbidden", "Operation sign is not allowed on a disabled key.");
    const pb = parseJsonBody(ctx);
    if (pb.err) return pb.err;
    const alg = pb.b.alg as string | undefined;
    const info = alg ? DIGEST_INFO[alg] : undefined;
    if (!info) return badParam(`The local cloud signs with RS256, RS384 or RS512 only (got '${alg ?? ""}').`);
    const digest = typeof pb.b.value === "string" ? Buffer.from(pb.b.value, "base64url") : Buffer.alloc(0);
    if (digest.length !== info.len) return badParam(`Invalid digest length for ${alg}.`);
    const kty = ver.kty ?? (o.policy?.keyType === "EC" ? "EC" : "RSA");
    const bits = ver.keySize ?? o.policy?.keySize ?? 2048;
    const key = ver.cert?.privateKey ?? (kty.startsWith("RSA") && bits === 2048 ? sharedCertPrivateKey() : undefined);
    if (!key) return badParam("The local cloud signs with RSA keys of certificates or RSA-2048 keys only.");
    const value = crypto.privateEncrypt(
      { key, padding: crypto.constants.RSA_PKCS1_PADDING },
      Buffer.concat([Buffer.from(info.prefix, "hex"), digest]),
    );
    return {
      status: 200,
      body: { kid: `${ctx.v.origin}/keys/${o.name}/${ver.version}`, value: value.toString("base64url") },
    };
  },
  get: (ctx: Ctx): Reply => {
    const o = ctx.s.data(ctx.v).live.keys.get(ctx.name);
    if (!o) return notFound("keys", ctx.name);
    const ver = findVersion(o, ctx.version);
    if (!ver) return notFound("keys", `${ctx.name}/${ctx.version}`);
    return { status: 200, body: keyBundle(ctx.s, ctx.v, o, ver) };
  },
  rotationPolicy: (ctx: Ctx): Reply => {
    const o = ctx.s.data(ctx.v).live.keys.get(ctx.name);
    if (!o) return notFound("keys", ctx.name);
    const id = `${ctx.v.origin}/keys/${o.name}/rotationpolicy`;
    const p = o.rotationPolicy;
    if (!p)
      return {
        status: 200,
        body: {
          id,
          lifetimeActions: [{ trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } }],
          attributes: {},
        },
      };
    const attributes: Record<string, unknown> = {};
    if (p.expiryTime) attributes.expiryTime = p.expiryTime;
    if (p.created) attributes.created = p.created;
    if (p.updated) attributes.updated = p.updated;
    return { status: 200, body: { id, lifetimeActions: p.lifetimeActions, attributes } };
  },
};

// --------------------------------------------------------------------------------------------------------- router

/** Map a request to an operation. Returns null for unknown routes. */
export function route(method: string, path: string): Op | null {
  const seg = path.split("/");
  // seg[0] === ""
  const c = seg[1];
  const n = seg.length;
  for (const kind of KINDS) {
    if (c === kind) {
      const name = seg[2] ?? "";
      if (n === 2 || (n === 3 && name === "")) {
        if (method === "GET")
          return {
            op: `kv.${kind}.list`,
            kind,
            perm: "list",
            action: kind === "secrets" ? "secrets/readMetadata/action" : `${kind}/read`,
            run: listLive(kind),
          };
        return null;
      }
      const third = seg[3];
      if (n === 3 || (n === 4 && third === "")) {
        // /secrets/{name} or /secrets/{name}/
        if (method === "GET") return getOp(kind, name, "");
        if (method === "PUT" && kind === "secrets" && n === 3)
          return {
            op: "kv.secrets.set",
            kind,
            perm: "set",
            action: "secrets/setSecret/action",
            write: true,
            run: secretOps.set,
            name,
          };
        if (method === "PATCH" && kind === "secrets")
          return {
            op: "kv.secrets.update",
            kind,
            perm: "set",
            action: "secrets/update/action",
            run: secretOps.update,
            name,
            version: "",
          };
        if (method === "DELETE" && n === 3)
          return {
            op: `kv.${kind}.delete`,
            kind,
            perm: "delete",
            action: `${kind}/delete`,
            run: deleteObj(kind),
            name,
          };
        return null;
      }
      if (n === 4 || (n === 5 && seg[4] === "")) {
        if (third === "versions" && method === "GET")
          return {
            op: `kv.${kind}.versions`,
            kind,
            perm: "list",
            action: kind === "secrets" ? "secrets/readMetadata/action" : `${kind}/read`,
            run: listVersions(kind),
            name,
          };
        if (kind === "certificates" && third === "policy" && method === "GET")
          return {
            op: "kv.certificates.policy.get",
            kind,
            perm: "get",
            action: "certificates/read",
            run: certOps.policy,
            name,
          };
        if (kind === "certificates" && third === "import" && method === "POST")
          return {
            op: "kv.certificates.import",
            kind,
            perm: "import",
            action: "certificates/import/action",
            write: true,
            run: certOps.import,
            name,
          };
        if (kind === "certificates" && third === "create" && method === "POST")
          return {
            op: "kv.certificates.create",
            kind,
            perm: "create",
            action: "certificates/create/action",
            write: true,
            run: createOps.create,
            name,
          };
        if (kind === "certificates" && third === "pending" && method === "GET")
          return {
            op: "kv.certificates.pending.get",
            kind,
            perm: "get",
            action: "certificates/read",
            run: createOps.pending,
            name,
          };
        if (kind === "keys" && third === "rotationpolicy" && method === "GET")
          return {
            op: "kv.keys.rotationpolicy.get",
            kind,
            perm: "getrotationpolicy",
            action: "keyrotationpolicies/read",
            run: keyOps.rotationPolicy,
            name,
          };
        if (method === "GET") return getOp(kind, name, third);
        if (method === "PATCH" && kind === "secrets")
          return {
            op: "kv.secrets.update",
            kind,
            perm: "set",
            action: "secrets/update/action",
            run: secretOps.update,
            name,
            version: third,
          };
        return null;
      }
      if (kind === "keys" && n === 5 && seg[4] === "sign" && method === "POST")
        return {
          op: "kv.keys.sign",
          kind,
          perm: "sign",
          action: "keys/sign/action",
          run: keyOps.sign,
          name,
          version: third,
        };
      return null;
    }
    if (c === `deleted${kind}`) {
      const name = seg[2] ?? "";
      if (n === 2 || (n === 3 && name === "")) {
        if (method === "GET")
          return {
            op: `kv.deleted${kind}.list`,
            kind,
            perm: "list",
            action: kind === "secrets" ? "secrets/readMetadata/action" : `${kind}/read`,
            run: listDeleted(kind),
          };
        return null;
      }
      if (n === 3) {
        if (method === "GET")
          return {
            op: `kv.deleted${kind}.get`,
            kind,
            perm: "list",
            action: kind === "secrets" ? "secrets/readMetadata/action" : `${kind}/read`,
            run: getDeleted(kind),
            name,
          };
        if (method === "DELETE")
          return {
            op: `kv.${kind}.purge`,
            kind,
            perm: "purge",
            action: `${kind}/purge/action`,
            run: purgeObj(kind),
            name,
          };
        return null;
      }
      if (n === 4 && seg[3] === "recover" && method === "POST")
        return {
          op: `kv.${kind}.recover`,
          kind,
          perm: "recover",
          action: `${kind}/recover/action`,
          run: recoverObj(kind),
          name,
        };
      return null;
    }
  }
  return null;
}

const routeCache = new Map<string, Op | null>();
function routeCached(method: string, path: string): Op | null {
  const key = method + " " + path;
  let r = routeCache.get(key);
  if (r === undefined) {
    r = route(method, path);
    if (routeCache.size > 20000) routeCache.clear();
    routeCache.set(key, r);
  }
  return r;
}

function getOp(kind: KvKind, name: string, version: string): Op {
  if (kind === "secrets")
    return {
      op: "kv.secrets.get",
      kind,
      perm: "get",
      action: "secrets/getSecret/action",
      run: secretOps.get,
      name,
      version,
    };
  if (kind === "certificates")
    return {
      op: "kv.certificates.get",
      kind,
      perm: "get",
      action: "certificates/read",
      run: certOps.get,
      name,
      version,
    };
  return { op: "kv.keys.get", kind, perm: "get", action: "keys/read", run: keyOps.get, name, version };
}

// ------------------------------------------------------------------------------------------------- authorization

function callerString(claims: { appid: string; oid: string; iss: string }): string {
  return `appid=${claims.appid};oid=${claims.oid};iss=${claims.iss}`;
}

function actionAllowed(patterns: string[], action: string): boolean {
  for (const p of patterns) {
    if (p === "*") return true;
    if (p.endsWith("/*") && action.startsWith(p.slice(0, -1))) return true;
    if (p.startsWith("*/") && action.endsWith(p.slice(1))) return true;
    if (p === action) return true;
  }
  return false;
}

function authorize(
  s: CloudState,
  v: VaultRuntime,
  claims: { appid: string; oid: string; iss: string },
  op: Op,
): Reply | null {
  const key = `${claims.oid}|${op.op}`;
  const cached = v.authCache.get(key);
  if (cached === true) return null;
  const def = v.def;
  const vaultLabel = `${def.name};location=${def.location}`;
  if (def.enableRbacAuthorization) {
    const roles = def.roleAssignments.filter((a) => a.principalId === claims.oid).map((a) => a.roleDefinitionName);
    const ok = roles.some((r) => actionAllowed(ROLE_DATA_ACTIONS[r] ?? [], op.action));
    if (ok) {
      v.authCache.set(key, true);
      return null;
    }
    const resource = `${def.id}${op.name ? `/${op.kind}/${op.name}` : ""}`.toLowerCase();
    return kvError(
      403,
      "Forbidden",
      `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${callerString(claims)}\r\nAction: 'Microsoft.KeyVault/vaults/${op.action}'\r\nResource: '${resource}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: 'DeniedWithNoValidRBAC' \r\nVault: ${vaultLabel}\r\n`,
      "ForbiddenByRbac",
    );
  }
  const verdict = permissionsAllow(def.accessPolicies, claims.oid, op.kind, op.perm);
  if (verdict === "ok") {
    v.authCache.set(key, true);
    return null;
  }
  if (verdict === "not-found")
    return kvError(
      403,
      "Forbidden",
      `Access denied. Caller was not found on any access policy.\r\nCaller: ${callerString(claims)}\r\nVault: ${vaultLabel}`,
      "AccessDenied",
    );
  return kvError(
    403,
    "Forbidden",
    `The user, group or application '${callerString(claims)}' does not have ${op.kind} ${op.perm} permission on key vault '${vaultLabel}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
    "AccessDenied",
  );
}

function networkError(
  v: VaultRuntime,
  claims: { appid: string; oid: string; iss: string },
  clientIp: string,
): Reply | null {
  const verdict = networkVerdict(v.def, clientIp);
  if (verdict === "ok") return null;
  const vaultLabel = `${v.def.name};location=${v.def.location}`;
  if (verdict === "firewall")
    return kvError(
      403,
      "Forbidden",
      `Client address is not authorized and caller is not a trusted service.\r\nClient address: ${clientIp}\r\nCaller: ${callerString(claims)}\r\nVault: ${vaultLabel}`,
      "ForbiddenByFirewall",
    );
  return kvError(
    403,
    "Forbidden",
    `Public network access is disabled and request is not from a trusted service nor via an approved private link.\r\nCaller: ${callerString(claims)}\r\nVault: ${vaultLabel}`,
    "ForbiddenByConnection",
  );
}

// ---------------------------------------------------------------------------------------------------------- handler

const errorBody = (_status: number, code: string, message: string) => ({ error: { code, message } });

export function createKvHandler(s: CloudState) {
  const rt = s.rt;
  return function handle(req: IncomingMessage, res: ServerResponse) {
    const t0 = performance.now();
    const v = s.vaultsByPort.get(req.socket.localPort!);
    const method = req.method ?? "GET";
    const { path, query, rawQuery } = splitUrlCached(req.url ?? "/");
    if (!v) {
      send(res, kvError(404, "VaultNotFound", "This vault does not exist (anymore)."));
      return;
    }
    const vaultName = v.def.name;
    const finish = (op: string, status: number, oid?: string, fault?: import("../core").FaultOutcome["kind"]) =>
      rt.record({ service: "kv", op, method, path, vault: vaultName, status, ms: performance.now() - t0, fault, oid });

    const auth = req.headers.authorization;
    if (!auth) {
      // challenge: the SDK sends the first request without token and without body
      req.resume();
      rt.count("kv.challenge", vaultName);
      send(res, {
        status: 401,
        headers: {
          "www-authenticate": `Bearer authorization="https://login.microsoftonline.com/${s.estate.tenantId}", resource="${RESOURCES.kv}"`,
        },
        body: { error: { code: "Unauthorized", message: "AKV10000: Request is missing a Bearer or PoP token." } },
      });
      finish("kv.challenge", 401);
      return;
    }
    const tc = rt.tokens.check(auth, RESOURCES.kv);
    if (!tc.ok) {
      req.resume();
      rt.count("kv.unauthorized", vaultName);
      const msg =
        tc.reason === "audience"
          ? `AKV10022: Invalid audience. Expected ${RESOURCES.kv}`
          : tc.reason === "expired"
            ? "AKV10032: Token expired."
            : "AKV10000: Request is missing a Bearer or PoP token.";
      send(res, {
        status: 401,
        headers: {
          "www-authenticate": `Bearer authorization="https://login.microsoftonline.com/${s.estate.tenantId}", resource="${RESOURCES.kv}"`,
        },
        body: { error: { code: "Unauthorized", message: msg } },
      });
      finish("kv.unauthorized", 401);
      return;
    }
    const claims = tc.claims;
    const op = routeCached(method, path);
    if (!op) {
      req.resume();
      rt.count("kv.unknown", vaultName);
      send(res, kvError(method === "GET" ? 404 : 405, "BadParameter", `Unsupported operation: ${method} ${path}`));
      finish("kv.unknown", 404, claims.oid);
      return;
    }
    rt.count(op.op, vaultName);
    const needsBody = method === "PUT" || method === "POST" || method === "PATCH";
    const go = (body: Buffer) => {
      const fault = rt.checkFault({ service: "kv", op: op.op, method, path, vault: vaultName, oid: claims.oid });
      const delay = rt.delayFor("kv") + (fault.kind === "latency" ? fault.delayMs : 0);
      const run = () => {
        if (applyFault(rt, res, fault, errorBody)) {
          finish(op.op, fault.kind === "status" ? fault.status : 0, claims.oid, fault.kind);
          return;
        }
        const clientIp = (req.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
        let r: Reply | null = networkError(v, claims, clientIp);
        if (!r) {
          const wait = rt.throttleKv(vaultName, v.def.subscriptionId, !!op.write);
          if (wait)
            r = {
              status: 429,
              headers: { "retry-after": String(wait) },
              body: {
                error: {
                  code: "Throttled",
                  message:
                    "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached",
                },
              },
            };
        }
        if (!r) r = authorize(s, v, claims, op);
        if (!r) {
          try {
            r = op.run({ s, v, name: op.name ?? "", version: op.version ?? "", query, body, rawQuery });
          } catch (e) {
            r = kvError(500, "InternalServerError", `local cloud error: ${(e as Error).message}`);
          }
        }
        r.headers = r.headers ? { ...r.headers, ...v.headers } : v.headers;
        send(res, r);
        finish(op.op, r.status, claims.oid);
      };
      if (delay > 0) sleep(delay).then(run);
      else run();
    };
    if (needsBody) readBody(req).then(go, () => res.destroy());
    else {
      req.resume();
      go(EMPTY);
    }
  };
}

const EMPTY = Buffer.alloc(0);

/** exported for control: mutate a secret like the data plane would (new version) */
export function controlSetSecret(
  s: CloudState,
  v: VaultRuntime,
  name: string,
  value: string,
  opts: { contentType?: string; tags?: Record<string, string>; exp?: number; nbf?: number; enabled?: boolean } = {},
): KvVersion {
  const d = s.data(v);
  d.deleted.secrets.delete(name);
  let o = d.live.secrets.get(name);
  if (!o) {
    o = { name, versions: [] };
    d.live.secrets.set(name, o);
  }
  const now = nowS();
  const ver: KvVersion = { version: newVersionId(), created: now, updated: now, enabled: opts.enabled ?? true, value };
  if (opts.contentType) ver.contentType = opts.contentType;
  if (opts.tags) ver.tags = opts.tags;
  if (opts.exp !== undefined) ver.exp = opts.exp;
  if (opts.nbf !== undefined) ver.nbf = opts.nbf;
  o.versions.push(ver);
  s.invalidate(v);
  return ver;
}
