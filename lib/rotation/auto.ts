/**
 * Automatic rotation (the rotation-auto job): inside the maintenance window, every app whose client secret — the one a
 * rotation would replace — expires within `daysBeforeExpiry` (or has expired) is rotated, when it has an active link,
 * matches the include patterns and no exclude pattern, and has no rotation open. Each start is the same verb an
 * Operator uses (plan, blockers, audit), marked `trigger: auto`; with approval required it waits for an Admin.
 */
import { and, eq, isNull, lt } from "drizzle-orm";
import type { Ctx } from "../context";
import { appCredentials, appRegistrations, rotations } from "../db/schema";
import { dbOf } from "../db/transaction";
import { logger } from "../log";
import type { SettingValue } from "../settings/definitions";
import { readSetting } from "../settings/store";
import { planRotation, startRotation } from "./plan";

const log = logger("rotation.auto");

type AutoPolicy = SettingValue<"rotation.auto">;

/** Whether `at` falls in the window: its weekday (0 = Sunday) and hour in the policy's timezone (pure). */
export function inWindow(
  p: Pick<AutoPolicy, "windowDays" | "windowStartHour" | "windowEndHour" | "timezone">,
  at: Date,
) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: p.timezone,
    weekday: "short",
    hour: "numeric",
    hourCycle: "h23",
  }).formatToParts(at);
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts.find((x) => x.type === "weekday")!.value);
  const hour = Number(parts.find((x) => x.type === "hour")!.value);
  return p.windowDays.includes(day) && hour >= p.windowStartHour && hour < p.windowEndHour;
}

/** A glob (`*` any run of characters, case-insensitive) against an app's display name or appId (pure). */
export function matchesAny(patterns: readonly string[], app: { displayName: string; appId: string }): boolean {
  return patterns.some((p) => {
    const re = new RegExp(`^${p.split("*").map(escapeRegExp).join(".*")}$`, "i");
    return re.test(app.displayName) || re.test(app.appId);
  });
}

/** A finished rotation that replaced this credential (the inventory lags until the next scan), or null. */
async function replacedBy(ctx: Ctx, appObjectId: string, keyId: string): Promise<string | null> {
  const db = await dbOf(ctx);
  const [r] = await db
    .select({ id: rotations.id })
    .from(rotations)
    .where(and(eq(rotations.appObjectId, appObjectId), eq(rotations.oldKeyId, keyId), eq(rotations.state, "done")))
    .limit(1);
  return r?.id ?? null;
}

const escapeRegExp = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

export interface AutoRunResult {
  /** why nothing was looked at (disabled, outside the window) */
  skipped?: string;
  started: { appObjectId: string; rotationId: string; expires: string }[];
  /** apps due but not started, with the reason (excluded, no link, blocked) */
  passed: { appObjectId: string; reason: string }[];
}

/** One pass of the job. `now` is the clock the window and the expiry are judged by (tests move it). */
export async function runAutoRotations(ctx: Ctx, o: { now?: Date; max?: number } = {}): Promise<AutoRunResult> {
  const now = o.now ?? new Date();
  const p = await readSetting(ctx, "rotation.auto");
  if (!p.enabled) return { skipped: "automatic rotation is off", started: [], passed: [] };
  if (!inWindow(p, now)) return { skipped: "outside the maintenance window", started: [], passed: [] };
  const horizon = new Date(now.getTime() + p.daysBeforeExpiry * 86_400_000);
  const db = await dbOf(ctx);
  const due = await db
    .selectDistinct({
      id: appRegistrations.id,
      appId: appRegistrations.appId,
      displayName: appRegistrations.displayName,
    })
    .from(appCredentials)
    .innerJoin(appRegistrations, eq(appRegistrations.id, appCredentials.appObjectId))
    .where(
      and(
        eq(appCredentials.type, "password"),
        isNull(appCredentials.removedAt),
        lt(appCredentials.endDateTime, horizon),
        eq(appRegistrations.kind, "application"),
        isNull(appRegistrations.removedAt),
      ),
    )
    .orderBy(appRegistrations.displayName);
  const out: AutoRunResult = { started: [], passed: [] };
  for (const app of due) {
    if (out.started.length >= (o.max ?? 10)) break;
    if (!matchesAny(p.include, app) || matchesAny(p.exclude, app)) {
      out.passed.push({ appObjectId: app.id, reason: "excluded by the patterns" });
      continue;
    }
    const plan = await planRotation({ ctx, input: { appObjectId: app.id }, consumers: false });
    const end = plan.replaces?.endDateTime;
    if (!end || end >= horizon) {
      // the secret the vaults hold is not the one expiring: rotating would replace a healthy credential
      out.passed.push({ appObjectId: app.id, reason: "the linked client secret does not expire in the window" });
      continue;
    }
    const replaced = await replacedBy(ctx, app.id, plan.replaces!.keyId);
    if (replaced) {
      // the inventory still lists a credential a finished rotation removed: it refreshes at the next scan
      out.passed.push({ appObjectId: app.id, reason: `already replaced by rotation ${replaced}` });
      continue;
    }
    if (plan.blockers.length) {
      out.passed.push({ appObjectId: app.id, reason: plan.blockers[0] });
      continue;
    }
    const { rotationId } = await startRotation({
      ctx,
      input: { appObjectId: app.id, keyId: plan.replaces!.keyId, updateReferences: p.updateReferences },
      trigger: { kind: "auto", reason: `client secret expires ${end.toISOString()}` },
    });
    out.started.push({ appObjectId: app.id, rotationId, expires: end.toISOString() });
  }
  if (out.started.length)
    log.info({ started: out.started.length, passed: out.passed.length }, "automatic rotations started");
  return out;
}
