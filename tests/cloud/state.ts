// Mutable cloud state on top of the generated estate: vault runtimes (lazy contents), Graph apps, AWS and GCP stores.
import crypto from "node:crypto";
import {
  materialiseVault,
  CANARY_PREFIX,
  DAY,
  makePassword,
  type AppDef,
  type ContainerAppDef,
  type SiteDef,
  type Estate,
  type KvKind,
  type KvObject,
  type KvVersion,
  type VaultDef,
  type PasswordCredentialDef,
  type AccessPolicy,
  type AwsSecretSeed,
  type GcpSecretSeed,
} from "./estate";
import { rng } from "./rng";
import { makeCertDer, x5tOf, derToPem } from "./x509";
import type { Runtime } from "./core";

export interface DeletedEntry {
  obj: KvObject;
  deletedDate: number;
  scheduledPurgeDate: number;
}

export interface VaultData {
  live: Record<KvKind, Map<string, KvObject>>;
  deleted: Record<KvKind, Map<string, DeletedEntry>>;
  sorted: Partial<Record<KvKind | `deleted-${KvKind}`, string[]>>;
}

export interface VaultRuntime {
  def: VaultDef;
  port: number;
  origin: string;
  data?: VaultData;
  /** contents were changed since materialisation (then they are never evicted) */
  dirty?: boolean;
  /** bumps on every change of def or data; response caches key on it */
  rev: number;
  cacheRev: number;
  cache: Map<string, Buffer>;
  authCache: Map<string, boolean>;
  /** static response headers of this vault's data plane */
  headers: Record<string, string>;
}

export const KINDS: KvKind[] = ["secrets", "certificates", "keys"];

export function newVersionId(): string {
  return crypto.randomBytes(16).toString("hex");
}

export function nowS(): number {
  return Math.floor(Date.now() / 1000);
}

// ------------------------------------------------------------------------------------------------------- AWS / GCP

export interface AwsVersion {
  versionId: string;
  value?: string;
  binary?: string;
  stages: string[];
  created: number;
}
export interface AwsSecret {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  tags: { Key: string; Value: string }[];
  versions: AwsVersion[];
  created: number;
  lastChanged: number;
  lastAccessed?: number;
  rotationEnabled: boolean;
  deletedDate?: number;
}
export interface GcpVersion {
  n: number;
  state: 1 | 2 | 3; // ENABLED=1, DISABLED=2, DESTROYED=3
  data: Buffer;
  createTime: number;
  destroyTime?: number;
}
export interface GcpSecret {
  name: string; // projects/<p>/secrets/<id>
  labels: Record<string, string>;
  annotations: Record<string, string>;
  createTime: number;
  expireTime?: number;
  etag: string;
  replication: unknown;
  versions: GcpVersion[];
}

// ------------------------------------------------------------------------------------------------------------ state

export class CloudState {
  vaults: VaultRuntime[] = [];
  vaultsByName = new Map<string, VaultRuntime>();
  vaultsByPort = new Map<number, VaultRuntime>();
  apps: AppDef[] = [];
  /** the estate's sites and container apps, as rotation's reference updates leave them (reset() restores them) */
  sites: SiteDef[] = [];
  containerApps: ContainerAppDef[] = [];
  aws = new Map<string, AwsSecret>();
  gcp = new Map<string, GcpSecret>();
  graphRev = 0;
  /** clean (unmodified) materialised vaults, oldest first; evicted beyond maxMaterialised (they regenerate identically) */
  private clean = new Map<VaultRuntime, true>();
  maxMaterialised = 1500;

  constructor(
    public estate: Estate,
    public rt: Runtime,
  ) {
    this.resetNonVault();
  }

  /** (Re)build apps, AWS, GCP from the estate. Vaults are reset separately (ports survive). */
  resetNonVault() {
    this.apps = structuredClone(this.estate.apps);
    this.sites = structuredClone(this.estate.sites);
    this.containerApps = structuredClone(this.estate.containerApps);
    this.graphRev++;
    this.aws.clear();
    for (const s of this.estate.aws.secrets) this.aws.set(s.name, this.awsFromSeed(s));
    this.gcp.clear();
    for (const s of this.estate.gcp.secrets) {
      const g = this.gcpFromSeed(s);
      this.gcp.set(g.name, g);
    }
  }

  awsArn(name: string): string {
    const suffix = rng(this.estate.spec.seed, "awsarn", name).token(6);
    return `arn:aws:secretsmanager:${this.estate.aws.region}:${this.estate.aws.accountId}:secret:${name}-${suffix}`;
  }

