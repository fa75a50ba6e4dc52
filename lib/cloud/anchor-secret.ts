/**
 * The audit chain's anchor store (ADR 0007): one Key Vault secret that receives a new version per anchor. Azure keeps
 * every version, so someone who can rewrite the database but not this vault cannot move the anchor back. The value is
 * the product's own record (sequence, hash, MAC) — never a customer secret; discovery stays read-only everywhere else.
 */
import { keyVaultClients } from "./clients";
import { withRetry } from "./retry";

export interface StoredAnchor {
  value: string;
  version: string;
  createdOn?: Date;
}

export async function writeAnchorSecret(
  vaultUrl: string,
  name: string,
  value: string,
  tags: Record<string, string>,
): Promise<StoredAnchor> {
  const { secrets } = keyVaultClients(vaultUrl);
  // not retried: a write that timed out may have landed, and the next anchor supersedes it anyway
  const s = await secrets.setSecret(name, value, {
    tags,
    contentType: "application/vnd.certifyclouds.audit-anchor+json",
  });
  return { value, version: s.properties.version ?? "", createdOn: s.properties.createdOn };
}

/** The newest version, or undefined when nothing was anchored yet. */
export async function readLatestAnchorSecret(vaultUrl: string, name: string): Promise<StoredAnchor | undefined> {
  const { secrets } = keyVaultClients(vaultUrl);
  try {
    const s = await withRetry((abortSignal) => secrets.getSecret(name, { abortSignal }));
    return { value: s.value ?? "", version: s.properties.version ?? "", createdOn: s.properties.createdOn };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw e;
  }
}
