/**
 * Who consumes Key Vault secrets: App Service / Functions app settings and connection strings with
 * `@Microsoft.KeyVault(…)` references, and Container Apps secrets with `keyVaultUrl`. Only the references are kept:
 * app settings hold other values too (plain connection strings), which are dropped as soon as each is parsed and never
 * leave this module.
 */
import { armGetJson, armPostJson } from "./clients";
import { withRetry, type CallOptions } from "./retry";

const SITES_API = "2023-12-01";
const CONTAINER_APPS_API = "2024-03-01";

export interface SecretReference {
  /** VaultName=… form */
  vaultName?: string;
  /** SecretUri / keyVaultUrl form: the vault's host (e.g. kv-x.vault.azure.net) */
  vaultHost?: string;
  secretName: string;
  /** null: versionless (follows the latest version) */
  version: string | null;
}

export interface ConsumerReference {
  kind: "app_service" | "function_app" | "container_app";
  resourceId: string;
  resourceName: string;
  /** the app setting, connection string or Container Apps secret name (a name, never its value) */
  setting: string;
  settingKind: "app_setting" | "connection_string" | "container_app_secret";
  ref: SecretReference;
}

/** `https://host/secrets/name[/version][/]` → its parts, or null. */
export function parseSecretUrl(url: string): Omit<SecretReference, "vaultName"> | null {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return null;
  }
  const m = /^\/secrets\/([0-9A-Za-z-]{1,127})(?:\/([0-9A-Za-z]{1,64}))?\/?$/.exec(u.pathname);
  if (!m) return null;
  return { vaultHost: u.host.toLowerCase(), secretName: m[1], version: m[2] ?? null };
}

/** An app setting's `@Microsoft.KeyVault(SecretUri=…)` or `(VaultName=…;SecretName=…[;SecretVersion=…])`, or null. */
export function parseKeyVaultReference(value: string): SecretReference | null {
  const m = /^\s*@Microsoft\.KeyVault\((.*)\)\s*$/i.exec(value);
  if (!m) return null;
  const parts = new Map<string, string>();
  for (const p of m[1].split(";")) {
    const i = p.indexOf("=");
    if (i > 0) parts.set(p.slice(0, i).trim().toLowerCase(), p.slice(i + 1).trim());
  }
  const uri = parts.get("secreturi");
  if (uri) return parseSecretUrl(uri);
  const vaultName = parts.get("vaultname");
  const secretName = parts.get("secretname");
  if (!vaultName || !secretName) return null;
  return { vaultName, secretName, version: parts.get("secretversion") || null };
}

interface Page<T> {
  value?: T[];
  nextLink?: string;
}

async function listAll<T>(path: string, o: CallOptions): Promise<T[]> {
  const out: T[] = [];
  let next: string | undefined = path;
  while (next) {
    const url: string = next;
    const page = await withRetry((signal) => armGetJson<Page<T>>(url, signal), o);
    out.push(...(page.value ?? []));
    next = page.nextLink;
  }
  return out;
}

/** Every Key Vault reference held by the subscription's sites and container apps. */
export async function listConsumerReferences(
  subscriptionId: string,
  o: CallOptions = {},
): Promise<ConsumerReference[]> {
  const sub = `/subscriptions/${encodeURIComponent(subscriptionId)}`;
  const out: ConsumerReference[] = [];
  const sites = await listAll<{ id: string; name: string; kind?: string }>(
    `${sub}/providers/Microsoft.Web/sites?api-version=${SITES_API}`,
    o,
  );
  for (const site of sites) {
    const kind = site.kind?.includes("functionapp") ? "function_app" : "app_service";
    const settings = await withRetry(
      (signal) =>
        armPostJson<{ properties?: Record<string, string> }>(
          `${site.id}/config/appsettings/list?api-version=${SITES_API}`,
          signal,
        ),
      o,
    );
    for (const [name, value] of Object.entries(settings.properties ?? {})) {
      const ref = typeof value === "string" ? parseKeyVaultReference(value) : null;
      if (ref)
        out.push({
          kind,
          resourceId: site.id,
          resourceName: site.name,
          setting: name,
          settingKind: "app_setting",
          ref,
        });
    }
    const conns = await withRetry(
      (signal) =>
        armPostJson<{ properties?: Record<string, { value?: string }> }>(
          `${site.id}/config/connectionstrings/list?api-version=${SITES_API}`,
          signal,
        ),
      o,
    );
    for (const [name, cs] of Object.entries(conns.properties ?? {})) {
      const ref = typeof cs?.value === "string" ? parseKeyVaultReference(cs.value) : null;
      if (ref)
        out.push({
          kind,
          resourceId: site.id,
          resourceName: site.name,
          setting: name,
          settingKind: "connection_string",
          ref,
        });
    }
  }
  const apps = await listAll<{
    id: string;
    name: string;
    properties?: { configuration?: { secrets?: { name: string; keyVaultUrl?: string }[] } };
  }>(`${sub}/providers/Microsoft.App/containerApps?api-version=${CONTAINER_APPS_API}`, o);
  for (const app of apps)
    for (const sec of app.properties?.configuration?.secrets ?? []) {
      const ref = sec.keyVaultUrl ? parseSecretUrl(sec.keyVaultUrl) : null;
      if (ref)
        out.push({
          kind: "container_app",
          resourceId: app.id,
          resourceName: app.name,
          setting: sec.name,
          settingKind: "container_app_secret",
          ref,
        });
    }
  return out;
}
