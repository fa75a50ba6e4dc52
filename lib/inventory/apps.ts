import { and, asc, eq, ilike, isNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { text, wholeNumber } from "../validation";
import { assertPermission } from "../auth/authorize";
import type { Ctx, TimedVerbArgs } from "../context";
import { dbOf } from "../db/transaction";
import { appCredentials, appRegistrations, type AppCredential, type AppRegistration } from "../db/schema";
import { AppError } from "../errors";

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const listAppsInput = z.object({
  kind: z.preprocess(blank, z.enum(["application", "servicePrincipal"]).optional()),
  /** Apps with at least one credential in this status ("none" = apps without credentials). */
  status: z.preprocess(blank, z.enum(["expired", "critical", "warning", "healthy", "no-expiry", "none"]).optional()),
  /** Apps with a credential ending within this many days (expired ones included). */
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
  expired: number;
  critical: number;
  warning: number;
  nextEnd: Date | null;
};

/** App registrations and service principals with credential counts by status and the soonest credential end. */
export async function listApps({
  ctx,
  input = {},
  now = new Date(),
}: TimedVerbArgs): Promise<{ rows: AppListRow[]; total: number; query: ListAppsQuery }> {
  assertPermission(ctx, "dashboard:read");
  const db = await dbOf(ctx);
  const q = listAppsInput.parse(input);
  const c = db
    .select({
      appObjectId: appCredentials.appObjectId,
      credentials: sql<number>`count(*)::int`.as("credentials"),
      expired:
        sql<number>`(count(*) filter (where ${appCredentials.status} = 'expired' and ${appCredentials.endDateTime} is not null))::int`.as(
          "expired",
        ),
      critical:
        sql<number>`(count(*) filter (where ${appCredentials.status} = 'critical' and ${appCredentials.endDateTime} is not null))::int`.as(
          "critical",
        ),
      warning:
        sql<number>`(count(*) filter (where ${appCredentials.status} = 'warning' and ${appCredentials.endDateTime} is not null))::int`.as(
          "warning",
        ),
      healthy:
        sql<number>`(count(*) filter (where ${appCredentials.status} = 'healthy' and ${appCredentials.endDateTime} is not null))::int`.as(
          "healthy",
        ),
      noExpiry: sql<number>`(count(*) filter (where ${appCredentials.endDateTime} is null))::int`.as("no_expiry"),
      nextEnd: sql<Date | null>`min(${appCredentials.endDateTime})`.as("next_end"),
    })
    .from(appCredentials)
    .where(isNull(appCredentials.removedAt))
    .groupBy(appCredentials.appObjectId)
    .as("c");
  const w: SQL[] = [isNull(appRegistrations.removedAt)];
  if (q.kind) w.push(eq(appRegistrations.kind, q.kind));
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (x) => `\\${x}`)}%`;
    w.push(sql`(${ilike(appRegistrations.displayName, like)} or ${appRegistrations.appId} = ${q.q})`);
  }
  if (q.status === "none") w.push(sql`coalesce(${c.credentials}, 0) = 0`);
  else if (q.status === "no-expiry") w.push(sql`coalesce(${c.noExpiry}, 0) > 0`);
  else if (q.status) w.push(sql`coalesce(${c[q.status]}, 0) > 0`);
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
        credentials: sql<number>`coalesce(${c.credentials}, 0)::int`,
        expired: sql<number>`coalesce(${c.expired}, 0)::int`,
        critical: sql<number>`coalesce(${c.critical}, 0)::int`,
        warning: sql<number>`coalesce(${c.warning}, 0)::int`,
        nextEnd: c.nextEnd,
      })
      .from(appRegistrations)
      .leftJoin(c, eq(c.appObjectId, appRegistrations.id))
      .where(where)
      .orderBy(sql`${c.nextEnd} asc nulls last`, asc(appRegistrations.displayName), asc(appRegistrations.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(appRegistrations)
      .leftJoin(c, eq(c.appObjectId, appRegistrations.id))
      .where(where),
  ]);
  return {
    rows: rows.map((r) => ({
      ...r,
      nextEnd: r.nextEnd ? new Date(r.nextEnd) : null,
      credentials: Number(r.credentials),
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
