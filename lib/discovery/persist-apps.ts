/** The apps phase's write: app registrations and service principals with their credentials, in one transaction. */
import { and, isNull, lt, sql } from "drizzle-orm";
import type { Tx } from "../db/client";
import { appCredentials, appRegistrations } from "../db/schema";
import { chunks, upsertJson } from "./persist";

export type AppInsert = typeof appRegistrations.$inferInsert;
export type AppCredentialInsert = typeof appCredentials.$inferInsert;

const APP_UPDATE = ["kind", "appId", "displayName", "owners", "createdDateTime"];
const CREDENTIAL_UPDATE = ["type", "displayName", "hint", "thumbprint", "startDateTime", "endDateTime", "status"];

/** Apps and credentials in one transaction (JSON batches: upsertJson); those Graph no longer returns are marked removed. */
export async function writeApps(tx: Tx, apps: AppInsert[], creds: AppCredentialInsert[]): Promise<number> {
  for (const batch of chunks(apps))
    await upsertJson(tx, appRegistrations, batch, {
      insert: ["id", ...APP_UPDATE],
      conflict: ["id"],
      update: APP_UPDATE,
    });
  // the credential's id is the database's (defaultRandom): not inserted
  for (const batch of chunks(creds))
    await upsertJson(tx, appCredentials, batch, {
      insert: ["appObjectId", "keyId", ...CREDENTIAL_UPDATE],
      conflict: ["appObjectId", "keyId"],
      update: CREDENTIAL_UPDATE,
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
