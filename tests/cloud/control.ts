// In-process control API (also served as JSON over HTTP by services/control-http.ts).
import crypto from "node:crypto";
import {
  mergeThrottling,
  type DeepPartial,
  type FaultRule,
  type LatencyConfig,
  type LogEntry,
  type Runtime,
  type ThrottlingConfig,
} from "./core";
import {
  DAY,
  ROLE_DATA_ACTIONS,
  type AccessPolicy,
  type Identity,
  type KvKind,
  type KvVersion,
  type VaultDef,
  type VaultAccess,
  type VaultFirewall,
  type DiagnosticSettingDef,
  type PasswordCredentialDef,
  type SiteSettingDef,
} from "./estate";
import { networkVerdict, nowS, type CloudState, type VaultRuntime } from "./state";
import { containerAppSecrets, renderSetting } from "./services/arm";
import { controlSetSecret } from "./services/keyvault";
import { registerCertificate } from "./services/entra";

export interface AddVaultInput {
  name: string;
  subscriptionId?: string;
  resourceGroup?: string;
  location?: string;
  rbac?: boolean;
  access?: VaultAccess;
  firewall?: VaultFirewall;
  softDelete?: boolean;
  purgeProtection?: boolean;
  diagnostics?: boolean;
  tags?: Record<string, string>;
  /** seed it with generated contents like estate vaults (default false: empty vault) */
  seeded?: boolean;
}

export interface VaultSummary {
  name: string;
  id: string;
  vaultUri: string;
  port: number;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  rbac: boolean;
  access: VaultAccess;
  firewall: VaultFirewall;
  reachable: boolean;
  softDelete: boolean;
  purgeProtection: boolean;
  diagnostics: boolean;
  counts: { secrets: number; certificates: number; keys: number };
}

export class Control {
  constructor(
    private s: CloudState,
    private rt: Runtime,
    private hooks: {
      addVaultListener: (def: VaultDef) => Promise<VaultRuntime>;
      removeVaultListener: (v: VaultRuntime) => Promise<void>;
      identities: Identity[];
      resetAll: () => void;
    },
  ) {}

  // ---- observation ---------------------------------------------------------------------------------------------
  /** counters: byOp, byVault, byService, total (HTTP requests), batchItems (Graph batch items, in byOp only) */
  counters() {
    return this.rt.snapshotCounters();
  }
  /** count for one operation (optionally one vault); glob allowed in op ('kv.secrets.*') */
  count(op: string, vault?: string): number {
    const snap = this.rt.snapshotCounters();
    const re = new RegExp(
      "^" +
        op
          .split("*")
          .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*") +
        "$",
    );
    const src = vault ? (snap.byVault[vault] ?? {}) : snap.byOp;
    return Object.entries(src)
      .filter(([k]) => re.test(k))
      .reduce((a, [, v]) => a + v, 0);
  }
  resetCounters() {
    this.rt.resetCounters();
    this.rt.clearLog();
  }
  log(filter: { limit?: number; service?: string; op?: string; vault?: string } = {}): LogEntry[] {
    return this.rt.entries(filter);
  }

  /** process stats of the cloud (CPU µs, memory bytes) — the benchmark uses CPU per request */
  stats() {
    const c = process.cpuUsage();
    const m = process.memoryUsage();
    return {
      cpuUserMicros: c.user,
      cpuSystemMicros: c.system,
      rss: m.rss,
      heapUsed: m.heapUsed,
      materialisedVaults: this.s.vaults.filter((v) => v.data).length,
      uptimeSeconds: process.uptime(),
    };
  }

  /**
   * Builds the DER of every certificate version of the estate now, instead of on its first request. Key Vault has a
   * certificate long before anyone reads it; the stand-in makes it when first asked, and in an initial scan of the
   * large estate that work (node-forge and an RSA signature, 0.35–0.85 ms each) ran on the same cores as the scanner
   * it was measuring. `bench:scan` calls this before its measured runs. Vaults stay materialised up to
   * maxMaterialised; beyond that (xl) an evicted vault builds its certificates again when it is next read.
   */
  prepareCertificates(): { vaults: number; versions: number; ms: number } {
    const t0 = performance.now();
    let versions = 0;
    let vaults = 0;
    for (const v of this.s.vaults) {
      if (vaults >= this.s.maxMaterialised) break;
      vaults++;
      for (const o of this.s.data(v).live.certificates.values())
        for (const ver of o.versions) {
          this.s.certDer(ver);
          versions++;
        }
    }
    return { vaults, versions, ms: Math.round(performance.now() - t0) };
  }

