/**
 * Re-points a versioned Key Vault reference at a new secret version: an App Service / Functions app setting or
 * connection string, or a Container Apps secret's `keyVaultUrl`. ARM has no per-setting write, so each update reads the
 * resource's whole list and writes it back with one value changed — the other values (which may be plain secrets)
 * are held only for that request pair and never leave this module.
 */
import { armPostJson, armWriteJson } from "./clients";
import { classifyError } from "./errors";
import { parseKeyVaultReference, parseSecretUrl, type SecretReference } from "./consumers";
import { withRetry, type CallOptions } from "./retry";

const SITES_API = "2023-12-01";
const CONTAINER_APPS_API = "2024-03-01";

export interface ReferenceToUpdate {
  resourceId: string;
  settingKind: "app_setting" | "connection_string" | "container_app_secret";
  setting: string;
  /** the secret it must still point at (a reference changed since the plan is left alone) */
  vaultName: string;
  vaultHost: string;
  secretName: string;
}

/** updated; already at the version (a repeated step); or the setting no longer references that secret. */
export type RepointResult = "updated" | "unchanged" | "gone";

/** `https://host/secrets/name[/version]` with `version` in place of the old one (pure). */
export function withUrlVersion(url: string, version: string): string | null {
  const ref = parseSecretUrl(url);
  if (!ref) return null;
  const u = new URL(url.trim());
  u.pathname = `/secrets/${ref.secretName}/${version}`;
  return u.toString();
}

/** An `@Microsoft.KeyVault(…)` reference with `version` in place of the old one, other parts as written (pure). */
export function withReferenceVersion(value: string, version: string): string | null {
  const m = /^(\s*@Microsoft\.KeyVault\()(.*)(\)\s*)$/i.exec(value);
  if (!m || !parseKeyVaultReference(value)) return null;
  const parts = m[2].split(";");
  const key = (p: string) =>
    p
      .slice(0, Math.max(0, p.indexOf("=")))
      .trim()
      .toLowerCase();
  const uriAt = parts.findIndex((p) => key(p) === "secreturi");
  if (uriAt >= 0) {
    const p = parts[uriAt];
    const url = withUrlVersion(p.slice(p.indexOf("=") + 1), version);
    if (!url) return null;
    parts[uriAt] = `${p.slice(0, p.indexOf("=") + 1)}${url}`;
  } else {
    const at = parts.findIndex((p) => key(p) === "secretversion");
    if (at >= 0) parts[at] = `${parts[at].slice(0, parts[at].indexOf("=") + 1)}${version}`;
    else parts.push(`SecretVersion=${version}`);
  }
  return `${m[1]}${parts.join(";")}${m[3]}`;
}

function pointsAt(ref: SecretReference | null, t: ReferenceToUpdate): ref is SecretReference {
  if (!ref || ref.secretName.toLowerCase() !== t.secretName.toLowerCase()) return false;
  return ref.vaultName
    ? ref.vaultName.toLowerCase() === t.vaultName.toLowerCase()
    : ref.vaultHost === t.vaultHost.toLowerCase();
}

/** Points the reference `t` at `version` of its secret (idempotent). */
export async function repointReference(
  t: ReferenceToUpdate,
  version: string,
  o: CallOptions = {},
): Promise<RepointResult> {
  try {
    return await (t.settingKind === "container_app_secret" ? repointContainerApp : repointSite)(t, version, o);
  } catch (e) {
    // the app itself was deleted since the plan: nothing reads the old value any more
    if (classifyError(e).status === 404) return "gone";
    throw e;
  }
}

async function repointSite(t: ReferenceToUpdate, version: string, o: CallOptions): Promise<RepointResult> {
  const config = t.settingKind === "app_setting" ? "appsettings" : "connectionstrings";
  const list = await withRetry(
    (signal) =>
      armPostJson<{ properties?: Record<string, unknown> }>(
        `${t.resourceId}/config/${config}/list?api-version=${SITES_API}`,
        signal,
      ),
    o,
  );
  const props = { ...(list.properties ?? {}) };
  const entry = props[t.setting];
  const value = t.settingKind === "app_setting" ? entry : (entry as { value?: unknown } | undefined)?.value;
  if (typeof value !== "string") return "gone";
  const ref = parseKeyVaultReference(value);
  if (!pointsAt(ref, t)) return "gone";
  if (ref.version === version) return "unchanged";
  const next = withReferenceVersion(value, version);
  if (!next) return "gone";
  props[t.setting] = t.settingKind === "app_setting" ? next : { ...(entry as object), value: next };
  await withRetry(
    (signal) =>
      armWriteJson("PUT", `${t.resourceId}/config/${config}?api-version=${SITES_API}`, { properties: props }, signal),
    o,
  );
  return "updated";
}

interface ContainerAppSecret {
  name: string;
  value?: string;
  keyVaultUrl?: string;
  identity?: string;
}

/**
 * Container Apps: a PATCH that carries `configuration.secrets` replaces the whole list, and a GET returns no values,
 * so the list comes from `listSecrets` (values of plain secrets included) and goes back with one URL changed.
 */
async function repointContainerApp(t: ReferenceToUpdate, version: string, o: CallOptions): Promise<RepointResult> {
  const listed = await withRetry(
    (signal) =>
      armPostJson<{ value?: ContainerAppSecret[] }>(
        `${t.resourceId}/listSecrets?api-version=${CONTAINER_APPS_API}`,
        signal,
      ),
    o,
  );
  const secrets = listed.value ?? [];
  const mine = secrets.find((s) => s.name === t.setting);
  if (!mine?.keyVaultUrl) return "gone";
  const ref = parseSecretUrl(mine.keyVaultUrl);
  if (!pointsAt(ref, t)) return "gone";
  if (ref.version === version) return "unchanged";
  const url = withUrlVersion(mine.keyVaultUrl, version);
  if (!url) return "gone";
  const body = secrets.map((s) =>
    s.keyVaultUrl
      ? { name: s.name, keyVaultUrl: s.name === t.setting ? url : s.keyVaultUrl, identity: s.identity }
      : { name: s.name, value: s.value },
  );
  await withRetry(
    (signal) =>
      armWriteJson(
        "PATCH",
        `${t.resourceId}?api-version=${CONTAINER_APPS_API}`,
        { properties: { configuration: { secrets: body } } },
        signal,
      ),
    o,
  );
  return "updated";
}
