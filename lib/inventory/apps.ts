import { and, asc, eq, ilike, isNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { text, wholeNumber } from "../validation";
import { assertPermission } from "../auth/authorize";
import type { Ctx, TimedVerbArgs } from "../context";
import { dbOf } from "../db/transaction";
import { appCredentials, appRegistrations, type AppCredential, type AppRegistration } from "../db/schema";
import { AppError } from "../errors";
import { effectiveCredentials } from "./effective-credentials";

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const listAppsInput = z.object({
  kind: z.preprocess(blank, z.enum(["application", "servicePrincipal"]).optional()),
  /** Apps whose worst effective credential has this status ("none" = no credentials, "no-expiry" = one without an end). */
  status: z.preprocess(blank, z.enum(["expired", "critical", "warning", "healthy", "no-expiry", "none"]).optional()),
  /** Apps whose soonest effective credential ends within this many days (expired ones included). */
  expiringDays: z.preprocess(blank, wholeNumber(0, 3650).optional()),
  q: z.preprocess(blank, text(200).optional()),
  page: wholeNumber(1, 100_000).default(1),
  pageSize: wholeNumber(10, 200).default(50),
});
export type ListAppsQuery = z.infer<typeof listAppsInput>;

export type AppListRow = Pick<
  AppRegistration,
  "id" | "kind" | "appId" | "displayName" | "owners" | "createdDateTime" | "lastSeenAt" | "removedAt"
> & {
  credentials: number;
  /** the worst status of the app's effective credentials (null: none with an end date) */
  status: "expired" | "critical" | "warning" | "healthy" | null;
  /** effective credentials by status */
  expired: number;
  critical: number;
  warning: number;
  /** expired credentials that are not effective (superseded): clean-up, not risk */
  leftovers: number;
  /** the soonest end among the effective credentials */
  nextEnd: Date | null;
};

/** App registrations and service principals, judged by their effective credentials (effective-credentials.ts). */
export async function listApps({
  ctx,
  input = {},
  now = new Date(),
}: TimedVerbArgs): Promise<{ rows: AppListRow[]; total: number; query: ListAppsQuery }> {
  assertPermission(ctx, "dashboard:read");
  const db = await dbOf(ctx);
  const q = listAppsInput.parse(input);
  const n = (cond: SQL) => sql<number>`(count(*) filter (where ${cond}))::int`;
  const all = db
    .select({
      appObjectId: appCredentials.appObjectId,
      credentials: sql<number>`count(*)::int`.as("credentials"),
      noExpiry: n(sql`${appCredentials.endDateTime} is null`).as("no_expiry"),
      expiredAll: n(sql`${appCredentials.status} = 'expired' and ${appCredentials.endDateTime} is not null`).as(
        "expired_all",
      ),
    })
    .from(appCredentials)
    .where(isNull(appCredentials.removedAt))
    .groupBy(appCredentials.appObjectId)
    .as("all_creds");
  // the app's status and next expiry come from its effective credentials only (one per kind)
  const e = effectiveCredentials(db, now);
  const c = db
    .select({
      appObjectId: e.appObjectId,
      expired: n(sql`${e.status} = 'expired'`).as("expired"),
      critical: n(sql`${e.status} = 'critical'`).as("critical"),
      warning: n(sql`${e.status} = 'warning'`).as("warning"),
      healthy: n(sql`${e.status} = 'healthy'`).as("healthy"),
      nextEnd: sql<Date | null>`min(${e.endDateTime})`.as("next_end"),
    })
    .from(e)
    .groupBy(e.appObjectId)
    .as("c");
  const worst = sql<
    AppListRow["status"]
  >`case when ${c.expired} > 0 then 'expired' when ${c.critical} > 0 then 'critical'
    when ${c.warning} > 0 then 'warning' when ${c.healthy} > 0 then 'healthy' end`;
  const w: SQL[] = [isNull(appRegistrations.removedAt)];
  if (q.kind) w.push(eq(appRegistrations.kind, q.kind));
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (x) => `\\${x}`)}%`;
    w.push(sql`(${ilike(appRegistrations.displayName, like)} or ${appRegistrations.appId} = ${q.q})`);
  }
  if (q.status === "none") w.push(sql`coalesce(${all.credentials}, 0) = 0`);
  else if (q.status === "no-expiry") w.push(sql`coalesce(${all.noExpiry}, 0) > 0`);
  else if (q.status) w.push(sql`${worst} = ${q.status}`);
  if (q.expiringDays !== undefined)
    w.push(sql`${c.nextEnd} < ${new Date(now.getTime() + q.expiringDays * 86_400_000).toISOString()}::timestamptz`);
  const where = and(...w);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: appRegistrations.id,
        kind: appRegistrations.kind,
        appId: appRegistrations.appId,
        displayName: appRegistrations.displayName,
        owners: appRegistrations.owners,
        createdDateTime: appRegistrations.createdDateTime,
        lastSeenAt: appRegistrations.lastSeenAt,
        removedAt: appRegistrations.removedAt,
        credentials: sql<number>`coalesce(${all.credentials}, 0)::int`,
        status: worst,
        leftovers: sql<number>`(coalesce(${all.expiredAll}, 0) - coalesce(${c.expired}, 0))::int`,
        expired: sql<number>`coalesce(${c.expired}, 0)::int`,
        critical: sql<number>`coalesce(${c.critical}, 0)::int`,
        warning: sql<number>`coalesce(${c.warning}, 0)::int`,
        nextEnd: c.nextEnd,
      })
      .from(appRegistrations)
      .leftJoin(all, eq(all.appObjectId, appRegistrations.id))
      .leftJoin(c, eq(c.appObjectId, appRegistrations.id))
      .where(where)
      .orderBy(sql`${c.nextEnd} asc nulls last`, asc(appRegistrations.displayName), asc(appRegistrations.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(appRegistrations)
      .leftJoin(all, eq(all.appObjectId, appRegistrations.id))
      .leftJoin(c, eq(c.appObjectId, appRegistrations.id))
      .where(where),
  ]);
  return {
    rows: rows.map((r) => ({
      ...r,
      nextEnd: r.nextEnd ? new Date(r.nextEnd) : null,
      credentials: Number(r.credentials),
      leftovers: Number(r.leftovers),
      expired: Number(r.expired),
      critical: Number(r.critical),
      warning: Number(r.warning),
    })),
    total: Number(total),
    query: q,
  };
}

/** One application or service principal with all its credentials (removed ones last) and owners. */
export async function getApp({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{
  app: AppRegistration;
  credentials: AppCredential[];
  related: Pick<AppRegistration, "id" | "kind" | "displayName">[];
}> {
  assertPermission(ctx, "dashboard:read");
  const { id } = z.object({ id: text(200, { min: 1 }) }).parse(input);
  const db = await dbOf(ctx);
  const [app] = await db.select().from(appRegistrations).where(eq(appRegistrations.id, id)).limit(1);
  if (!app) throw new AppError("not_found", "No such application in the inventory.");
  const [credentials, related] = await Promise.all([
    db
      .select()
      .from(appCredentials)
      .where(eq(appCredentials.appObjectId, id))
      .orderBy(sql`${appCredentials.removedAt} is not null`, sql`${appCredentials.endDateTime} asc nulls last`),
    // The application object and its service principal share the appId.
    db
      .select({ id: appRegistrations.id, kind: appRegistrations.kind, displayName: appRegistrations.displayName })
      .from(appRegistrations)
      .where(and(eq(appRegistrations.appId, app.appId), sql`${appRegistrations.id} <> ${id}`)),
  ]);
  return { app, credentials, related };
}