  // ---- knobs ---------------------------------------------------------------------------------------------------
  setLatency(l: Partial<LatencyConfig>) {
    this.rt.latency = { ...this.rt.latency, ...l };
    return this.rt.latency;
  }
  getLatency() {
    return this.rt.latency;
  }
  setThrottling(t: boolean | DeepPartial<ThrottlingConfig>) {
    this.rt.throttling = mergeThrottling(this.rt.throttling, t);
    this.rt.resetThrottleState();
    return this.rt.throttling;
  }
  getThrottling() {
    return this.rt.throttling;
  }
  addFault(rule: FaultRule): string {
    return this.rt.addFault(rule);
  }
  removeFault(id: string): boolean {
    return this.rt.removeFault(id);
  }
  /** clears fault rules and injected list items */
  clearFaults() {
    this.rt.clearFaults();
  }
  /**
   * Appends `item` verbatim (no validation, no $select) to the listing (first page; ARM: the last) `op` — one of
   * graph.applications.list, graph.servicePrincipals.list, rg.resources, arm.vaults.list, kv.{secrets|certificates|keys}.list
   * (`vault` = vault name for kv) — until clearFaults()/reset(). For tests of malformed items from the cloud.
   */
  injectListItem(op: string, item: unknown, vault?: string): void {
    this.rt.injectListItem(op, item, vault);
  }
  faults() {
    return this.rt.listFaults();
  }
  /** token for the product identity (or another registered identity) — handy for benchmarks and raw HTTP tests */
  token(resource: string, identity?: string): string {
    const id = identity
      ? [this.s.estate.productIdentity, ...this.hooks.identities].find(
          (i) => i.oid === identity || i.clientId === identity || i.displayName === identity,
        )
      : this.s.estate.productIdentity;
    if (!id) throw new Error(`unknown identity ${identity}`);
    return this.rt.tokens.issue(id, resource).token;
  }
  /** register another (user-assigned) identity the MI endpoint can issue tokens for (?client_id=) */
  addIdentity(i: Partial<Identity> & { displayName: string }): Identity {
    const id: Identity = {
      oid: i.oid ?? crypto.randomUUID(),
      clientId: i.clientId ?? crypto.randomUUID(),
      displayName: i.displayName,
    };
    this.hooks.identities.push(id);
    return id;
  }
  setTokenLifetime(seconds: number) {
    this.rt.tokens.lifetimeSeconds = seconds;
  }

