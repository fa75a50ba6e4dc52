// Azure Resource Manager (subscriptions, Key Vault vaults, diagnostic settings, Defender pricing, App Service sites and
// app settings, role assignments) and Azure Resource Graph, on one HTTPS origin.
import type { IncomingMessage, ServerResponse } from "node:http";
import { RESOURCES, applyFault, readBody, send, sleep, splitUrl, type Reply } from "../core";
import type { ContainerAppDef, SiteDef, SiteSettingDef, VaultDef } from "../estate";
import type { CloudState, VaultRuntime } from "../state";

export interface ArmOptions {
  origin: () => string;
  pageSize: number;
  rgPageSize: number;
}

/** A request body as JSON, or undefined when it is not JSON (the route answers 400). */
function parseJson(b: Buffer): unknown {
  try {
    return JSON.parse(b.toString("utf8"));
  } catch {
    return undefined;
  }
}

export function armError(status: number, code: string, message: string): Reply {
  return { status, body: { error: { code, message } } };
}

const iso = (unix: number) => new Date(unix * 1000).toISOString().replace("Z", "0000Z");

export function vaultJson(s: CloudState, v: VaultRuntime): Record<string, unknown> {
  const d: VaultDef = v.def;
  const props: Record<string, unknown> = {
    sku: { family: "A", name: d.sku },
    tenantId: s.estate.tenantId,
    accessPolicies: d.accessPolicies,
    enabledForDeployment: d.enabledForDeployment,
    enabledForDiskEncryption: d.enabledForDiskEncryption,
    enabledForTemplateDeployment: d.enabledForTemplateDeployment,
    enableSoftDelete: d.enableSoftDelete,
    softDeleteRetentionInDays: d.softDeleteRetentionInDays,
    enableRbacAuthorization: d.enableRbacAuthorization,
    vaultUri: `${v.origin}/`,
    provisioningState: "Succeeded",
    publicNetworkAccess: d.publicNetworkAccess,
  };
  if (d.enablePurgeProtection) props.enablePurgeProtection = true;
  if (d.networkAcls) props.networkAcls = d.networkAcls;
  if (d.privateEndpointConnections.length) {
    props.privateEndpointConnections = d.privateEndpointConnections.map((p) => ({
      id: p.id,
      etag: "",
      properties: {
        privateEndpoint: { id: p.privateEndpointId },
        privateLinkServiceConnectionState: { status: p.status, description: "Auto-Approved", actionsRequired: "None" },
        provisioningState: "Succeeded",
      },
    }));
  }
  return {
    id: d.id,
    name: d.name,
    type: "Microsoft.KeyVault/vaults",
    location: d.location,
    tags: d.tags,
    systemData: {
      createdBy: "jane.doe@contoso.com",
      createdByType: "User",
      createdAt: iso(d.createdAt),
      lastModifiedBy: "sp-deploy-pipeline",
      lastModifiedByType: "Application",
      lastModifiedAt: iso(d.createdAt + 86400 * 3),
    },
    properties: props,
  };
}

function diagJson(v: VaultRuntime, i: number): Record<string, unknown> {
  const dgs = v.def.diagnostics[i];
  const props: Record<string, unknown> = {};
  if (dgs.storageAccountId !== undefined) props.storageAccountId = dgs.storageAccountId;
  if (dgs.eventHubAuthorizationRuleId !== undefined)
    props.eventHubAuthorizationRuleId = dgs.eventHubAuthorizationRuleId;
  if (dgs.workspaceId !== undefined) props.workspaceId = dgs.workspaceId;
  props.metrics = dgs.metrics.map((m) => ({
    category: m.category,
    enabled: m.enabled,
    retentionPolicy: { enabled: false, days: 0 },
  }));
  props.logs = dgs.logs.map((l) => ({
    ...(l.category ? { category: l.category } : { categoryGroup: l.categoryGroup }),
    enabled: l.enabled,
    retentionPolicy: l.retentionPolicy ?? { enabled: false, days: 0 },
  }));
  props.logAnalyticsDestinationType = null;
  return {
    id: `${v.def.id.toLowerCase()}/providers/microsoft.insights/diagnosticSettings/${dgs.name}`,
    type: "Microsoft.Insights/diagnosticSettings",
    name: dgs.name,
    properties: props,
  };
}