  private awsFromSeed(s: AwsSecretSeed): AwsSecret {
    const r = rng(this.estate.spec.seed, "awsver", s.name);
    const versions: AwsVersion[] = s.values.map((v, i) => ({
      versionId: r.guid(),
      value: v,
      stages: i === s.values.length - 1 ? ["AWSCURRENT"] : i === s.values.length - 2 ? ["AWSPREVIOUS"] : [],
      created: s.createdDate + i * 30 * DAY,
    }));
    return {
      arn: this.awsArn(s.name),
      name: s.name,
      description: s.description,
      tags: s.tags.map((t) => ({ ...t })),
      versions,
      created: s.createdDate,
      lastChanged: versions[versions.length - 1].created,
      rotationEnabled: s.rotationEnabled,
    };
  }

  private gcpFromSeed(s: GcpSecretSeed): GcpSecret {
    const name = `projects/${this.estate.gcp.projectId}/secrets/${s.secretId}`;
    return {
      name,
      labels: { ...s.labels },
      annotations: {},
      createTime: s.createTime,
      expireTime: s.expireTime,
      etag: `"${rng(name).hex(14)}"`,
      replication: { automatic: {} },
      versions: s.values.map((v, i) => ({
        n: i + 1,
        state: 1,
        data: Buffer.from(v),
        createTime: s.createTime + i * 30 * DAY,
      })),
    };
  }

  // vaults --------------------------------------------------------------------------------------------------------
  addVaultRuntime(def: VaultDef, port: number): VaultRuntime {
    const v: VaultRuntime = {
      def,
      port,
      origin: `https://127.0.0.1:${port}`,
      rev: 0,
      cacheRev: 0,
      cache: new Map(),
      authCache: new Map(),
      headers: {
        "x-ms-keyvault-service-version": "1.9.0.0",
        "x-ms-keyvault-region": def.location,
        "x-ms-keyvault-network-info": "conn_type=Ipv4;addr=127.0.0.1;act_addr_fam=InterNetwork;",
      },
    };
    this.vaults.push(v);
    this.vaultsByName.set(def.name, v);
    this.vaultsByPort.set(port, v);
    return v;
  }

  removeVaultRuntime(name: string): VaultRuntime | undefined {
    const v = this.vaultsByName.get(name);
    if (!v) return undefined;
    this.vaults = this.vaults.filter((x) => x !== v);
    this.vaultsByName.delete(name);
    this.vaultsByPort.delete(v.port);
    return v;
  }

  touch(v: VaultRuntime) {
    v.rev++;
    v.authCache.clear();
  }

  data(v: VaultRuntime): VaultData {
    if (v.data) {
      if (!v.dirty && this.clean.has(v)) {
        this.clean.delete(v);
        this.clean.set(v, true);
      }
      return v.data;
    }
    if (!v.dirty) {
      this.clean.set(v, true);
      while (this.clean.size > this.maxMaterialised) {
        const oldest = this.clean.keys().next().value as VaultRuntime;
        this.clean.delete(oldest);
        oldest.data = undefined;
        oldest.cache.clear();
      }
    }
    const m = v.def.seeded ? materialiseVault(this.estate, v.def) : { secrets: [], certificates: [], keys: [] };
    const live = {
      secrets: new Map<string, KvObject>(),
      certificates: new Map<string, KvObject>(),
      keys: new Map<string, KvObject>(),
    };
    for (const o of m.secrets) live.secrets.set(o.name, o);
    for (const o of m.keys) live.keys.set(o.name, o);
    for (const c of m.certificates) this.putCertificate(live, c);
    v.data = { live, deleted: { secrets: new Map(), certificates: new Map(), keys: new Map() }, sorted: {} };
    return v.data;
  }

  /** add a certificate plus its managed backing secret and key (which share the version objects) */
  putCertificate(live: VaultData["live"], c: KvObject) {
    live.certificates.set(c.name, c);
    live.secrets.set(c.name, { name: c.name, versions: c.versions, managed: true, policy: c.policy });
    live.keys.set(c.name, { name: c.name, versions: c.versions, managed: true, policy: c.policy });
  }

  sortedNames(v: VaultRuntime, kind: KvKind, deleted: boolean): string[] {
    const d = this.data(v);
    const key = (deleted ? `deleted-${kind}` : kind) as keyof VaultData["sorted"];
    let s = d.sorted[key];
    if (!s) {
      s = [...(deleted ? d.deleted[kind] : d.live[kind]).keys()].sort((a, b) =>
        a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0,
      );
      d.sorted[key] = s;
    }
    return s;
  }