  // ---- estate inspection -----------------------------------------------------------------------------------------
  estate() {
    const e = this.s.estate;
    return {
      name: e.spec.name,
      spec: e.spec,
      now: e.now,
      tenantId: e.tenantId,
      productIdentity: e.productIdentity,
      subscriptions: e.subscriptions,
      vaults: this.s.vaults.length,
      apps: this.s.apps.length,
      aws: { accountId: e.aws.accountId, region: e.aws.region, secrets: this.s.aws.size },
      gcp: { projectId: e.gcp.projectId, projectNumber: e.gcp.projectNumber, secrets: this.s.gcp.size },
    };
  }
  vaults(): VaultSummary[] {
    return this.s.vaults.map((v) => this.summary(v));
  }
  vault(name: string): VaultSummary & { def: VaultDef } {
    const v = this.s.vault(name);
    return { ...this.summary(v), def: v.def };
  }
  private summary(v: VaultRuntime): VaultSummary {
    const d = v.def;
    return {
      name: d.name,
      id: d.id,
      vaultUri: `${v.origin}/`,
      port: v.port,
      subscriptionId: d.subscriptionId,
      resourceGroup: d.resourceGroup,
      location: d.location,
      rbac: d.enableRbacAuthorization,
      access: d.access,
      firewall: d.firewall,
      reachable: networkVerdict(d) === "ok",
      softDelete: d.enableSoftDelete,
      purgeProtection: d.enablePurgeProtection,
      // what a scan's summary says: some setting has an enabled log (a metrics-only setting is not resource logs)
      diagnostics: d.diagnostics.some((x) => x.logs.some((l) => l.enabled)),
      counts: v.data
        ? {
            secrets: [...v.data.live.secrets.values()].filter((o) => !o.managed).length,
            certificates: v.data.live.certificates.size,
            keys: [...v.data.live.keys.values()].filter((o) => !o.managed).length,
          }
        : d.counts,
    };
  }
  /** names of the live objects of one kind (materialises the vault) */
  objects(vault: string, kind: KvKind = "secrets", opts: { includeManaged?: boolean } = {}): string[] {
    const v = this.s.vault(vault);
    return [...this.s.data(v).live[kind].values()]
      .filter((o) => opts.includeManaged || !o.managed)
      .map((o) => o.name)
      .sort();
  }
  /** full object (all versions, values included) — test-side only */
  object(vault: string, kind: KvKind, name: string) {
    const v = this.s.vault(vault);
    const o = this.s.data(v).live[kind].get(name);
    if (!o) throw new Error(`no ${kind} '${name}' in ${vault}`);
    return o;
  }
  deletedObjects(vault: string, kind: KvKind = "secrets"): string[] {
    return [...this.s.data(this.s.vault(vault)).deleted[kind].keys()].sort();
  }
  /** current (or given version) value of a secret — for rotation tests */
  secretValue(vault: string, name: string, version?: string): string {
    const o = this.object(vault, "secrets", name);
    const ver = version ? o.versions.find((x) => x.version === version) : o.versions[o.versions.length - 1];
    if (!ver) throw new Error(`no version ${version} of ${name}`);
    return o.managed ? this.s.managedSecretValue(ver) : (ver.value ?? "");
  }
  /** every generated canary-carrying value currently held anywhere (KV, Graph secretText, AWS, GCP) */
  allSecretValues(opts: { materialise?: boolean } = {}): string[] {
    const out: string[] = [];
    for (const v of this.s.vaults) {
      if (!v.data && !opts.materialise) continue;
      for (const o of this.s.data(v).live.secrets.values())
        if (!o.managed) for (const ver of o.versions) if (ver.value) out.push(ver.value);
    }
    for (const a of this.s.apps)
      for (const c of [...a.passwordCredentials, ...a.sp.passwordCredentials]) out.push(c.secretText);
    for (const x of this.s.aws.values()) for (const v of x.versions) if (v.value) out.push(v.value);
    for (const x of this.s.gcp.values()) for (const v of x.versions) out.push(v.data.toString("utf8"));
    return out;
  }

