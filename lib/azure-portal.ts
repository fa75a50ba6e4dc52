import { AZURE_CLOUD_ENDPOINTS } from "./azure-clouds";

/**
 * Deep links into the Azure portal of the configured cloud (AZURE_CLOUD), so every vault, object and app page can
 * open its blade there. A Custom cloud (the local cloud, an air-gapped stamp) has no portal we know: no links.
 */

const KV_ASSET: Record<string, string> = { secret: "Secret", certificate: "Certificate", key: "Key" };

export interface PortalLinks {
  /** Any ARM resource (a vault): its overview blade. */
  resource(armId: string): string;
  /** A Key Vault secret, certificate or key by its identifier (https://<vault>.vault.azure.net/secrets/<name>). */
  keyVaultObject(type: string, objectId: string): string | undefined;
  /** An app registration in Entra ID (App registrations blade). */
  application(appId: string): string;
  /** A service principal (Enterprise applications blade). */
  servicePrincipal(objectId: string, appId: string): string;
}

export function portalLinks(cloud: string, tenantId?: string): PortalLinks | null {
  if (!(cloud in AZURE_CLOUD_ENDPOINTS)) return null;
  const host = AZURE_CLOUD_ENDPOINTS[cloud as keyof typeof AZURE_CLOUD_ENDPOINTS].portal;
  // "#@<tenant>" opens the blade in the right directory for users with guest access to several tenants.
  const at = tenantId ? `#@${encodeURIComponent(tenantId)}` : "#";
  return {
    resource: (armId) => `${host}/${at}/resource${armId.startsWith("/") ? "" : "/"}${armId}/overview`,
    keyVaultObject: (type, objectId) =>
      KV_ASSET[type] && /^https:\/\//.test(objectId)
        ? `${host}/${at}/asset/Microsoft_Azure_KeyVault/${KV_ASSET[type]}/${objectId}`
        : undefined,
    application: (appId) =>
      `${host}/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/${encodeURIComponent(appId)}`,
    servicePrincipal: (objectId, appId) =>
      `${host}/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Overview/objectId/${encodeURIComponent(objectId)}/appId/${encodeURIComponent(appId)}`,
  };
}
