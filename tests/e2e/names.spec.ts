import { expect, signInAs, test, withDb } from "./fixtures";

/**
 * Names, not ids (issue 9, items 11–12): audit targets, detail page titles, EKUs and the subscription scope picker.
 * Runs after discovery.spec.ts (files run in name order), so the tiny estate has been scanned.
 */
test.describe.configure({ mode: "serial" });

test("audit targets show names and link to their pages; the date filters take ISO dates", async ({ page }) => {
  await signInAs(page, "auditor");
  await page.goto("/audit");
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  expect(await page.locator("main").textContent()).not.toContain("`");
  const from = page.getByLabel("From");
  await expect(from).toHaveAttribute("type", "text");
  await expect(from).toHaveAttribute("placeholder", "YYYY-MM-DD");
  await from.fill("2000-01-01");
  await page.getByLabel("Action").selectOption("discovery.scan.completed");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/from=2000-01-01/);
  const target = page.getByTestId("audit-table").locator("tbody tr").first().locator("td:nth-child(4) a");
  await expect(target).toHaveText(/^(Full|Delta|Forced) scan of \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  await target.click();
  await expect(page).toHaveURL(/\/scans\/[0-9a-f-]{36}$/);
  await expect(page).toHaveTitle(/^(Full|Delta|Forced) scan of .* · CertifyClouds$/);

  await page.goto("/audit?action=discovery.vault.error");
  const vault = page.getByTestId("audit-table").locator("tbody tr").first().locator("td:nth-child(4) a");
  const name = await vault.textContent();
  expect(name).not.toMatch(/\/subscriptions\//);
  await vault.click();
  await expect(page).toHaveURL(/\/vaults\/[A-Za-z0-9_-]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name!);
});

test("detail pages are titled with the object's name; EKUs read as names", async ({ page }) => {
  await signInAs(page, "viewer");
  const cert = await withDb(
    async (c) =>
      (
        await c.query(
          "select id::text, name from assets where type = 'certificate' and detail->'policy'->'enhancedKeyUsage' is not null and removed_at is null limit 1",
        )
      ).rows[0] as { id: string; name: string },
  );
  await page.goto(`/inventory/${cert.id}`);
  await expect(page).toHaveTitle(`${cert.name} · CertifyClouds`);
  const detail = page.getByTestId("cert-detail").locator("..");
  await expect(detail).toContainText("Server Authentication");
  await expect(detail).not.toContainText("1.3.6.1.5.5.7.3.1");

  const vault = await withDb(
    async (c) =>
      (await c.query("select id, name from vaults order by name limit 1")).rows[0] as { id: string; name: string },
  );
  await page.goto(`/vaults/${Buffer.from(vault.id.toLowerCase()).toString("base64url")}`);
  await expect(page).toHaveTitle(`${vault.name} · CertifyClouds`);
  const app = await withDb(
    async (c) =>
      (await c.query("select id, display_name from app_registrations order by display_name limit 1")).rows[0] as {
        id: string;
        display_name: string;
      },
  );
  await page.goto(`/apps/${encodeURIComponent(app.id)}`);
  await expect(page).toHaveTitle(`${app.display_name} · CertifyClouds`);
});

test("the subscriptions in scope are picked by name", async ({ page }) => {
  await signInAs(page, "admin");
  const sub = await withDb(
    async (c) =>
      (await c.query("select id, display_name from subscriptions order by display_name limit 1")).rows[0] as {
        id: string;
        display_name: string;
      },
  );
  await page.goto("/settings");
  const picker = page.getByTestId("allowlist-picker");
  await picker.getByRole("checkbox", { name: sub.display_name }).check();
  await page.getByTestId("allowlist-form").getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("allowlist-form")).toContainText("Saved");
  const stored = async () =>
    withDb(
      async (c) =>
        (await c.query("select value from settings where key = 'discovery.subscriptions'")).rows[0]?.value as {
          allowList: string[];
        },
    );
  expect((await stored()).allowList).toEqual([sub.id.toLowerCase()]);
  // Back to every subscription, so later scans keep their scope.
  await picker.getByRole("checkbox", { name: sub.display_name }).uncheck();
  await page.getByTestId("allowlist-form").getByRole("button", { name: "Save" }).click();
  await expect.poll(async () => (await stored()).allowList).toEqual([]);
});

test("the dashboard exports objects, app credentials and vault posture", async ({ page }) => {
  await signInAs(page, "viewer");
  const menu = page.getByTestId("export-menu");
  for (const [label, file, header] of [
    ["Objects", /^certifyclouds-inventory-.*\.csv$/, "type,name,vault"],
    ["App credentials", /^certifyclouds-app-credentials-.*\.csv$/, "application,kind,app_id"],
    ["Vault posture", /^certifyclouds-vault-posture-.*\.csv$/, "vault,subscription_id,subscription"],
  ] as const) {
    await menu.locator("summary").click();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      menu.getByRole("link", { name: label }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(file);
    const text = (await (await download.createReadStream()).toArray()).join("");
    expect(text.replace(/^\uFEFF/, "").startsWith(header)).toBe(true);
    expect(text.split("\r\n").length).toBeGreaterThan(2);
    await page.goto("/");
  }
});

test("the start-scan form asks for the mode and the scope once each", async ({ page }) => {
  await signInAs(page, "operator");
  await page.goto("/scans");
  const form = page.getByTestId("start-scan-form");
  await expect(form.getByRole("group", { name: "Mode" })).toHaveCount(1);
  await expect(form.getByRole("group", { name: "Scope" })).toHaveCount(1);
  await expect(form.getByRole("radio", { name: "Chosen subscriptions" })).toHaveCount(1);
});