  // ---- mutation: Key Vault ---------------------------------------------------------------------------------------
  setSecret(
    vault: string,
    name: string,
    value: string,
    opts: { contentType?: string; tags?: Record<string, string>; exp?: number; nbf?: number; enabled?: boolean } = {},
  ): KvVersion {
    return controlSetSecret(this.s, this.s.vault(vault), name, value, opts);
  }
  /** change attributes of the current version (exp/nbf/enabled/tags/contentType) */
  updateObject(
    vault: string,
    kind: KvKind,
    name: string,
    patch: {
      exp?: number | null;
      nbf?: number | null;
      enabled?: boolean;
      tags?: Record<string, string>;
      contentType?: string;
    },
  ) {
    const v = this.s.vault(vault);
    const o = this.object(vault, kind, name);
    const ver = o.versions[o.versions.length - 1];
    if (patch.exp !== undefined) ver.exp = patch.exp ?? undefined;
    if (patch.nbf !== undefined) ver.nbf = patch.nbf ?? undefined;
    if (patch.enabled !== undefined) ver.enabled = patch.enabled;
    if (patch.tags) ver.tags = patch.tags;
    if (patch.contentType) ver.contentType = patch.contentType;
    if (ver.cert) {
      ver.cert.der = undefined;
      ver.cert.x5t = undefined;
    }
    ver.updated = nowS();
    this.s.invalidate(v);
    return ver;
  }
  /** delete an object the way the data plane does (soft delete if enabled); purge=true removes it for good */
  deleteObject(vault: string, kind: KvKind, name: string, opts: { purge?: boolean } = {}) {
    const v = this.s.vault(vault);
    const d = this.s.data(v);
    const o = d.live[kind].get(name);
    if (!o) throw new Error(`no ${kind} '${name}' in ${vault}`);
    d.live[kind].delete(name);
    if (kind === "certificates") {
      d.live.secrets.delete(name);
      d.live.keys.delete(name);
    }
    if (v.def.enableSoftDelete && !opts.purge)
      d.deleted[kind].set(name, {
        obj: o,
        deletedDate: nowS(),
        scheduledPurgeDate: nowS() + v.def.softDeleteRetentionInDays * DAY,
      });
    this.s.invalidate(v);
  }
  deleteSecret(vault: string, name: string, opts: { purge?: boolean } = {}) {
    this.deleteObject(vault, "secrets", name, opts);
  }
  /** make a certificate expired: its current version gets exp = at (default now - 1 day) and a matching regenerated DER */
  expireCertificate(vault: string, name: string, at?: number) {
    const exp = at ?? nowS() - DAY;
    const o = this.object(vault, "certificates", name);
    const ver = o.versions[o.versions.length - 1];
    const nbf = Math.min(ver.nbf ?? exp - 365 * DAY, exp - DAY);
    return this.updateObject(vault, "certificates", name, { exp, nbf });
  }
  /** add a certificate (real X.509 with validity [nbf, exp]) */
  addCertificate(
    vault: string,
    name: string,
    opts: { exp?: number; nbf?: number; subject?: string; issuer?: string; tags?: Record<string, string> } = {},
  ) {
    const v = this.s.vault(vault);
    const d = this.s.data(v);
    const now = nowS();
    const exp = opts.exp ?? now + 365 * DAY;
    const nbf = opts.nbf ?? Math.min(now - DAY, exp - 365 * DAY);
    const subject = opts.subject ?? `CN=${name}.contoso.com`;
    const cn = subject.replace(/^CN=/, "").split(",")[0];
    const ver: KvVersion = {
      version: crypto.randomBytes(16).toString("hex"),
      created: now,
      updated: now,
      enabled: true,
      nbf,
      exp,
      contentType: "application/x-pkcs12",
      tags: opts.tags,
      cert: { subject, sans: [cn], issuer: opts.issuer ?? "Self" },
    };
    const existing = d.live.certificates.get(name);
    if (existing) existing.versions.push(ver);
    else
      this.s.putCertificate(d.live, {
        name,
        versions: [ver],
        policy: {
          issuer: opts.issuer ?? "Self",
          subject,
          sans: [cn],
          validityMonths: Math.max(1, Math.round((exp - nbf) / (30 * DAY))),
          keyType: "RSA",
          keySize: 2048,
          exportable: true,
          contentType: "application/x-pkcs12",
          lifetimeAction: { trigger: { lifetime_percentage: 80 }, action: "EmailContacts" },
          created: now,
          updated: now,
        },
      });
    this.s.invalidate(v);
    return ver;
  }

