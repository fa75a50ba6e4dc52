/**
 * Reads the inventory as compliance facts (through from-inventory.ts): every live object, or only the candidates of
 * an incremental evaluation — rows the scans wrote since the last evaluation's watermark plus the ids whose outcome
 * may have changed with time or a waiver. Assets come in pages so a 100k-object estate never sits in memory at once.
 */
import { and, asc, gt, gte, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { appCredentials, appRegistrations, assets, vaults } from "../db/schema";
import type { Facts } from "./facts";
import { appCredentialFacts, appFacts, assetFacts, vaultFacts } from "./from-inventory";

const PAGE = 5000;

export interface Selection {
  /** null: every live object; else rows written at or after this instant. */
  since: Date | null;
  /** Ids to evaluate whatever their write time (time-driven or waiver candidates), by scope. */
  ids: { scope: string; id: string }[];
}

/** Calls `onPage` with the facts of the selected live objects, a page at a time; vaults first, apps last. */
export async function readFacts(db: DbOrTx, sel: Selection, onPage: (facts: Facts[]) => Promise<void>): Promise<void> {
  const vaultRows = await db.select().from(vaults).where(isNull(vaults.removedAt));
  const vaultName = new Map(vaultRows.map((v) => [v.id, v.name]));
  // vaults are few and rewritten by every scan that reads them: always evaluated
  await onPage(vaultRows.map(vaultFacts));

  const idsOf = (...scopes: string[]) => sel.ids.filter((x) => scopes.includes(x.scope)).map((x) => x.id);
  const assetIds = idsOf("secret", "key", "certificate");
  const appIds = idsOf("app");
  const credentialIds = idsOf("appCredential");
  const picked = (lastSeen: SQL | unknown, firstSeen: unknown, id: unknown): SQL | undefined =>
    sel.since === null
      ? undefined
      : or(
          gte(lastSeen as never, sel.since),
          gte(firstSeen as never, sel.since),
          assetIds.length ? inArray(id as never, assetIds) : sql`false`,
        );
  let after: string | null = null;
  for (;;) {
    const rows = await db
      .select()
      .from(assets)
      .where(
        and(
          isNull(assets.removedAt),
          picked(assets.lastSeenAt, assets.firstSeenAt, assets.id),
          after ? gt(assets.id, after) : undefined,
        ),
      )
      .orderBy(asc(assets.id))
      .limit(PAGE);
    if (!rows.length) break;
    await onPage(rows.flatMap((a) => (vaultName.has(a.vaultId) ? [assetFacts(a, vaultName.get(a.vaultId)!)] : [])));
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1].id;
  }

  const apps = await db
    .select()
    .from(appRegistrations)
    .where(
      and(
        isNull(appRegistrations.removedAt),
        sel.since === null
          ? undefined
          : or(
              gte(appRegistrations.lastSeenAt, sel.since),
              appIds.length ? inArray(appRegistrations.id, appIds) : sql`false`,
            ),
      ),
    );
  const creds = await db
    .select()
    .from(appCredentials)
    .where(
      and(
        isNull(appCredentials.removedAt),
        sel.since === null
          ? undefined
          : or(
              gte(appCredentials.lastSeenAt, sel.since),
              credentialIds.length ? inArray(appCredentials.id, credentialIds) : sql`false`,
              apps.length
                ? inArray(
                    appCredentials.appObjectId,
                    apps.map((a) => a.id),
                  )
                : sql`false`,
            ),
      ),
    );
  const names = new Map(apps.map((a) => [a.id, a.displayName]));
  const missing = [...new Set(creds.map((c) => c.appObjectId).filter((id) => !names.has(id)))];
  if (missing.length)
    for (const a of await db
      .select({ id: appRegistrations.id, displayName: appRegistrations.displayName })
      .from(appRegistrations)
      .where(inArray(appRegistrations.id, missing)))
      names.set(a.id, a.displayName);
  const credsOf = new Map<string, typeof creds>();
  for (const c of creds) {
    const l = credsOf.get(c.appObjectId);
    if (l) l.push(c);
    else credsOf.set(c.appObjectId, [c]);
  }
  await onPage([
    ...apps.map((a) => appFacts(a, credsOf.get(a.id) ?? [])),
    ...creds.map((c) => appCredentialFacts(c, names.get(c.appObjectId) ?? c.appObjectId)),
  ]);
}

/** Objects removed from the inventory at or after `since` (their findings resolve as "removed"). */
export async function removedSince(db: DbOrTx, since: Date): Promise<string[]> {
  const v = await db.select({ id: vaults.id }).from(vaults).where(gte(vaults.removedAt, since));
  const a = await db.select({ id: assets.id }).from(assets).where(gte(assets.removedAt, since));
  const ap = await db
    .select({ id: appRegistrations.id })
    .from(appRegistrations)
    .where(gte(appRegistrations.removedAt, since));
  const c = await db.select({ id: appCredentials.id }).from(appCredentials).where(gte(appCredentials.removedAt, since));
  return [...v, ...a, ...ap, ...c].map((r) => r.id);
}
