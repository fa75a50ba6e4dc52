/**
 * Automatic rotation (the rotation-auto job): inside the maintenance window, every app whose client secret — the one a
 * rotation would replace — or Key Vault-held certificate expires within `daysBeforeExpiry` (or has expired) is
 * rotated, when it has an active link (a certificate: a Key Vault certificate with its thumbprint), matches the
 * include patterns and no exclude pattern (an Admin's per-app switch overrides both), and has no rotation open. Each
 * start is the same verb an Operator uses (plan, blockers, audit), marked `trigger: auto`; with approval required it
 * waits for an Admin. One rotation per app and pass: the credential that expires first.
 */
import { and, asc, eq, inArray, isNull, lt } from "drizzle-orm";
import type { Ctx } from "../context";
import { appCredentials, appRegistrations, rotations } from "../db/schema";
import { dbOf } from "../db/transaction";
import { logger } from "../log";
import type { SettingValue } from "../settings/definitions";
import { readSetting } from "../settings/store";
import { appAutoPolicies } from "./app-policy";
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

/** Plans the rotation of one due credential and starts it, or says why not. */
async function startDue(
  ctx: Ctx,
  appObjectId: string,
  keyId: string | undefined,
  horizon: Date,
  updateReferences: boolean,
): Promise<{ rotationId: string; expires: string } | { reason: string }> {
  const plan = await planRotation({ ctx, input: { appObjectId, keyId }, consumers: false });
  const end = plan.replaces?.endDateTime;
  // the secret the vaults hold is not the one expiring: rotating would replace a healthy credential
  if (!end || end >= horizon) return { reason: "the linked client secret does not expire in the window" };
  const replaced = await replacedBy(ctx, appObjectId, plan.replaces!.keyId);
  // the inventory still lists a credential a finished rotation removed: it refreshes at the next scan
  if (replaced) return { reason: `already replaced by rotation ${replaced}` };
  if (plan.blockers.length) return { reason: plan.blockers[0] };
  const what = plan.kind === "certificate" ? "certificate" : "client secret";
  const { rotationId } = await startRotation({
    ctx,
    input: { appObjectId, keyId: plan.replaces!.keyId, updateReferences: plan.kind === "secret" && updateReferences },
    trigger: { kind: "auto", reason: `${what} expires ${end.toISOString()}` },
  });
  return { rotationId, expires: end.toISOString() };
}

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
  const rows = await db
    .select({
      id: appRegistrations.id,
      appId: appRegistrations.appId,
      displayName: appRegistrations.displayName,
      keyId: appCredentials.keyId,
      type: appCredentials.type,
    })
    .from(appCredentials)
    .innerJoin(appRegistrations, eq(appRegistrations.id, appCredentials.appObjectId))
    .where(
      and(
        inArray(appCredentials.type, ["password", "certificate"]),
        isNull(appCredentials.removedAt),
        lt(appCredentials.endDateTime, horizon),
        eq(appRegistrations.kind, "application"),
        isNull(appRegistrations.removedAt),
      ),
    )
    .orderBy(asc(appRegistrations.displayName), asc(appCredentials.endDateTime));
  // per app, its due credentials, the one expiring first first (client secrets count once: the plan picks the linked one)
  const due = new Map<string, { app: (typeof rows)[number]; creds: { keyId?: string; type: string }[] }>();
  for (const r of rows) {
    const d = due.get(r.id) ?? { app: r, creds: [] };
    if (r.type === "certificate") d.creds.push({ keyId: r.keyId, type: r.type });
    else if (!d.creds.some((c) => c.type === "password")) d.creds.push({ type: r.type });
    due.set(r.id, d);
  }
  const switches = await appAutoPolicies(ctx);
  const out: AutoRunResult = { started: [], passed: [] };
  for (const { app, creds } of due.values()) {
    if (out.started.length >= (o.max ?? 10)) break;
    const choice = switches.get(app.id);
    if (choice === "never") {
      out.passed.push({ appObjectId: app.id, reason: "automatic rotation is off for this app" });
      continue;
    }
    if (choice !== "always" && (!matchesAny(p.include, app) || matchesAny(p.exclude, app))) {
      out.passed.push({ appObjectId: app.id, reason: "excluded by the patterns" });
      continue;
    }
    for (const cred of creds) {
      const outcome = await startDue(ctx, app.id, cred.keyId, horizon, p.updateReferences);
      if ("rotationId" in outcome) {
        out.started.push({ appObjectId: app.id, ...outcome });
        break;
      }
      out.passed.push({ appObjectId: app.id, reason: outcome.reason });
    }
  }
  if (out.started.length)
    log.info({ started: out.started.length, passed: out.passed.length }, "automatic rotations started");
  return out;
}