  // ---- mutation: vault (ARM) properties ---------------------------------------------------------------------------
  /** change network rules; reachability from the scanner follows (403 ForbiddenByFirewall / ForbiddenByConnection) */
  setNetworkRules(
    vault: string,
    rules: {
      publicNetworkAccess?: "Enabled" | "Disabled";
      networkAcls?: VaultDef["networkAcls"];
      privateLinkReachable?: boolean;
      firewall?: VaultFirewall;
    },
  ) {
    const v = this.s.vault(vault);
    const d = v.def;
    if (rules.firewall) {
      d.firewall = rules.firewall;
      d.publicNetworkAccess = "Enabled";
      d.privateEndpointConnections = [];
      if (rules.firewall === "open") d.networkAcls = null;
      if (rules.firewall === "allowed")
        d.networkAcls = {
          bypass: "AzureServices",
          defaultAction: "Deny",
          ipRules: [{ value: "127.0.0.1/32" }],
          virtualNetworkRules: [],
        };
      if (rules.firewall === "blocked")
        d.networkAcls = {
          bypass: "AzureServices",
          defaultAction: "Deny",
          ipRules: [{ value: "198.51.100.7/32" }],
          virtualNetworkRules: [],
        };
      if (rules.firewall === "private") {
        d.publicNetworkAccess = "Disabled";
        d.networkAcls = { bypass: "None", defaultAction: "Deny", ipRules: [], virtualNetworkRules: [] };
        d.privateEndpointConnections = [
          {
            id: `${d.id}/privateEndpointConnections/pe-${d.name}`,
            privateEndpointId: `/subscriptions/${d.subscriptionId}/resourceGroups/rg-network/providers/Microsoft.Network/privateEndpoints/pe-${d.name}`,
            status: "Approved",
          },
        ];
      }
    }
    if (rules.publicNetworkAccess) d.publicNetworkAccess = rules.publicNetworkAccess;
    if (rules.networkAcls !== undefined) d.networkAcls = rules.networkAcls;
    if (rules.privateLinkReachable !== undefined) d.privateLinkReachable = rules.privateLinkReachable;
    this.s.touch(v);
    return this.summary(v);
  }
  /** patch other vault properties (soft delete, purge protection, RBAC mode, tags, sku, diagnostics) */
  setVaultProperties(
    vault: string,
    p: Partial<
      Pick<
        VaultDef,
        | "enableSoftDelete"
        | "softDeleteRetentionInDays"
        | "enablePurgeProtection"
        | "enableRbacAuthorization"
        | "tags"
        | "sku"
        | "accessPolicies"
        | "roleAssignments"
      >
    > & { diagnostics?: boolean | DiagnosticSettingDef[] },
  ) {
    const v = this.s.vault(vault);
    const { diagnostics, ...rest } = p;
    Object.assign(v.def, rest);
    if (diagnostics === true)
      v.def.diagnostics = [
        {
          name: "send-to-law",
          workspaceId: `/subscriptions/${v.def.subscriptionId}/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-contoso`,
          logs: [{ categoryGroup: "audit", enabled: true }],
          metrics: [{ category: "AllMetrics", enabled: true }],
        },
      ];
    else if (diagnostics === false) v.def.diagnostics = [];
    else if (Array.isArray(diagnostics)) v.def.diagnostics = diagnostics;
    this.s.touch(v);
    return this.summary(v);
  }
  /** a subscription's Defender for Key Vault plan (Microsoft.Security/pricings/KeyVaults pricingTier) */
  setDefenderPlan(subscriptionId: string, tier: "Standard" | "Free") {
    const sub = this.s.estate.subscriptions.find((x) => x.subscriptionId === subscriptionId.toLowerCase());
    if (!sub) throw new Error(`no subscription ${subscriptionId}`);
    sub.defenderForKeyVault = tier;
  }
  /** product identity's data-plane access on a vault: full (read values), metadata (list only) or none */
  setAccess(vault: string, access: VaultAccess, principalId?: string) {
    const v = this.s.vault(vault);
    const d = v.def;
    const oid = principalId ?? this.s.estate.productIdentity.oid;
    d.roleAssignments = d.roleAssignments.filter((a) => a.principalId !== oid);
    d.accessPolicies = d.accessPolicies.filter((a) => a.objectId !== oid);
    const ra = (role: string) =>
      d.roleAssignments.push({
        id: `${d.id}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`,
        principalId: oid,
        principalType: "ServicePrincipal",
        roleDefinitionName: role,
        scope: d.id,
      });
    if (access === "full") {
      ra("Key Vault Reader");
      ra("Key Vault Secrets User");
      d.accessPolicies.push({
        tenantId: this.s.estate.tenantId,
        objectId: oid,
        permissions: {
          keys: ["get", "list", "getrotationpolicy"],
          secrets: ["get", "list"],
          certificates: ["get", "list"],
        },
      });
    } else if (access === "metadata") {
      ra("Key Vault Reader");
      d.accessPolicies.push({
        tenantId: this.s.estate.tenantId,
        objectId: oid,
        permissions: { keys: ["list"], secrets: ["list"], certificates: ["list"] },
      });
    }
    if (!principalId) d.access = access;
    this.s.touch(v);
    return this.summary(v);
  }
  addRoleAssignment(vault: string, principalId: string, roleDefinitionName: string) {
    if (!ROLE_DATA_ACTIONS[roleDefinitionName])
      throw new Error(`unknown role '${roleDefinitionName}' (known: ${Object.keys(ROLE_DATA_ACTIONS).join(", ")})`);
    const v = this.s.vault(vault);
    const a = {
      id: `${v.def.id}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`,
      principalId,
      principalType: "ServicePrincipal" as const,
      roleDefinitionName,
      scope: v.def.id,
    };
    v.def.roleAssignments.push(a);
    this.s.touch(v);
    return a;
  }
  removeRoleAssignment(vault: string, principalId: string, roleDefinitionName?: string) {
    const v = this.s.vault(vault);
    v.def.roleAssignments = v.def.roleAssignments.filter(
      (a) => !(a.principalId === principalId && (!roleDefinitionName || a.roleDefinitionName === roleDefinitionName)),
    );
    this.s.touch(v);
  }
  setAccessPolicy(vault: string, objectId: string, permissions: AccessPolicy["permissions"] | null) {
    const v = this.s.vault(vault);
    v.def.accessPolicies = v.def.accessPolicies.filter((p) => p.objectId !== objectId);
    if (permissions) v.def.accessPolicies.push({ tenantId: this.s.estate.tenantId, objectId, permissions });
    this.s.touch(v);
  }
  /** add a vault (own data-plane port); visible in ARM, Resource Graph and the data plane at once */
  async addVault(input: AddVaultInput): Promise<VaultSummary> {
    if (this.s.vaultsByName.has(input.name)) throw new Error(`vault '${input.name}' exists`);
    const e = this.s.estate;
    const sub = e.subscriptions.find((x) => x.subscriptionId === input.subscriptionId) ?? e.subscriptions[0];
    const rg = input.resourceGroup ?? "rg-added";
    const id = `/subscriptions/${sub.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${input.name}`;
    const def: VaultDef = {
      index: 100000 + this.s.vaults.length,
      name: input.name,
      subscriptionId: sub.subscriptionId,
      resourceGroup: rg,
      location: input.location ?? "westeurope",
      id,
      tags: input.tags ?? {},
      sku: "standard",
      enableRbacAuthorization: input.rbac ?? true,
      enableSoftDelete: input.softDelete ?? true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: input.purgeProtection ?? false,
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      publicNetworkAccess: "Enabled",
      networkAcls: null,
      privateEndpointConnections: [],
      privateLinkReachable: true,
      diagnostics: [],
      accessPolicies: [],
      roleAssignments: [],
      createdAt: nowS(),
      counts: { secrets: e.spec.secretsPerVault, certificates: e.spec.certificatesPerVault, keys: e.spec.keysPerVault },
      access: input.access ?? "full",
      firewall: input.firewall ?? "open",
      seeded: input.seeded ?? false,
    };
    if (!def.seeded) def.counts = { secrets: 0, certificates: 0, keys: 0 };
    const v = await this.hooks.addVaultListener(def);
    this.setAccess(def.name, def.access);
    if (input.firewall) this.setNetworkRules(def.name, { firewall: input.firewall });
    if (input.diagnostics) this.setVaultProperties(def.name, { diagnostics: true });
    return this.summary(v);
  }
  async removeVault(name: string) {
    const v = this.s.vault(name);
    await this.hooks.removeVaultListener(v);
  }

