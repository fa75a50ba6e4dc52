import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { signinThrottle } from "../db/schema";

export interface ThrottleLimits {
  max: number;
  windowSeconds: number;
  lockoutSeconds: number;
}

export type ThrottleDecision =
  { allowed: true; attempts: number } | { allowed: false; retryAfterSeconds: number; newlyLocked: boolean };

/**
 * Counts one sign-in attempt in the bucket `key` (a client, or all clients) in a fixed window, atomically (one upsert),
 * so replicas share the count. Past `max` attempts the bucket is locked out for `lockoutSeconds`. The table's key
 * column is still named `ip`, after the only kind of bucket it once held.
 */
export async function registerSigninAttempt(
  db: Db,
  key: string,
  limits: ThrottleLimits,
  now = new Date(),
): Promise<ThrottleDecision> {
  const windowCutoff = new Date(now.getTime() - limits.windowSeconds * 1000);
  // A new window starts when a lockout has ended, or when the old window has passed without a lockout.
  const fresh = sql`((${signinThrottle.lockedUntil} is not null and ${signinThrottle.lockedUntil} <= ${now}) or (${signinThrottle.lockedUntil} is null and ${signinThrottle.windowStart} < ${windowCutoff}))`;
  const [row] = await db
    .insert(signinThrottle)
    .values({ ip: key, windowStart: now, attempts: 1, lockedUntil: null })
    .onConflictDoUpdate({
      target: signinThrottle.ip,
      set: {
        windowStart: sql`case when ${fresh} then ${now} else ${signinThrottle.windowStart} end`,
        attempts: sql`case when ${fresh} then 1 else ${signinThrottle.attempts} + 1 end`,
        lockedUntil: sql`case when ${fresh} then null else ${signinThrottle.lockedUntil} end`,
      },
    })
    .returning();
  if (row.lockedUntil && row.lockedUntil > now) {
    return {
      allowed: false,
      retryAfterSeconds: Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000),
      newlyLocked: false,
    };
  }
  if (row.attempts > limits.max) {
    const lockedUntil = new Date(now.getTime() + limits.lockoutSeconds * 1000);
    await db
      .update(signinThrottle)
      .set({ lockedUntil })
      .where(sql`${signinThrottle.ip} = ${key}`);
    return { allowed: false, retryAfterSeconds: limits.lockoutSeconds, newlyLocked: true };
  }
  return { allowed: true, attempts: row.attempts };
}

/** The per-client limits plus the ceiling on all clients together per window. */
export interface SigninLimits extends ThrottleLimits {
  globalMax: number;
}

export type SigninDecision =
  { allowed: true } | { allowed: false; bucket: "client" | "global"; retryAfterSeconds: number; newlyLocked: boolean };

const GLOBAL_BUCKET = "global";

/**
 * One sign-in attempt from the client `clientKey` (see lib/web/signin-client.ts): first against that client's own
 * limit and lockout, then — only if the client was allowed, so a locked-out client's retries cost nobody else
 * anything — against the global ceiling, which refuses everyone until its window ends but never locks anyone out for
 * longer. See docs/adr/0004.
 */
export async function registerSigninAttemptFor(
  db: Db,
  clientKey: string,
  limits: SigninLimits,
  now = new Date(),
): Promise<SigninDecision> {
  const client = await registerSigninAttempt(db, clientKey, limits, now);
  if (!client.allowed) return { ...client, bucket: "client" };
  const global = await registerSigninAttempt(
    db,
    GLOBAL_BUCKET,
    { max: limits.globalMax, windowSeconds: limits.windowSeconds, lockoutSeconds: limits.windowSeconds },
    now,
  );
  if (!global.allowed) return { ...global, bucket: "global" };
  return { allowed: true };
}
