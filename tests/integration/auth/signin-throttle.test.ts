import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  registerSigninAttempt,
  registerSigninAttemptFor,
  type SigninLimits,
  type ThrottleLimits,
} from "@/lib/auth/signin-throttle";
import { resetConfigForTests } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { signinThrottle } from "@/lib/db/schema";
import { requestMetaFrom } from "@/lib/web/request-meta";
import { newSigninClientCookie, signinBucket } from "@/lib/web/signin-client";
import { setupTestDb, type TestDb } from "../../helpers/test-db";

let t: TestDb;
beforeAll(async () => {
  t = await setupTestDb();
});
afterAll(async () => t.cleanup());

const LIMITS: ThrottleLimits = { max: 3, windowSeconds: 60, lockoutSeconds: 600 };
const T0 = new Date("2030-01-01T10:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

async function stored(ip: string) {
  const [row] = await (await getDb()).select().from(signinThrottle).where(eq(signinThrottle.ip, ip));
  return row;
}

describe("registerSigninAttempt", () => {
  it("allows max attempts, locks on max+1, keeps blocking during the lockout, resets after lockout + window", async () => {
    const db = await getDb();
    const ip = "203.0.113.10";
    for (let i = 1; i <= LIMITS.max; i++) {
      expect(await registerSigninAttempt(db, ip, LIMITS, at(i))).toEqual({ allowed: true, attempts: i });
    }
    // Attempt max+1 at T0+4s: newly locked until T0+604s.
    expect(await registerSigninAttempt(db, ip, LIMITS, at(4))).toEqual({
      allowed: false,
      newlyLocked: true,
      retryAfterSeconds: LIMITS.lockoutSeconds,
    });
    expect((await stored(ip)).lockedUntil?.getTime()).toBe(at(4 + LIMITS.lockoutSeconds).getTime());

    // Still locked: not newly, with the remaining time.
    expect(await registerSigninAttempt(db, ip, LIMITS, at(5))).toEqual({
      allowed: false,
      newlyLocked: false,
      retryAfterSeconds: 599,
    });
    expect(await registerSigninAttempt(db, ip, LIMITS, at(100))).toEqual({
      allowed: false,
      newlyLocked: false,
      retryAfterSeconds: 504,
    });
    // Past the window but still inside the lockout: the count does not reset.
    expect(await registerSigninAttempt(db, ip, LIMITS, at(400.5))).toEqual({
      allowed: false,
      newlyLocked: false,
      retryAfterSeconds: 204,
    });
    expect(await registerSigninAttempt(db, ip, LIMITS, at(603))).toMatchObject({
      allowed: false,
      newlyLocked: false,
      retryAfterSeconds: 1,
    });

    // After lockout + window: a fresh window.
    const fresh = 4 + LIMITS.lockoutSeconds + LIMITS.windowSeconds + 1;
    expect(await registerSigninAttempt(db, ip, LIMITS, at(fresh))).toEqual({ allowed: true, attempts: 1 });
    expect(await registerSigninAttempt(db, ip, LIMITS, at(fresh + 1))).toEqual({ allowed: true, attempts: 2 });
    const row = await stored(ip);
    expect(row.attempts).toBe(2);
    expect(row.windowStart.getTime()).toBe(at(fresh).getTime());
  });

  it("starts a new window once the previous one has passed (no lockout involved)", async () => {
    const db = await getDb();
    const ip = "203.0.113.11";
    expect(await registerSigninAttempt(db, ip, LIMITS, at(0))).toEqual({ allowed: true, attempts: 1 });
    expect(await registerSigninAttempt(db, ip, LIMITS, at(30))).toEqual({ allowed: true, attempts: 2 });
    expect(await registerSigninAttempt(db, ip, LIMITS, at(59))).toEqual({ allowed: true, attempts: 3 });
    expect(await registerSigninAttempt(db, ip, LIMITS, at(61))).toEqual({ allowed: true, attempts: 1 });
  });

  it("counts each address separately", async () => {
    const db = await getDb();
    const a = "203.0.113.20";
    const b = "203.0.113.21";
    const v6 = "2001:db8::21";
    for (let i = 0; i <= LIMITS.max; i++) await registerSigninAttempt(db, a, LIMITS, at(i));
    expect(await registerSigninAttempt(db, a, LIMITS, at(10))).toMatchObject({ allowed: false });
    expect(await registerSigninAttempt(db, b, LIMITS, at(10))).toEqual({ allowed: true, attempts: 1 });
    expect(await registerSigninAttempt(db, v6, LIMITS, at(10))).toEqual({ allowed: true, attempts: 1 });
    expect((await stored(b)).lockedUntil).toBeNull();
  });

  it("counts 30 concurrent attempts from one address exactly (atomic upsert)", async () => {
    const db = await getDb();
    const ip = "198.51.100.30";
    const limits = { max: 100, windowSeconds: 60, lockoutSeconds: 600 };
    const now = new Date();
    const results = await Promise.all(Array.from({ length: 30 }, () => registerSigninAttempt(db, ip, limits, now)));
    const counts = results.map((r) => (r.allowed ? r.attempts : -1)).sort((x, y) => x - y);
    expect(counts).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect((await stored(ip)).attempts).toBe(30);
  });

  it("lets exactly max of 30 concurrent attempts through and blocks the rest", async () => {
    const db = await getDb();
    const ip = "198.51.100.31";
    const limits = { max: 10, windowSeconds: 60, lockoutSeconds: 600 };
    const now = new Date();
    const results = await Promise.all(Array.from({ length: 30 }, () => registerSigninAttempt(db, ip, limits, now)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.filter((r) => !r.allowed)).toHaveLength(20);
    const row = await stored(ip);
    expect(row.attempts).toBe(30);
    expect(row.lockedUntil?.getTime()).toBe(now.getTime() + 600_000);
  });
});

describe("client address used as the throttle key", () => {
  it("behind a trusted proxy, takes the right-most X-Forwarded-For entry (the one the proxy appended)", () => {
    process.env.TRUST_PROXY = "true";
    resetConfigForTests();
    try {
      expect(requestMetaFrom(new Headers({ "x-forwarded-for": "1.2.3.4, 203.0.113.50" })).ip).toBe("203.0.113.50");
    } finally {
      delete process.env.TRUST_PROXY;
      resetConfigForTests();
    }
  });

  // Next.js keeps a client-sent X-Forwarded-For as is, so without a trusted proxy it must be ignored.
  it("with TRUST_PROXY=false (the default) a client-supplied X-Forwarded-For is not trusted", () => {
    delete process.env.TRUST_PROXY;
    resetConfigForTests();
    const meta = requestMetaFrom(new Headers({ "x-forwarded-for": "6.6.6.6" }));
    expect(meta.ip).not.toBe("6.6.6.6");
  });
});

describe("per-client buckets under a global ceiling", () => {
  const limits: SigninLimits = { max: 3, windowSeconds: 60, lockoutSeconds: 600, globalMax: 12 };
  const T1 = new Date("2031-01-01T10:00:00.000Z");
  const later = (seconds: number) => new Date(T1.getTime() + seconds * 1000);

  it("one client's burst locks that client only", async () => {
    const db = await getDb();
    for (let i = 0; i < limits.max; i++) {
      expect(await registerSigninAttemptFor(db, "client:noisy", limits, later(i))).toEqual({ allowed: true });
    }
    expect(await registerSigninAttemptFor(db, "client:noisy", limits, later(4))).toEqual({
      allowed: false,
      bucket: "client",
      newlyLocked: true,
      retryAfterSeconds: limits.lockoutSeconds,
    });
    expect(await registerSigninAttemptFor(db, "client:colleague", limits, later(5))).toEqual({ allowed: true });
    expect(await registerSigninAttemptFor(db, "client:none", limits, later(5))).toEqual({ allowed: true });
  });

  it("the global ceiling holds across many clients, and refused attempts do not use it up", async () => {
    const db = await getDb();
    // 5 allowed so far in this window (3 noisy, colleague, cookie-less); a locked client's retries cost nothing.
    for (let i = 0; i < 20; i++) await registerSigninAttemptFor(db, "client:noisy", limits, later(6));
    let allowed = 0;
    let refused: Awaited<ReturnType<typeof registerSigninAttemptFor>> | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      const d = await registerSigninAttemptFor(db, `client:fresh-${i}`, limits, later(7));
      if (d.allowed) allowed++;
      else refused = d;
    }
    expect(allowed).toBe(limits.globalMax - 5);
    expect(refused).toMatchObject({ allowed: false, bucket: "global", newlyLocked: true });
    // Still refused for everyone inside the window, then open again.
    expect(await registerSigninAttemptFor(db, "client:colleague", limits, later(30))).toMatchObject({
      allowed: false,
      bucket: "global",
    });
    expect(await registerSigninAttemptFor(db, "client:colleague", limits, later(200))).toEqual({ allowed: true });
  });
});

describe("which bucket an attempt counts in", () => {
  const meta = (ip?: string) => ({ requestId: "00000000-0000-4000-8000-000000000000", ip });

  it("behind a trusted proxy: the client address", () => {
    expect(signinBucket(meta("203.0.113.9"), undefined, true)).toEqual({ key: "ip:203.0.113.9", kind: "address" });
  });

  it("otherwise: the browser's signed sign-in cookie, one bucket per browser", () => {
    const a = newSigninClientCookie().value;
    const b = newSigninClientCookie().value;
    const ka = signinBucket(meta(), a, false);
    expect(ka.kind).toBe("browser");
    expect(ka.key).not.toContain(a.split(".")[0]);
    expect(signinBucket(meta(), a, false)).toEqual(ka);
    expect(signinBucket(meta(), b, false).key).not.toBe(ka.key);
  });

  it("no cookie, a malformed one or a forged one: the shared cookie-less bucket", () => {
    const real = newSigninClientCookie().value;
    const forged = `${real.split(".")[0]}.${"A".repeat(22)}`;
    for (const token of [undefined, "", "garbage", forged, `${real}x`]) {
      expect(signinBucket(meta(), token, false)).toEqual({ key: "client:none", kind: "cookieless" });
    }
  });
});