  // ---- mutation: Graph -------------------------------------------------------------------------------------------
  apps() {
    return this.s.apps.map((a) => ({
      id: a.id,
      appId: a.appId,
      displayName: a.displayName,
      link: a.link,
      passwordCredentials: a.passwordCredentials.map(({ secretText: _s, ...rest }) => rest),
      keyCredentials: a.keyCredentials,
      spId: a.sp.id,
    }));
  }
  app(idOrAppIdOrName: string) {
    return this.s.app(idOrAppIdOrName);
  }
  /** add a client secret to an app (like addPassword); returns it including secretText */
  addAppCredential(
    idOrAppId: string,
    opts: { displayName?: string; endDateTime?: string | null; startDateTime?: string } = {},
  ): PasswordCredentialDef {
    return this.s.addPassword(this.s.app(idOrAppId), opts.displayName ?? null, opts.endDateTime, opts.startDateTime);
  }
  removeAppCredential(idOrAppId: string, keyId: string) {
    const a = this.s.app(idOrAppId);
    a.passwordCredentials = a.passwordCredentials.filter((c) => c.keyId !== keyId);
    this.s.graphRev++;
  }
  /** a certificate version's public certificate (DER, base64), as Key Vault's `cer` */
  certificateCer(vault: string, name: string, version?: string): string {
    const o = this.object(vault, "certificates", name);
    const ver = version ? o.versions.find((v) => v.version === version) : o.versions[o.versions.length - 1];
    if (!ver) throw new Error(`no version '${version}' of ${vault}/${name}`);
    return this.s.certDer(ver).der.toString("base64");
  }
  /**
   * Registers the current version of a Key Vault certificate as a key credential of an app (as an admin uploading its
   * .cer in the portal would); the token endpoint then accepts assertions signed with that version's key.
   */
  addAppCertificate(idOrAppId: string, vault: string, certName: string) {
    const o = this.object(vault, "certificates", certName);
    const ver = o.versions[o.versions.length - 1];
    const x = new crypto.X509Certificate(this.s.certDer(ver).der);
    const cred = registerCertificate(this.s.app(idOrAppId), x);
    this.s.graphRev++;
    return cred;
  }
  /** links between Graph app secrets and Key Vault secrets as generated (vault name, secret name, mode) */
  appLinks() {
    const out: {
      appId: string;
      displayName: string;
      vault: string;
      secretName: string;
      mode: string;
      keyId: string;
    }[] = [];
    for (const [vi, links] of this.s.estate.appLinks) {
      const v = this.s.vaults.find((x) => x.def.index === vi && x.def.seeded);
      for (const l of links)
        out.push({
          appId: l.appId,
          displayName: this.s.estate.apps[l.appIndex].displayName,
          vault: v?.def.name ?? "?",
          secretName: l.secretName,
          mode: l.mode,
          keyId: l.keyId,
        });
    }
    return out;
  }

