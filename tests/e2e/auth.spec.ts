import { expect, signInAs, test, withDb } from "./fixtures";

const READ = ["Dashboard", "Inventory", "Vaults", "App registrations", "Compliance", "Scans", "Rotations"];
const NAV = {
  viewer: [...READ, "Settings"],
  auditor: [...READ, "Audit log", "Reports", "Settings"],
  operator: [...READ, "Audit log", "Reports", "Settings"],
  admin: [...READ, "Alerts", "Audit log", "Reports", "Settings"],
} as const;

test.describe("sign-in and roles", () => {
  for (const [persona, items] of Object.entries(NAV)) {
    test(`${persona} signs in through Entra and sees only their modules`, async ({ page }) => {
      await signInAs(page, persona as keyof typeof NAV);
      await expect(page.getByRole("heading", { level: 1 })).toContainText("Dashboard");
      await expect(page.getByTestId("role-badge")).toHaveText(persona.charAt(0).toUpperCase() + persona.slice(1));
      await expect(page.getByTestId("nav").getByRole("link")).toHaveText([...items]);
      await expect(page.getByTestId("tenant")).toContainText("Contoso (demo)");
      await page.getByRole("link", { name: "Settings" }).click();
      await expect(page.getByText(`${persona}@contoso.example`).first()).toBeVisible();
      const manage = page.getByTestId("manage-sessions");
      if (persona === "admin") await expect(manage).toBeVisible();
      else await expect(manage).toHaveCount(0);
    });
  }

  test("a group member gets the role mapped to the group", async ({ page }) => {
    await signInAs(page, "grouponly");
    await expect(page.getByTestId("role-badge")).toHaveText("Operator");
  });

  test("a user with no app role sees which roles to ask for, and the attempt is audited", async ({ page }) => {
    await signInAs(page, "norole", /\/no-access$/);
    await expect(page.getByTestId("no-access")).toBeVisible();
    for (const r of [
      "CertifyClouds.Admin",
      "CertifyClouds.Operator",
      "CertifyClouds.Auditor",
      "CertifyClouds.Viewer",
    ]) {
      await expect(page.getByText(r, { exact: true })).toBeVisible();
    }
    await page.goto("/audit");
    await expect(page).toHaveURL(/\/no-access$/);
    const denied = await withDb((c) =>
      c.query(
        "select count(*)::int n from audit_log where action = 'auth.access.denied' and actor_name = 'norole@contoso.example'",
      ),
    );
    expect(denied.rows[0].n).toBeGreaterThanOrEqual(1);
  });

  test("a viewer opening the audit log gets a 403 page, and the denial is audited", async ({ page }) => {
    await signInAs(page, "viewer");
    const res = await page.goto("/audit");
    expect(res?.status()).toBe(403);
    await expect(page.getByTestId("forbidden")).toBeVisible();
    const rows = await withDb((c) =>
      c.query(
        "select target_id from audit_log where action = 'auth.access.denied' and actor_name = 'viewer@contoso.example' order by seq desc limit 1",
      ),
    );
    expect(rows.rows[0]?.target_id).toBe("page /audit");
    const api = await page.request.get("/api/audit");
    expect(api.status()).toBe(403);
    expect(await api.json()).toMatchObject({ code: "forbidden" });
  });

  test("anonymous visitors are sent to sign-in and APIs answer 401", async ({ page }) => {
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fsettings|\/signin$/);
    const api = await page.request.get("/api/me");
    expect(api.status()).toBe(401);
  });

  test("sign-out ends the session", async ({ page }) => {
    await signInAs(page, "auditor");
    await page.getByTestId("sign-out").first().click();
    await expect(page).toHaveURL(/\/signin\?signedOut=1/);
    await expect(page.getByText("You have signed out.")).toBeVisible();
    await page.goto("/");
    await expect(page).toHaveURL(/\/signin/);
    const rows = await withDb((c) =>
      c.query(
        "select count(*)::int n from audit_log where action = 'auth.signout' and actor_name = 'auditor@contoso.example'",
      ),
    );
    expect(rows.rows[0].n).toBeGreaterThanOrEqual(1);
  });

  test("the session cookie is HttpOnly and SameSite=Lax", async ({ page, context }) => {
    await signInAs(page, "viewer");
    const cookie = (await context.cookies()).find((c) => c.name.endsWith("cc.session"));
    expect(cookie).toBeDefined();
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe("Lax");
  });
});

test.describe("sessions", () => {
  test("an admin revokes another user's session; it stops working on the next request", async ({
    browser,
    clientIp,
  }) => {
    const headers = { "x-forwarded-for": clientIp };
    const victimCtx = await browser.newContext({ extraHTTPHeaders: headers });
    const adminCtx = await browser.newContext({ extraHTTPHeaders: headers });
    const victim = await victimCtx.newPage();
    const admin = await adminCtx.newPage();
    await signInAs(victim, "operator");
    await signInAs(admin, "admin");
    await admin.goto("/settings/sessions");
    const rows = admin.getByTestId("session-row").filter({ hasText: "operator@contoso.example" });
    await expect(rows.first()).toBeVisible();
    const before = await rows.count();
    // Newest activity first: the first operator row is the victim's fresh session.
    await rows.first().getByRole("button", { name: "Revoke" }).click();
    await expect(rows).toHaveCount(before - 1);
    await victim.goto("/settings");
    await expect(victim).toHaveURL(/\/signin/);
    const audited = await withDb((c) =>
      c.query("select details from audit_log where action = 'auth.session.revoked' order by seq desc limit 1"),
    );
    expect(audited.rows[0].details.userUpn).toBe("operator@contoso.example");
    await victimCtx.close();
    await adminCtx.close();
  });

  test("an idle session expires", async ({ page }) => {
    await signInAs(page, "viewer");
    await expect(page.getByTestId("role-badge")).toBeVisible();
    // Age the session past the idle timeout (30 min in this suite) instead of waiting for it.
    await withDb((c) =>
      c.query(
        "update sessions set last_seen_at = now() - interval '31 minutes' where user_id = (select id from users where upn = 'viewer@contoso.example')",
      ),
    );
    await page.reload();
    await expect(page).toHaveURL(/\/signin/);
  });

  test("sign-in attempts are rate-limited per address with a temporary lockout", async ({ page }) => {
    // The suite allows 5 attempts per address; this test's address is its own.
    for (let i = 0; i < 5; i++) {
      const csrf = await (await page.request.get("/api/auth/csrf")).json();
      const r = await page.request.post("/api/auth/signin/azure-ad", {
        form: { csrfToken: csrf.csrfToken, callbackUrl: "/", json: "true" },
      });
      expect(r.status(), `attempt ${i + 1}`).toBe(200);
    }
    await page.goto("/signin");
    await page.getByTestId("sign-in").click();
    await expect(page).toHaveURL(/error=RateLimited/);
    await expect(page.getByTestId("signin-error")).toContainText("Too many sign-in attempts");
    const locked = await withDb((c) =>
      c.query("select count(*)::int n from audit_log where action = 'auth.signin.locked'"),
    );
    expect(locked.rows[0].n).toBeGreaterThanOrEqual(1);
  });
});