function siteJson(s: CloudState, site: SiteDef): Record<string, unknown> {
  return {
    id: site.id,
    name: site.name,
    type: "Microsoft.Web/sites",
    kind: site.kind,
    location: site.location,
    tags: {},
    identity: { type: "SystemAssigned", principalId: site.principalId, tenantId: s.estate.tenantId },
    properties: {
      name: site.name,
      state: "Running",
      hostNames: [`${site.name}.azurewebsites.net`],
      enabled: true,
      defaultHostName: `${site.name}.azurewebsites.net`,
      httpsOnly: true,
      resourceGroup: site.resourceGroup,
      serverFarmId: `/subscriptions/${site.subscriptionId}/resourceGroups/${site.resourceGroup}/providers/Microsoft.Web/serverfarms/asp-${site.resourceGroup.slice(3)}`,
      keyVaultReferenceIdentity: "SystemAssigned",
    },
  };
}

export function renderSetting(s: CloudState, st: SiteDef["settings"][number]): string {
  if (st.value !== undefined) return st.value;
  const ref = st.ref!;
  const v = s.vaults.find((x) => x.def.index === ref.vaultIndex && x.def.seeded);
  if (!v) return "";
  const version = ref.version ?? (ref.pinned ? pinnedVersion(s, v, ref.secretName) : "");
  if (ref.form === "VaultName")
    return `@Microsoft.KeyVault(VaultName=${v.def.name};SecretName=${ref.secretName}${version ? `;SecretVersion=${version}` : ""})`;
  return `@Microsoft.KeyVault(SecretUri=${secretUrl(v, ref.secretName, version)})`;
}

function secretUrl(v: VaultRuntime, name: string, version: string): string {
  return `${v.origin}/secrets/${name}/${version}`;
}

/** A versioned reference points at the secret's first version (the one it was set up with). */
function pinnedVersion(s: CloudState, v: VaultRuntime, name: string): string {
  return s.data(v).live.secrets.get(name)?.versions[0]?.version ?? "";
}

/** A container app's secrets as `listSecrets` returns them: plain values included, Key Vault ones as their URL. */
export function containerAppSecrets(
  s: CloudState,
  ca: ContainerAppDef,
): { name: string; value?: string; keyVaultUrl?: string; identity?: string }[] {
  return ca.secrets.map((x) => {
    if (x.value !== undefined) return { name: x.name, value: x.value };
    if (x.keyVaultUrl !== undefined) return { name: x.name, keyVaultUrl: x.keyVaultUrl, identity: "system" };
    const ref = x.ref!;
    const v = s.vaults.find((y) => y.def.index === ref.vaultIndex && y.def.seeded);
    const version = ref.pinned && v ? pinnedVersion(s, v, ref.secretName) : "";
    // a versionless keyVaultUrl has no trailing slash, like the portal writes it
    const url = v ? secretUrl(v, ref.secretName, version).replace(/\/$/, "") : "";
    return { name: x.name, keyVaultUrl: url, identity: "system" };
  });
}

function containerAppJson(s: CloudState, ca: ContainerAppDef): Record<string, unknown> {
  // GET never returns a secret's value
  const secrets = containerAppSecrets(s, ca).map((x) => ({
    name: x.name,
    keyVaultUrl: x.keyVaultUrl,
    identity: x.identity,
  }));
  return {
    id: ca.id,
    name: ca.name,
    type: "Microsoft.App/containerApps",
    location: ca.location,
    tags: {},
    identity: { type: "SystemAssigned", principalId: ca.principalId, tenantId: s.estate.tenantId },
    properties: {
      provisioningState: "Succeeded",
      runningStatus: "Running",
      managedEnvironmentId: `/subscriptions/${ca.subscriptionId}/resourceGroups/${ca.resourceGroup}/providers/Microsoft.App/managedEnvironments/cae-${ca.name.slice(3)}`,
      workloadProfileName: "Consumption",
      latestRevisionName: `${ca.name}--r1`,
      latestReadyRevisionName: `${ca.name}--r1`,
      configuration: {
        secrets,
        activeRevisionsMode: "Single",
        ingress: null,
        registries: [],
        dapr: null,
        maxInactiveRevisions: 100,
      },
      template: {
        containers: [
          {
            image: "mcr.microsoft.com/k8se/quickstart:latest",
            name: ca.name,
            env: secrets.map((x) => ({ name: x.name.toUpperCase().replace(/-/g, "_"), secretRef: x.name })),
            resources: { cpu: 0.5, memory: "1Gi", ephemeralStorage: "2Gi" },
          },
        ],
        scale: { minReplicas: 0, maxReplicas: 10 },
      },
    },
  };
}

