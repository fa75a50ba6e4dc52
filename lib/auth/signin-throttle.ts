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
 * Counts one sign-in attempt from `ip` in a fixed window, atomically (one upsert), so replicas share the count.
 * Past `max` attempts the address is locked out for `lockoutSeconds`.
 */
export async function registerSigninAttempt(
  db: Db,
  ip: string,
  limits: ThrottleLimits,
  now = new Date(),
): Promise<ThrottleDecision> {
  const windowCutoff = new Date(now.getTime() - limits.windowSeconds * 1000);
  // A new window starts when a lockout has ended, or when the old window has passed without a lockout.
  const fresh = sql`((${signinThrottle.lockedUntil} is not null and ${signinThrottle.lockedUntil} <= ${now}) or (${signinThrottle.lockedUntil} is null and ${signinThrottle.windowStart} < ${windowCutoff}))`;
  const [row] = await db
    .insert(signinThrottle)
    .values({ ip, windowStart: now, attempts: 1, lockedUntil: null })
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
      .where(sql`${signinThrottle.ip} = ${ip}`);
    return { allowed: false, retryAfterSeconds: limits.lockoutSeconds, newlyLocked: true };
  }
  return { allowed: true, attempts: row.attempts };
}
