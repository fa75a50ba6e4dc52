/**
 * Which Key Vault certificates hold an app's certificate credential: the same SHA-1 thumbprint (Graph's
 * customKeyIdentifier, the certificate's x5t in the inventory). A thumbprint is exact — no confidence levels, no
 * suggestions. The rotation makes new versions in one holder (the source: a certificate whose policy Key Vault can
 * issue from); other holders are copies a rotation does not update (the plan says so).
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { appCredentials, assets, vaults } from "../db/schema";
import type { dbOf } from "../db/transaction";

type Db = Awaited<ReturnType<typeof dbOf>>;

export interface CertificateHolder {
  vaultId: string;
  vaultName: string;
  vaultUri: string;
  name: string;
  version: string | null;
  issuerName: string | null;
  validityMonths: number | null;
  keyType: string | null;
}

export interface CertificateCredential {
  keyId: string;
  displayName: string | null;
  endDateTime: Date | null;
  thumbprint: string | null;
  holders: CertificateHolder[];
}

/**
 * Why Key Vault cannot make the next version of this certificate by itself, or null when it can: an imported
 * certificate (issuer "Unknown") waits for a merge, and the local key types a proof can be signed with are RSA.
 */
export function notRotatable(h: CertificateHolder): string | null {
  if (!h.issuerName || h.issuerName.toLowerCase() === "unknown")
    return `${h.vaultName}/${h.name} was imported (issuer "Unknown"): Key Vault cannot issue its next version — give it a self-signed or CA issuer policy, or rotate it by hand`;
  if (h.keyType && !h.keyType.toUpperCase().startsWith("RSA"))
    return `${h.vaultName}/${h.name} has a ${h.keyType} key: Entra app certificates are RSA`;
  return null;
}

/** The holder a rotation makes new versions in: the first Key Vault can issue from (by vault, then name). */
export function sourceOf(c: CertificateCredential): CertificateHolder | undefined {
  return c.holders.find((h) => !notRotatable(h));
}

export async function certificateCredentials(db: Db, appObjectId: string): Promise<CertificateCredential[]> {
  const creds = await db
    .select({
      keyId: appCredentials.keyId,
      displayName: appCredentials.displayName,
      endDateTime: appCredentials.endDateTime,
      thumbprint: appCredentials.thumbprint,
    })
    .from(appCredentials)
    .where(
      and(
        eq(appCredentials.appObjectId, appObjectId),
        eq(appCredentials.type, "certificate"),
        isNull(appCredentials.removedAt),
      ),
    );
  const prints = [...new Set(creds.flatMap((c) => (c.thumbprint ? [c.thumbprint.toLowerCase()] : [])))];
  const rows = prints.length
    ? await db
        .select({
          vaultId: assets.vaultId,
          vaultName: vaults.name,
          vaultUri: vaults.vaultUri,
          name: assets.name,
          version: assets.currentVersion,
          detail: assets.detail,
        })
        .from(assets)
        .innerJoin(vaults, eq(vaults.id, assets.vaultId))
        .where(
          and(
            eq(assets.type, "certificate"),
            isNull(assets.removedAt),
            isNull(vaults.removedAt),
            inArray(sql`lower(${assets.detail}->>'thumbprint')`, prints),
          ),
        )
    : [];
  const byPrint = new Map<string, CertificateHolder[]>();
  for (const r of rows) {
    if (!r.vaultUri) continue;
    const d = r.detail as {
      thumbprint?: string;
      policy?: { issuerName?: string; validityInMonths?: number; keyType?: string };
    };
    const key = (d.thumbprint ?? "").toLowerCase();
    const list = byPrint.get(key) ?? [];
    list.push({
      vaultId: r.vaultId,
      vaultName: r.vaultName,
      vaultUri: r.vaultUri,
      name: r.name,
      version: r.version,
      issuerName: d.policy?.issuerName ?? null,
      validityMonths: d.policy?.validityInMonths ?? null,
      keyType: d.policy?.keyType ?? null,
    });
    byPrint.set(key, list);
  }
  for (const list of byPrint.values())
    list.sort((a, b) => a.vaultName.localeCompare(b.vaultName) || a.name.localeCompare(b.name));
  return creds
    .map((c) => ({ ...c, holders: (c.thumbprint && byPrint.get(c.thumbprint.toLowerCase())) || [] }))
    .sort((a, b) => (a.endDateTime?.getTime() ?? Infinity) - (b.endDateTime?.getTime() ?? Infinity));
}