function subJson(s: CloudState, sub: CloudState["estate"]["subscriptions"][number]) {
  return {
    id: `/subscriptions/${sub.subscriptionId}`,
    subscriptionId: sub.subscriptionId,
    tenantId: s.estate.tenantId,
    displayName: sub.displayName,
    state: sub.state,
    subscriptionPolicies: {
      locationPlacementId: "Public_2014-09-01",
      quotaId: "EnterpriseAgreement_2014-09-01",
      spendingLimit: "Off",
    },
    authorizationSource: "RoleBased",
    managedByTenants: [],
    tags: sub.tags,
  };
}

// ----------------------------------------------------------------------------------------------------- paging util

function pageOf<T>(
  items: T[],
  q: Record<string, string>,
  size: number,
  link: (skip: number) => string,
): { value: T[]; nextLink?: string } {
  const top = q.$top ? Math.max(1, Math.min(1000, Number(q.$top) || size)) : size;
  let skip = 0;
  const tok = q.$skiptoken ?? q.$skipToken;
  if (tok) {
    try {
      skip = Number(JSON.parse(Buffer.from(tok, "base64url").toString()).skip) || 0;
    } catch {
      skip = 0;
    }
  }
  const value = items.slice(skip, skip + top);
  const out: { value: T[]; nextLink?: string } = { value };
  if (skip + top < items.length) out.nextLink = link(skip + top);
  return out;
}

const skipToken = (skip: number) => Buffer.from(JSON.stringify({ skip })).toString("base64url");

// --------------------------------------------------------------------------------------------------------- router

interface ArmRoute {
  op: string;
  subscriptionId?: string;
  vault?: string;
  read: boolean;
  run: () => Reply | Promise<Reply>;
}