  // ---- ARM consumers (sites, container apps) ------------------------------------------------------------------------
  /** A site's app settings and connection strings as ARM's list actions render them (values included: test checks). */
  siteConfig(name: string): { settings: Record<string, string>; connectionStrings: Record<string, string> } {
    const site = this.s.sites.find((x) => x.name === name);
    if (!site) throw new Error(`no site '${name}'`);
    const render = (list: SiteSettingDef[]) =>
      Object.fromEntries(list.map((st) => [st.name, renderSetting(this.s, st)]));
    return { settings: render(site.settings), connectionStrings: render(site.connectionStrings) };
  }
  /** A container app's secrets as `listSecrets` returns them. */
  containerAppSecrets(name: string) {
    const ca = this.s.containerApps.find((x) => x.name === name);
    if (!ca) throw new Error(`no container app '${name}'`);
    return containerAppSecrets(this.s, ca);
  }
  /** Adds a plain-value secret to a container app (a PATCH of its secrets must carry it back unchanged). */
  addContainerAppSecret(appName: string, secret: { name: string; value: string }) {
    const ca = this.s.containerApps.find((x) => x.name === appName);
    if (!ca) throw new Error(`no container app '${appName}'`);
    ca.secrets.push({ ...secret });
  }

  // ---- AWS / GCP -------------------------------------------------------------------------------------------------
  awsSecret(name: string) {
    const x = this.s.aws.get(name);
    if (!x) throw new Error(`no AWS secret '${name}'`);
    return x;
  }
  awsSecrets() {
    return [...this.s.aws.keys()].sort();
  }
  gcpSecret(secretId: string) {
    const x = this.s.gcp.get(`projects/${this.s.estate.gcp.projectId}/secrets/${secretId}`);
    if (!x) throw new Error(`no GCP secret '${secretId}'`);
    return x;
  }
  gcpSecrets() {
    return [...this.s.gcp.keys()].map((k) => k.split("/").pop()!).sort();
  }

  // ---- reset -------------------------------------------------------------------------------------------------------
  /** back to the generated estate: contents, apps, AWS, GCP, vault properties; counters, log, faults cleared; added vaults removed */
  reset() {
    this.hooks.resetAll();
  }
}
