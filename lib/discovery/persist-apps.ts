/** The apps phase's write: app registrations and service principals with their credentials, in one transaction. */
import { and, isNull, lt, sql } from "drizzle-orm";
import type { Tx } from "../db/client";
import { appCredentials, appRegistrations } from "../db/schema";
import { chunks, excludedSet } from "./persist";

export type AppInsert = typeof appRegistrations.$inferInsert;
export type AppCredentialInsert = typeof appCredentials.$inferInsert;

/** Apps and credentials in one transaction; those Graph no longer returns are marked removed. */
export async function writeApps(tx: Tx, apps: AppInsert[], creds: AppCredentialInsert[]): Promise<number> {
  for (const batch of chunks(apps))
    await tx
      .insert(appRegistrations)
      .values(batch)
      .onConflictDoUpdate({
        target: appRegistrations.id,
        set: excludedSet(appRegistrations, ["kind", "appId", "displayName", "owners", "createdDateTime"]),
      });
  for (const batch of chunks(creds))
    await tx
      .insert(appCredentials)
      .values(batch)
      .onConflictDoUpdate({
        target: [appCredentials.appObjectId, appCredentials.keyId],
        set: excludedSet(appCredentials, [
          "type",
          "displayName",
          "hint",
          "thumbprint",
          "startDateTime",
          "endDateTime",
          "status",
        ]),
      });
  await tx
    .update(appRegistrations)
    .set({ removedAt: sql`now()` })
    .where(and(isNull(appRegistrations.removedAt), lt(appRegistrations.lastSeenAt, sql`now()`)));
  await tx
    .update(appCredentials)
    .set({ removedAt: sql`now()` })
    .where(and(isNull(appCredentials.removedAt), lt(appCredentials.lastSeenAt, sql`now()`)));
  return apps.length + creds.length;
}