export function createArmHandler(s: CloudState, opts: ArmOptions) {
  const rt = s.rt;

  const findSub = (id: string) =>
    s.estate.subscriptions.find((x) => x.subscriptionId.toLowerCase() === id.toLowerCase());
  const vaultsOfSub = (sid: string) => s.vaults.filter((v) => v.def.subscriptionId.toLowerCase() === sid.toLowerCase());
  const findVault = (sid: string, rg: string, name: string) =>
    s.vaults.find(
      (v) =>
        v.def.subscriptionId.toLowerCase() === sid.toLowerCase() &&
        v.def.resourceGroup.toLowerCase() === rg.toLowerCase() &&
        v.def.name.toLowerCase() === name.toLowerCase(),
    );
  /** A site or container app by subscription, resource group and name (case-insensitive, as ARM) */
  const findIn = <T extends { subscriptionId: string; resourceGroup: string; name: string }>(
    list: T[],
    sid: string,
    rg: string,
    name: string,
  ) =>
    list.find(
      (x) =>
        x.subscriptionId.toLowerCase() === sid.toLowerCase() &&
        x.resourceGroup.toLowerCase() === rg.toLowerCase() &&
        x.name.toLowerCase() === name.toLowerCase(),
    );
  /** ARM's 404 for a resource, with an op for its GET */
  const resourceRoute = (
    type: string,
    name: string,
    rg: string,
    sid: string,
    withSub: (r: () => Reply) => () => Reply | Promise<Reply>,
  ) => {
    const nf = armError(
      404,
      "ResourceNotFound",
      `The Resource '${type}/${name}' under resource group '${rg}' was not found.`,
    );
    const get = (op: string, json: (() => Record<string, unknown>) | null): ArmRoute => ({
      op,
      subscriptionId: sid,
      read: true,
      run: withSub(() => (json ? { status: 200, body: json() } : nf)),
    });
    return { nf, get };
  };
  const subNotFound = (sid: string) =>
    armError(404, "SubscriptionNotFound", `The subscription '${sid}' could not be found.`);
  const vaultNotFound = (name: string, rg: string) =>
    armError(
      404,
      "ResourceNotFound",
      `The Resource 'Microsoft.KeyVault/vaults/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );

  function route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: () => Promise<Buffer>,
  ): ArmRoute | null {
    const p = path.replace(/\/+$/, "");
    const lp = p.toLowerCase();
    const seg = p.split("/"); // ["", "subscriptions", sid, ...]
    const lseg = lp.split("/");
    const apiVersion = query["api-version"] ?? "";
    const self = (rel: string, skip: number) =>
      `${opts.origin()}${rel}?api-version=${encodeURIComponent(apiVersion)}&$skiptoken=${skipToken(skip)}${query.$top ? `&$top=${query.$top}` : ""}`;

    if (lp === "/providers/microsoft.resourcegraph/resources" && method === "POST") {
      return { op: "rg.resources", read: true, run: async () => resourceGraph(await body()) };
    }
    if (lp === "/subscriptions" && method === "GET") {
      return {
        op: "arm.subscriptions.list",
        read: true,
        run: () => ({
          status: 200,
          body: pageOf(
            s.estate.subscriptions.map((x) => subJson(s, x)),
            query,
            100,
            (k) => self("/subscriptions", k),
          ),
        }),
      };
    }
    if (lseg[1] !== "subscriptions" || !seg[2]) return null;
    const sid = seg[2];
    const sub = findSub(sid);
    if (seg.length === 3 && method === "GET")
      return {
        op: "arm.subscriptions.get",
        subscriptionId: sid,
        read: true,
        run: () => (sub ? { status: 200, body: subJson(s, sub) } : subNotFound(sid)),
      };
    const rest = lseg.slice(3).join("/");
    const withSub = (r: () => Reply | Promise<Reply>) => () => (sub ? r() : subNotFound(sid));

    if (rest === "providers/microsoft.keyvault/vaults" && method === "GET") {
      return {
        op: "arm.vaults.list",
        subscriptionId: sid,
        read: true,
        run: withSub(() => ({
          status: 200,
          body: pageOf(
            [
              ...vaultsOfSub(sid).map((v) => vaultJson(s, v)),
              ...(rt.injectedFor("arm.vaults.list") as ReturnType<typeof vaultJson>[]),
            ],
            query,
            opts.pageSize,
            (k) => self(`/subscriptions/${sid}/providers/Microsoft.KeyVault/vaults`, k),
          ),
        })),
      };
    }
    if (rest === "resources" && method === "GET") {
      // generic resource list (used by KeyVaultManagementClient.vaults.list()); only vault filtering is modelled
      return {
        op: "arm.resources.list",
        subscriptionId: sid,
        read: true,
        run: withSub(() => {
          const f = (query.$filter ?? "").toLowerCase();
          const items =
            f && !f.includes("microsoft.keyvault/vaults")
              ? []
              : vaultsOfSub(sid).map((v) => ({
                  id: v.def.id,
                  name: v.def.name,
                  type: "Microsoft.KeyVault/vaults",
                  location: v.def.location,
                  tags: v.def.tags,
                }));
          return {
            status: 200,
            body: pageOf(
              items,
              query,
              opts.pageSize,
              (k) =>
                self(`/subscriptions/${sid}/resources`, k) +
                (query.$filter ? `&$filter=${encodeURIComponent(query.$filter)}` : ""),
            ),
          };
        }),
      };
    }
    if (rest === "providers/microsoft.security/pricings/keyvaults" && method === "GET") {
      return {
        op: "arm.security.pricings.get",
        subscriptionId: sid,
        read: true,
        run: withSub(() => ({ status: 200, body: pricingJson(sid, sub!.defenderForKeyVault) })),
      };
    }
    if (rest === "providers/microsoft.security/pricings" && method === "GET") {
      return {
        op: "arm.security.pricings.list",
        subscriptionId: sid,
        read: true,
        run: withSub(() => ({ status: 200, body: { value: [pricingJson(sid, sub!.defenderForKeyVault)] } })),
      };
    }
    if (rest === "providers/microsoft.app/containerapps" && method === "GET") {
      return {
        op: "arm.containerApps.list",
        subscriptionId: sid,
        read: true,
        run: withSub(() => ({
          status: 200,
          body: pageOf(
            s.containerApps.filter((x) => x.subscriptionId === sub!.subscriptionId).map((x) => containerAppJson(s, x)),
            query,
            opts.pageSize,
            (k) => self(`/subscriptions/${sid}/providers/Microsoft.App/containerApps`, k),
          ),
        })),
      };
    }
    if (rest === "providers/microsoft.web/sites" && method === "GET") {
      return {
        op: "arm.sites.list",
        subscriptionId: sid,
        read: true,
        run: withSub(() => ({
          status: 200,
          body: pageOf(
            s.sites.filter((x) => x.subscriptionId === sub!.subscriptionId).map((x) => siteJson(s, x)),
            query,
            opts.pageSize,
            (k) => self(`/subscriptions/${sid}/providers/Microsoft.Web/sites`, k),
          ),
        })),
      };
    }
    // resource group scoped
    if (lseg[3] === "resourcegroups" && seg[4]) {
      const rg = seg[4];
      const prov = lseg.slice(5).join("/");
      if (prov === "providers/microsoft.keyvault/vaults" && method === "GET") {
        return {
          op: "arm.vaults.listByResourceGroup",
          subscriptionId: sid,
          read: true,
          run: withSub(() => ({
            status: 200,
            body: pageOf(
              vaultsOfSub(sid)
                .filter((v) => v.def.resourceGroup.toLowerCase() === rg.toLowerCase())
                .map((v) => vaultJson(s, v)),
              query,
              opts.pageSize,
              (k) => self(`/subscriptions/${sid}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults`, k),
            ),
          })),
        };
      }
      if (lseg[5] === "providers" && lseg[6] === "microsoft.keyvault" && lseg[7] === "vaults" && seg[8]) {
        const name = seg[8];
        const tail = lseg.slice(9).join("/");
        const v = findVault(sid, rg, name);
        const vault = v?.def.name;
        if (tail === "" && method === "GET")
          return {
            op: "arm.vaults.get",
            subscriptionId: sid,
            vault,
            read: true,
            run: withSub(() => (v ? { status: 200, body: vaultJson(s, v) } : vaultNotFound(name, rg))),
          };
        if (tail === "providers/microsoft.insights/diagnosticsettings" && method === "GET") {
          return {
            op: "arm.diagnosticSettings.list",
            subscriptionId: sid,
            vault,
            read: true,
            run: withSub(() =>
              v
                ? { status: 200, body: { value: v.def.diagnostics.map((_, i) => diagJson(v, i)) } }
                : vaultNotFound(name, rg),
            ),
          };
        }
        if (
          lseg[9] === "providers" &&
          lseg[10] === "microsoft.insights" &&
          lseg[11] === "diagnosticsettings" &&
          seg[12] &&
          method === "GET"
        ) {
          return {
            op: "arm.diagnosticSettings.get",
            subscriptionId: sid,
            vault,
            read: true,
            run: withSub(() => {
              if (!v) return vaultNotFound(name, rg);
              const i = v.def.diagnostics.findIndex((x) => x.name.toLowerCase() === seg[12].toLowerCase());
              return i < 0
                ? armError(404, "ResourceNotFound", `The diagnostic setting '${seg[12]}' doesn't exist.`)
                : { status: 200, body: diagJson(v, i) };
            }),
          };
        }
        if (tail === "providers/microsoft.authorization/roleassignments" && method === "GET") {
          return {
            op: "arm.roleAssignments.list",
            subscriptionId: sid,
            vault,
            read: true,
            run: withSub(() =>
              v
                ? {
                    status: 200,
                    body: {
                      value: v.def.roleAssignments.map((a) => ({
                        id: a.id,
                        type: "Microsoft.Authorization/roleAssignments",
                        name: a.id.split("/").pop(),
                        properties: {
                          roleDefinitionId: `/subscriptions/${v.def.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleDefId(a.roleDefinitionName)}`,
                          principalId: a.principalId,
                          principalType: a.principalType,
                          scope: a.scope,
                        },
                      })),
                    },
                  }
                : vaultNotFound(name, rg),
            ),
          };
        }
        if (tail === "privateendpointconnections" && method === "GET") {
          return {
            op: "arm.privateEndpointConnections.list",
            subscriptionId: sid,
            vault,
            read: true,
            run: withSub(() =>
              v
                ? {
                    status: 200,
                    body: {
                      value: (vaultJson(s, v).properties as Record<string, unknown>).privateEndpointConnections ?? [],
                    },
                  }
                : vaultNotFound(name, rg),
            ),
          };
        }
        return null;
      }
      if (lseg[5] === "providers" && lseg[6] === "microsoft.app" && lseg[7] === "containerapps" && seg[8]) {
        const ca = findIn(s.containerApps, sid, rg, seg[8]);
        const tail = lseg.slice(9).join("/");
        const res = resourceRoute("Microsoft.App/containerApps", seg[8], rg, sid, withSub);
        const nf = res.nf;
        if (tail === "" && method === "GET")
          return res.get("arm.containerApps.get", ca ? () => containerAppJson(s, ca) : null);
        if (tail === "listsecrets" && method === "POST")
          return {
            op: "arm.containerApps.listSecrets",
            subscriptionId: sid,
            read: false,
            run: withSub(() => (ca ? { status: 200, body: { value: containerAppSecrets(s, ca) } } : nf)),
          };
        if (tail === "" && method === "PATCH")
          return {
            op: "arm.containerApps.update",
            subscriptionId: sid,
            read: false,
            run: withSub(async () => {
              if (!ca) return nf;
              const parsed = parseJson(await body()) as
                { properties?: { configuration?: { secrets?: unknown } } } | undefined;
              const list = parsed?.properties?.configuration?.secrets;
              if (list !== undefined) {
                if (!Array.isArray(list))
                  return armError(400, "ContainerAppInvalidSecrets", "'secrets' must be an array.");
                const next: ContainerAppDef["secrets"] = [];
                for (const x of list as { name?: unknown; value?: unknown; keyVaultUrl?: unknown }[]) {
                  if (typeof x?.name !== "string")
                    return armError(400, "ContainerAppInvalidSecrets", "Every secret needs a name.");
                  // a secret sent without a value or a keyVaultUrl is refused, as ARM does: a PATCH replaces the list
                  if (typeof x.keyVaultUrl === "string") next.push({ name: x.name, keyVaultUrl: x.keyVaultUrl });
                  else if (typeof x.value === "string") next.push({ name: x.name, value: x.value });
                  else
                    return armError(
                      400,
                      "ContainerAppSecretInvalid",
                      `Secret '${x.name}' must have either a value or a keyVaultUrl.`,
                    );
                }
                ca.secrets = next;
              }
              return { status: 200, body: containerAppJson(s, ca) };
            }),
          };
        return null;
      }
      if (lseg[5] === "providers" && lseg[6] === "microsoft.web" && lseg[7] === "sites" && seg[8]) {
        const site = findIn(s.sites, sid, rg, seg[8]);
        const tail = lseg.slice(9).join("/");
        const res = resourceRoute("Microsoft.Web/sites", seg[8], rg, sid, withSub);
        const nf = res.nf;
        if (tail === "" && method === "GET") return res.get("arm.sites.get", site ? () => siteJson(s, site) : null);
        if (tail === "config/connectionstrings/list" && method === "POST") {
          return {
            op: "arm.sites.connectionstrings.list",
            subscriptionId: sid,
            read: false,
            run: withSub(() => {
              if (!site) return nf;
              const props: Record<string, { value: string; type: string }> = {};
              for (const st of site.connectionStrings)
                props[st.name] = { value: renderSetting(s, st), type: st.type ?? "Custom" };
              return {
                status: 200,
                body: {
                  id: `${site.id}/config/connectionstrings`,
                  name: "connectionstrings",
                  type: "Microsoft.Web/sites/config",
                  kind: site.kind,
                  location: site.location,
                  properties: props,
                },
              };
            }),
          };
        }
        if ((tail === "config/appsettings" || tail === "config/connectionstrings") && method === "PUT") {
          const conn = tail === "config/connectionstrings";
          return {
            op: conn ? "arm.sites.connectionstrings.update" : "arm.sites.appsettings.update",
            subscriptionId: sid,
            read: false,
            run: withSub(async () => {
              if (!site) return nf;
              const parsed = parseJson(await body()) as { properties?: Record<string, unknown> } | undefined;
              const props = parsed?.properties;
              if (!props || typeof props !== "object")
                return armError(400, "BadRequest", "The request body must carry 'properties'.");
              const next: SiteSettingDef[] = [];
              for (const [name, v] of Object.entries(props)) {
                const value = conn ? (v as { value?: unknown } | null)?.value : v;
                if (typeof value !== "string")
                  return armError(400, "BadRequest", `The value of '${name}' must be a string.`);
                next.push({
                  name,
                  value,
                  ...(conn ? { type: String((v as { type?: unknown }).type ?? "Custom") } : {}),
                });
              }
              // PUT replaces the whole list, as ARM does
              if (conn) site.connectionStrings = next;
              else site.settings = next;
              return {
                status: 200,
                body: {
                  id: `${site.id}/${tail}`,
                  name: tail.slice(7),
                  type: "Microsoft.Web/sites/config",
                  kind: site.kind,
                  location: site.location,
                  properties: props,
                },
              };
            }),
          };
        }
        if (tail === "config/appsettings/list" && method === "POST") {
          return {
            op: "arm.sites.appsettings.list",
            subscriptionId: sid,
            read: false,
            run: withSub(() => {
              if (!site) return nf;
              const props: Record<string, string> = {};
              for (const st of site.settings) props[st.name] = renderSetting(s, st);
              return {
                status: 200,
                body: {
                  id: `${site.id}/config/appsettings`,
                  name: "appsettings",
                  type: "Microsoft.Web/sites/config",
                  kind: site.kind,
                  location: site.location,
                  properties: props,
                },
              };
            }),
          };
        }
        return null;
      }
    }
    return null;
  }

  function pricingJson(sid: string, tier: "Standard" | "Free") {
    // as api-version 2024-01-01 returns it (contract-tested against GetPricingByNameDns_example.json)
    const props: Record<string, unknown> = { pricingTier: tier, freeTrialRemainingTime: "PT0S" };
    if (tier === "Standard") {
      props.subPlan = "PerKeyVault";
      props.enablementTime = "2024-03-01T09:00:00.0000000Z";
    }
    props.enforce = "False";
    props.resourcesCoverageStatus = tier === "Standard" ? "FullyCovered" : "NotCovered";
    return {
      id: `/subscriptions/${sid}/providers/Microsoft.Security/pricings/KeyVaults`,
      name: "KeyVaults",
      type: "Microsoft.Security/pricings",
      properties: props,
    };
  }

  function resourceGraph(raw: Buffer): Reply {
    let req: { subscriptions?: string[]; query?: string; options?: Record<string, unknown> };
    try {
      req = JSON.parse(raw.toString("utf8"));
    } catch {
      return armError(400, "BadRequest", "The request content was invalid and could not be deserialized.");
    }
    const q = (req.query ?? "").replace(/\s+/g, " ").trim();
    if (!/^resources\b/i.test(q) || !/type\s*(=~|==)\s*['"]microsoft\.keyvault\/vaults['"]/i.test(q)) {
      return {
        status: 400,
        body: {
          error: {
            code: "BadRequest",
            message:
              "Please provide below info when asking for support: timestamp, correlationId. Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.",
            details: [
              {
                code: "UnsupportedQuery",
                message:
                  "The local cloud only recognises the Key Vault listing query family: resources | where type =~ 'microsoft.keyvault/vaults' [| project ...]",
              },
            ],
          },
        },
      };
    }
    const subs = req.subscriptions?.map((x) => x.toLowerCase());
    const rows = s.vaults
      .filter((v) => !subs || subs.includes(v.def.subscriptionId.toLowerCase()))
      .sort((a, b) => (a.def.id.toLowerCase() < b.def.id.toLowerCase() ? -1 : 1))
      .map((v) => {
        const j = vaultJson(s, v);
        return {
          id: v.def.id,
          name: v.def.name,
          type: "microsoft.keyvault/vaults",
          tenantId: s.estate.tenantId,
          kind: "",
          location: v.def.location,
          resourceGroup: v.def.resourceGroup.toLowerCase(),
          subscriptionId: v.def.subscriptionId,
          managedBy: "",
          sku: null,
          plan: null,
          properties: j.properties,
          tags: v.def.tags,
          identity: null,
          zones: null,
          extendedLocation: null,
        } as Record<string, unknown>;
      });
    const proj = /\|\s*project\s+([^|]+)/i.exec(q);
    let cols = proj
      ? proj[1]
          .split(",")
          .map((c) => c.trim())
          .filter(Boolean)
      : null;
    if (cols) cols = cols.map((c) => c.split("=")[0].trim());
    const data = cols ? rows.map((r) => Object.fromEntries(cols!.map((c) => [c, r[c] ?? null]))) : rows;
    const o = req.options ?? {};
    const top = Math.max(1, Math.min(1000, Number(o.$top ?? o.top ?? opts.rgPageSize) || opts.rgPageSize));
    let skip = Number(o.$skip ?? o.skip ?? 0) || 0;
    const tok = (o.$skipToken ?? o.skipToken) as string | undefined;
    if (tok) {
      try {
        const t = JSON.parse(Buffer.from(tok, "base64").toString());
        skip = Number(t.skip) || 0;
      } catch {
        return armError(400, "BadRequest", "Invalid $skipToken");
      }
    }
    const pageRows = data.slice(skip, skip + top);
    if (!skip) pageRows.push(...(s.rt.injectedFor("rg.resources") as Record<string, unknown>[]));
    const body: Record<string, unknown> = {
      totalRecords: data.length,
      count: pageRows.length,
      resultTruncated: "false",
      facets: [],
    };
    if (skip + top < data.length)
      body.$skipToken = Buffer.from(JSON.stringify({ skip: skip + top })).toString("base64");
    if (o.resultFormat === "table") {
      const columns = (cols ?? Object.keys(rows[0] ?? { id: 1 })).map((c) => ({
        name: c,
        type: c === "properties" || c === "tags" ? "object" : "string",
      }));
      body.data = {
        columns,
        rows: pageRows.map((r) => columns.map((c) => (r as Record<string, unknown>)[c.name] ?? null)),
      };
    } else body.data = pageRows;
    return { status: 200, body };
  }

  const errorBody = (_status: number, code: string, message: string) => ({ error: { code, message } });

  return async function handle(req: IncomingMessage, res: ServerResponse) {
    const t0 = performance.now();
    const method = req.method ?? "GET";
    const { path, query } = splitUrl(req.url ?? "/");
    let bodyP: Promise<Buffer> | null = null;
    const body = () => (bodyP ??= readBody(req));
    const auth = rt.tokens.check(req.headers.authorization, RESOURCES.arm);
    const serviceOf = (op: string) => (op.startsWith("rg.") ? "rg" : "arm") as "rg" | "arm";
    if (!auth.ok) {
      req.resume();
      const r = armError(
        401,
        auth.reason === "missing"
          ? "AuthenticationFailed"
          : auth.reason === "expired"
            ? "ExpiredAuthenticationToken"
            : "InvalidAuthenticationToken",
        auth.reason === "missing"
          ? "Authentication failed. The 'Authorization' header is missing."
          : auth.reason === "audience"
            ? "The access token has been obtained for wrong audience or resource."
            : "The access token is invalid.",
      );
      r.headers = {
        "www-authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/${s.estate.tenantId}", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
      };
      send(res, r);
      rt.count("arm.unauthorized");
      rt.record({ service: "arm", op: "arm.unauthorized", method, path, status: 401, ms: performance.now() - t0 });
      return;
    }
    const oid = auth.claims.oid;
    const r0 = route(method, path, query, body);
    if (!r0) {
      if (!bodyP) req.resume();
      rt.count("arm.unknown");
      send(res, armError(404, "InvalidResourceType", `The local cloud has no route for ${method} ${path}.`));
      rt.record({ service: "arm", op: "arm.unknown", method, path, status: 404, ms: performance.now() - t0, oid });
      return;
    }
    const service = serviceOf(r0.op);
    rt.count(r0.op, r0.vault);
    const fault = rt.checkFault({
      service,
      op: r0.op,
      method,
      path,
      vault: r0.vault,
      subscriptionId: r0.subscriptionId,
      oid,
    });
    const delay = rt.delayFor(service) + (fault.kind === "latency" ? fault.delayMs : 0);
    if (delay) await sleep(delay);
    const finish = (status: number, f?: import("../core").FaultOutcome["kind"]) =>
      rt.record({
        service,
        op: r0.op,
        method,
        path,
        vault: r0.vault,
        status,
        ms: performance.now() - t0,
        fault: f,
        oid,
      });
    if (method === "GET") req.resume();
    if (applyFault(rt, res, fault, errorBody)) return finish(fault.kind === "status" ? fault.status : 0, fault.kind);
    const headers: Record<string, string> = {
      "x-ms-request-id": cryptoId(),
      "x-ms-correlation-request-id": cryptoId(),
    };
    if (service === "rg") {
      const t = rt.throttleRg(oid);
      headers["x-ms-user-quota-remaining"] = String(t.remaining);
      headers["x-ms-user-quota-resets-after"] = t.resetsAfter;
      if (!t.ok) {
        send(res, {
          status: 429,
          headers: { ...headers, "retry-after": String(t.retryAfter) },
          body: {
            error: {
              code: "RateLimiting",
              message:
                "Please provide below info when asking for support: timestamp, correlationId. Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed.",
            },
          },
        });
        return finish(429);
      }
    } else {
      const t = rt.throttleArm(r0.subscriptionId ?? "tenant", oid, r0.read);
      headers[t.header] = String(t.remaining);
      if (!t.ok) {
        send(res, {
          status: 429,
          headers: { ...headers, "retry-after": String(t.retryAfter) },
          body: {
            error: {
              code: "TooManyRequests",
              message: `The request is being throttled as the limit has been reached for operation type - ${r0.read ? "Read" : "Write"}_ObservationWindow_00:05:00. For more information, see - https://aka.ms/srpthrottlinglimits`,
            },
          },
        });
        return finish(429);
      }
    }
    let r: Reply;
    try {
      r = await r0.run();
    } catch (e) {
      r = armError(500, "InternalServerError", `local cloud error: ${(e as Error).message}`);
    }
    r.headers = { ...headers, ...(r.headers ?? {}) };
    send(res, r);
    finish(r.status);
  };
}

let idSeq = 0;
function cryptoId() {
  idSeq = (idSeq + 1) >>> 0;
  return `00000000-0000-4000-8000-${idSeq.toString(16).padStart(12, "0")}`;
}

const ROLE_IDS: Record<string, string> = {
  "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  "Key Vault Reader": "21090545-7ca7-4776-b22c-e363652d74d2",
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
  "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  "Key Vault Certificates Officer": "a4417e6f-fecd-4de8-b567-7b0420556985",
  "Key Vault Certificate User": "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
  "Key Vault Crypto Officer": "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
  "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
  "Key Vault Crypto Service Encryption User": "e147488a-f6f5-4113-8e2d-b22465e65bf6",
};
function roleDefId(name: string) {
  return ROLE_IDS[name] ?? "00000000-0000-0000-0000-000000000000";
}
