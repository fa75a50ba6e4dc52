/**
 * Which of an application's credentials count. A credential is replaced by adding a newer one of the same kind, and
 * the old one often lingers until it expires and beyond; judging an app by its oldest credential calls a healthy app
 * "expired". The effective credential of each kind (client secret, certificate) is the usable one that ends last:
 * not removed, with an end date, already started. Kinds are judged apart because a client configured with a secret
 * cannot fall back to a certificate (and vice versa). Every other expired credential is a superseded leftover.
 */
import { and, asc, desc, isNotNull, isNull, lte, or } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { appCredentials } from "../db/schema";

/** The effective credential of each (app, kind) as a subquery: one row each, all credential columns. */
export function effectiveCredentials(db: DbOrTx, now: Date) {
  return db
    .selectDistinctOn([appCredentials.appObjectId, appCredentials.type])
    .from(appCredentials)
    .where(
      and(
        isNull(appCredentials.removedAt),
        isNotNull(appCredentials.endDateTime),
        or(isNull(appCredentials.startDateTime), lte(appCredentials.startDateTime, now)),
      ),
    )
    .orderBy(appCredentials.appObjectId, appCredentials.type, desc(appCredentials.endDateTime), asc(appCredentials.id))
    .as("effective");
}
