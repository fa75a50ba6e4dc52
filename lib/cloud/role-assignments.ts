/**
 * What the product identity may do in a vault (write secrets, create certificates, sign with keys): the vault's role assignments (ARM, metadata only;
 * the list at a resource includes those inherited from its resource group and subscription) for the identity's own
 * object id. The identity's object id is the `oid` claim of its own ARM token (read, not verified: it only labels our
 * own token, and the answer is advisory — the write itself is the authority).
 */
import { z } from "zod";
import { armGetJson, getCredential } from "./clients";
import { withRetry, type CallOptions } from "./retry";

const API = "2022-04-01";

/** Built-in roles a rotation needs (role definition GUIDs, the same in every tenant). */
export const VAULT_ROLES: Record<string, string> = {
  "b86a8fe4-44ce-4948-aee5-eccb2c155cd7": "Key Vault Secrets Officer",
  "00482a5a-887f-4fb3-b363-3b7fe8e74483": "Key Vault Administrator",
  "a4417e6f-fecd-4de8-b567-7b0420556985": "Key Vault Certificates Officer",
  "14b46e9e-c2b7-41b4-b07b-48a6ebf60603": "Key Vault Crypto Officer",
  "12338af0-0e69-4776-bea7-57ae8d297424": "Key Vault Crypto User",
};

const listSchema = z.object({
  value: z
    .array(
      z.object({
        properties: z.object({ roleDefinitionId: z.string(), principalId: z.string() }).passthrough(),
      }),
    )
    .default([]),
});

/** The product identity's object id, from its ARM token (null when the token carries none). */
export async function productObjectId(): Promise<string | null> {
  const token = await getCredential().getToken("https://management.azure.com/.default");
  const payload = token?.token.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { oid?: unknown };
    return typeof claims.oid === "string" ? claims.oid.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** The rotation-relevant roles `principalId` holds on the vault (names), from one ARM list call. */
export async function vaultRoles(vaultId: string, principalId: string, o: CallOptions = {}): Promise<string[]> {
  const raw = await withRetry(
    (signal) =>
      armGetJson<unknown>(`${vaultId}/providers/Microsoft.Authorization/roleAssignments?api-version=${API}`, signal),
    o,
  );
  const parsed = listSchema.parse(raw);
  const roles = new Set<string>();
  for (const a of parsed.value) {
    if (a.properties.principalId.toLowerCase() !== principalId.toLowerCase()) continue;
    const guid = a.properties.roleDefinitionId.split("/").pop()?.toLowerCase() ?? "";
    if (VAULT_ROLES[guid]) roles.add(VAULT_ROLES[guid]);
  }
  return [...roles];
}

const vaultSchema = z.object({
  properties: z
    .object({
      enableRbacAuthorization: z.boolean().nullish(),
      accessPolicies: z
        .array(
          z.object({
            objectId: z.string(),
            permissions: z
              .object({
                secrets: z.array(z.string()).nullish(),
                certificates: z.array(z.string()).nullish(),
                keys: z.array(z.string()).nullish(),
              })
              .passthrough(),
          }),
        )
        .nullish(),
    })
    .passthrough(),
});

export type VaultAccess =
  | { model: "rbac"; roles: string[] }
  | { model: "accessPolicy"; permissions: { secrets: string[]; certificates: string[]; keys: string[] } | null };

/** How `principalId` may use the vault, read live (the vault's properties, then its role assignments). */
export async function vaultAccess(vaultId: string, principalId: string, o: CallOptions = {}): Promise<VaultAccess> {
  const raw = await withRetry((signal) => armGetJson<unknown>(`${vaultId}?api-version=2023-07-01`, signal), o);
  const v = vaultSchema.parse(raw).properties;
  if (v.enableRbacAuthorization) return { model: "rbac", roles: await vaultRoles(vaultId, principalId, o) };
  const mine = (v.accessPolicies ?? []).find((p) => p.objectId.toLowerCase() === principalId.toLowerCase());
  const lower = (l: string[] | null | undefined) => (l ?? []).map((s) => s.toLowerCase());
  return {
    model: "accessPolicy",
    permissions: mine
      ? {
          secrets: lower(mine.permissions.secrets),
          certificates: lower(mine.permissions.certificates),
          keys: lower(mine.permissions.keys),
        }
      : null,
  };
}