  invalidate(v: VaultRuntime) {
    if (v.data) v.data.sorted = {};
    v.dirty = true;
    this.clean.delete(v);
    this.touch(v);
  }

  /** forget contents (reset) */
  forget(v: VaultRuntime) {
    v.data = undefined;
    v.dirty = false;
    this.clean.delete(v);
    v.cache.clear();
    this.touch(v);
  }

  /** lazily generate DER / x5t for a certificate version */
  certDer(ver: KvVersion): { der: Buffer; x5t: string } {
    const c = ver.cert!;
    if (!c.der) {
      c.der = makeCertDer({
        subject: c.subject,
        sans: c.sans,
        issuer: c.issuer,
        nbf: ver.nbf ?? ver.created,
        exp: ver.exp ?? ver.created + 365 * DAY,
        serialHex: ver.version,
        key: c.privateKey,
      });
      c.x5t = x5tOf(c.der);
    }
    return { der: c.der, x5t: c.x5t! };
  }

  /** value of a managed (certificate-backing) secret: PEM of the certificate, preceded by a canary line */
  managedSecretValue(ver: KvVersion): string {
    return `${CANARY_PREFIX}M${ver.version}\n${derToPem(this.certDer(ver).der)}`;
  }

  // helpers for control ------------------------------------------------------------------------------------------
  vault(name: string): VaultRuntime {
    const v = this.vaultsByName.get(name);
    if (!v) throw new Error(`no vault named '${name}'`);
    return v;
  }

  app(idOrAppId: string): AppDef {
    const a = this.apps.find((x) => x.id === idOrAppId || x.appId === idOrAppId || x.displayName === idOrAppId);
    if (!a) throw new Error(`no application '${idOrAppId}'`);
    return a;
  }

  addPassword(
    app: AppDef,
    displayName: string | null,
    endDateTime?: string | null,
    startDateTime?: string,
  ): PasswordCredentialDef {
    const r = rng(crypto.randomBytes(8).toString("hex"));
    const start = startDateTime ? Math.floor(Date.parse(startDateTime) / 1000) : nowS();
    const end =
      endDateTime === null ? null : endDateTime ? Math.floor(Date.parse(endDateTime) / 1000) : start + 2 * 365 * DAY;
    const cred = makePassword(r, start, end, displayName);
    app.passwordCredentials.push(cred);
    this.graphRev++;
    return cred;
  }
}

// ---------------------------------------------------------------------------------------------------- attributes

export function recoveryLevel(def: VaultDef): string {
  if (!def.enableSoftDelete) return "Purgeable";
  const custom = def.softDeleteRetentionInDays < 90;
  if (def.enablePurgeProtection) return custom ? "CustomizedRecoverable" : "Recoverable";
  return custom ? "CustomizedRecoverable+Purgeable" : "Recoverable+Purgeable";
}

export function permissionsAllow(
  policies: AccessPolicy[],
  oid: string,
  kind: KvKind,
  perm: string,
): "ok" | "not-found" | "missing" {
  const mine = policies.filter((p) => p.objectId === oid);
  if (!mine.length) return "not-found";
  for (const p of mine) {
    const list = (p.permissions as Record<string, string[] | undefined>)[kind] ?? [];
    if (list.some((x) => x.toLowerCase() === perm.toLowerCase() || x.toLowerCase() === "all")) return "ok";
  }
  return "missing";
}

export function ipv4InCidr(ip: string, cidr: string): boolean {
  const [base, bitsS] = cidr.split("/");
  const bits = bitsS === undefined ? 32 : Number(bitsS);
  const toInt = (s: string) => s.split(".").reduce((a, b) => (a << 8) + (Number(b) & 255), 0) >>> 0;
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(base)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(ip) & mask) === (toInt(base) & mask);
}

/** Is the scanner (client 127.0.0.1) let through the vault's network rules? */
export function networkVerdict(def: VaultDef, clientIp = "127.0.0.1"): "ok" | "firewall" | "public-disabled" {
  if (def.publicNetworkAccess === "Disabled")
    return def.privateLinkReachable && def.privateEndpointConnections.some((p) => p.status === "Approved")
      ? "ok"
      : "public-disabled";
  const acl = def.networkAcls;
  if (!acl || acl.defaultAction === "Allow") return "ok";
  if (acl.ipRules.some((r) => ipv4InCidr(clientIp, r.value))) return "ok";
  return "firewall";
}
