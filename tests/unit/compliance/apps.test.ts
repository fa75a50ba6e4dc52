/** App-registration rules at their boundaries. */
import { describe, expect, test } from "vitest";
import { app, credential, inDays, now, status } from "./fixtures";

describe("app credentials", () => {
  test("expired: end at or before now", () => {
    expect(status("app-credential-expired", credential({ endDateTime: now }))).toBe("fail");
    expect(status("app-credential-expired", credential({ endDateTime: inDays(0, 1) }))).toBe("pass");
    expect(status("app-credential-expired", credential({ endDateTime: null }))).toBe("unknown");
  });
  test("expiring: exactly N days left passes, one ms less fails, expired is not applicable", () => {
    const r = "app-credential-expiring";
    expect(status(r, credential({ endDateTime: inDays(30) }))).toBe("pass");
    expect(status(r, credential({ endDateTime: inDays(30, -1) }))).toBe("fail");
    expect(status(r, credential({ endDateTime: inDays(-1) }))).toBe("notApplicable");
  });
  test("lifetime: exactly 730 days passes, one ms more fails", () => {
    const r = "app-credential-lifetime";
    expect(status(r, credential({ startDateTime: now, endDateTime: inDays(730) }))).toBe("pass");
    expect(status(r, credential({ startDateTime: now, endDateTime: inDays(730, 1) }))).toBe("fail");
    expect(status(r, credential({ startDateTime: null }))).toBe("unknown");
  });
});

describe("apps", () => {
  test("no owner fails for applications; service principals not applicable", () => {
    expect(status("app-no-owner", app({ ownerCount: 0 }))).toBe("fail");
    expect(status("app-no-owner", app())).toBe("pass");
    expect(status("app-no-owner", app({ kind: "servicePrincipal", ownerCount: 0 }))).toBe("notApplicable");
  });
  test("stale credentials: ended more than N days ago fails, exactly N passes", () => {
    const r = "app-stale-credentials";
    expect(status(r, app({ credentials: [{ keyId: "k", endDateTime: inDays(-30) }] }))).toBe("pass");
    expect(status(r, app({ credentials: [{ keyId: "k", endDateTime: inDays(-30, -1) }] }))).toBe("fail");
    expect(status(r, app({ credentials: [] }))).toBe("notApplicable");
  });
});
