import { mkdirSync } from "node:fs";
import { expect, signInAs, test } from "./fixtures";

test("every response carries strict security headers", async ({ page }) => {
  const res = await page.goto("/signin");
  const h = res!.headers();
  expect(h["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(h["permissions-policy"]).toContain("camera=()");
  expect(h["x-powered-by"]).toBeUndefined();
  const api = await page.request.get("/api/healthz");
  expect(api.headers()["x-frame-options"]).toBe("DENY");
  expect(await api.json()).toEqual({ status: "ok" });
  const ready = await page.request.get("/api/readyz");
  expect(await ready.json()).toEqual({ ready: true, database: "up", migrations: "current" });
});

test("the audit log filters and paginates on the server", async ({ page }) => {
  await signInAs(page, "auditor");
  await page.getByTestId("nav").getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByTestId("audit-table")).toBeVisible();
  await page.getByLabel("Action").selectOption("auth.signin.success");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=auth.signin.success/);
  const actions = page.getByTestId("audit-table").locator("tbody tr td:nth-child(3) code");
  await expect(actions.first()).toHaveText("auth.signin.success");
  expect(new Set(await actions.allTextContents())).toEqual(new Set(["auth.signin.success"]));
  await page.getByLabel("Actor").fill("auditor@contoso.example");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId("audit-table").locator("tbody tr").first()).toContainText("auditor@contoso.example");

  // Out-of-range pages clamp to the last page; the page size stays in the URL.
  await page.goto("/audit?pageSize=25&page=999");
  const total = page.getByTestId("audit-total");
  await expect(total).toHaveText(/· page (\d+) of \1$/);
  await expect(page.getByTestId("audit-table").locator("tbody tr").first()).not.toContainText("No audit entries");
  await expect(page.getByRole("link", { name: "Older →" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "25 rows per page" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "50 rows per page" })).toHaveAttribute("href", "/audit");
});

test("unknown pages show a helpful 404", async ({ page }) => {
  await signInAs(page, "viewer");
  const res = await page.goto("/does-not-exist");
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toBeVisible();
});

test("screenshots of every page in light and dark", async ({ page, context }) => {
  const dir = "test-results/screenshots";
  mkdirSync(dir, { recursive: true });
  await page.goto("/signin");
  await page.screenshot({ path: `${dir}/signin-light.png`, fullPage: true });
  await signInAs(page, "admin");
  for (const theme of ["light", "dark"] as const) {
    await context.addCookies([{ name: "cc-theme", value: theme, url: page.url() }]);
    for (const [name, path] of [
      ["dashboard", "/"],
      ["audit", "/audit"],
      ["reports", "/reports"],
      ["settings", "/settings"],
      ["sessions", "/settings/sessions"],
      ["404", "/nope"],
    ] as const) {
      await page.goto(path);
      await expect(page.locator("html")).toHaveClass(theme);
      await page.screenshot({ path: `${dir}/${name}-${theme}.png`, fullPage: true });
    }
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/");
  await page.screenshot({ path: `${dir}/dashboard-mobile.png`, fullPage: true });
});

test("a page view renders one page on the server: no prefetch of the pages it links to", async ({ page }) => {
  // Every console page is dynamic and per user: a viewport prefetch renders the linked page on the server for a
  // click that mostly never comes (the navigation alone once made one inventory view cost 14 extra renders).
  await signInAs(page, "admin");
  const prefetches: string[] = [];
  page.on("request", (req) => {
    if (req.headers()["next-router-prefetch"]) prefetches.push(req.url());
  });
  for (const path of ["/", "/inventory", "/vaults", "/apps", "/compliance", "/scans", "/settings"]) {
    await page.goto(path, { waitUntil: "networkidle" });
    await page.mouse.move(100, 200); // hovering the navigation must not prefetch either
    await page.getByTestId("nav").getByRole("link", { name: "Vaults" }).hover();
    await page.waitForTimeout(300);
  }
  expect(prefetches).toEqual([]);
  // Links still navigate client-side: one request reaches the server (the RSC payload), no document load. The
  // favicon, which Chromium asks for again after each navigation, comes from the browser's cache (one request id).
  let loads = 0;
  page.on("load", () => loads++);
  const served = new Set<string>();
  page.on("response", (res) => {
    const id = res.headers()["x-request-id"];
    if (id && !res.url().includes("/_next/static/")) served.add(id);
  });
  for (const name of ["Inventory", "Vaults", "Inventory"]) {
    await page.getByTestId("nav").getByRole("link", { name, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await page.waitForLoadState("networkidle");
  }
  await expect(page.getByTestId("inventory-table")).toBeVisible();
  expect(loads, "the navigation link reloads nothing").toBe(0);
  // three navigations: three RSC responses, plus at most the favicon's first fetch
  expect(served.size).toBeLessThanOrEqual(4);
});
