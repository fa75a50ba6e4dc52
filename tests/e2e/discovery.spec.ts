import { mkdirSync, readFileSync } from "node:fs";
import { expect, signInAs, test, withDb } from "./fixtures";

/**
 * Discovery console against the local cloud (tiny estate) and the in-process scheduler: an operator scans, the
 * dashboard, inventory, CSV export and vault remediation reflect it, and a viewer cannot start a scan.
 */
test.describe.configure({ mode: "serial" });

/** The start-scan server action request as the browser sent it (replayed as a viewer below). */
let startScanRequest: { url: string; headers: Record<string, string>; body: string } | undefined;
const SHOTS = "test-results/screenshots";

test("as operator: start a full scan from /scans and watch it complete live", async ({ page }) => {
  test.setTimeout(180_000);
  await signInAs(page, "operator");
  // Fresh database: the dashboard invites the operator to run the first scan (unless the scheduler's first run got there first).
  const scans = await withDb(
    async (c) => (await c.query("select count(*)::int as n from scan_runs")).rows[0].n as number,
  );
  if (scans === 0) await expect(page.getByTestId("dashboard-empty")).toContainText("Run your first scan");
  // A fresh install queues one scheduled scan right away; let it finish so this test starts its own.
  await expect
    .poll(
      async () =>
        withDb(
          async (c) =>
            (await c.query("select count(*)::int as n from scan_runs where status in ('queued', 'running')")).rows[0]
              .n as number,
        ),
      { timeout: 120_000, intervals: [1000] },
    )
    .toBe(0);
  await page.getByTestId("nav").getByRole("link", { name: "Scans" }).click();
  await expect(page).toHaveURL(/\/scans$/);
  const form = page.getByTestId("start-scan-form");
  await expect(form).toBeVisible();
  await form.getByLabel(/^Full/).check();
  let loads = 0;
  page.on("load", () => loads++);
  page.on("request", (req) => {
    if (req.method() === "POST" && req.headers()["next-action"] && !startScanRequest)
      startScanRequest = { url: req.url(), headers: req.headers(), body: req.postData() ?? "" };
  });
  await page.getByTestId("start-scan").click();
  const live = page.getByTestId("live-scan").first();
  await expect(live).toBeVisible();
  await expect(live).toContainText("full scan · manual · by operator@contoso.example");
  await expect(live.getByTestId("scan-status")).toHaveText(/Completed|Completed with errors/, { timeout: 150_000 });
  await expect(live.getByTestId("scan-percent")).toHaveText("100%");
  await expect(live.getByTestId("scan-vaults")).toContainText("5 / 5 vaults");
  expect(Number((await live.getByTestId("scan-objects").textContent())!.replace(/,/g, ""))).toBeGreaterThan(0);
  expect(loads, "progress must update without a page reload").toBe(0);
  await expect(page.getByTestId("scan-history").locator("tbody tr").first()).toContainText(/Completed/);
  expect(startScanRequest, "the start-scan server action request was captured").toBeDefined();
  const row = await withDb(
    async (c) =>
      (await c.query("select mode, trigger, status, requested_by from scan_runs order by created_at desc limit 1"))
        .rows[0],
  );
  expect(row).toMatchObject({ mode: "full", trigger: "manual", requested_by: "operator@contoso.example" });
});

test("as operator: the dashboard shows KPIs, coverage and risks", async ({ page }) => {
  await signInAs(page, "operator");
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  const secrets = Number(await page.getByTestId("kpi-secret-total").textContent());
  const dbCount = await withDb(
    async (c) =>
      (await c.query("select count(*)::int as n from assets where type = 'secret' and removed_at is null")).rows[0]
        .n as number,
  );
  expect(secrets).toBe(dbCount);
  expect(secrets).toBeGreaterThan(0);
  await expect(page.getByTestId("kpi-vaults-total")).toHaveText("5");
  await expect(page.getByTestId("coverage")).toContainText("/5 vaults read");
  await expect(page.getByTestId("last-scan")).toContainText(/Completed/);
  await expect(page.getByTestId("expiry-timeline").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("top-risks")).toBeVisible();
  // a KPI's status line opens the inventory filtered by it, client-side
  let loads = 0;
  page.on("load", () => loads++);
  await page.getByTestId("kpi-secret").getByRole("link").first().click();
  await expect(page).toHaveURL(/\/inventory\?.*type=secret/);
  await expect(page.getByTestId("inventory-table")).toBeVisible();
  expect(loads, "the KPI link reloads no document").toBe(0);
});

test("as operator: inventory filters on the server and exports the filtered view as CSV", async ({ page }) => {
  await signInAs(page, "operator");
  await page.goto("/inventory");
  const table = page.getByTestId("inventory-table");
  await expect(table.locator("tbody tr").first()).toBeVisible();
  const all = Number((await page.getByTestId("inventory-total").textContent())!.match(/^[\d,]+/)![0].replace(/,/g, ""));
  // Filtering, sorting and paging navigate client-side: one RSC request each, never a document reload.
  let loads = 0;
  page.on("load", () => loads++);
  await page.getByLabel("Type").selectOption("certificate");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/type=certificate/);
  const types = await table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-type")));
  expect(new Set(types)).toEqual(new Set(["certificate"]));
  const certs = Number(
    (await page.getByTestId("inventory-total").textContent())!.match(/^[\d,]+/)![0].replace(/,/g, ""),
  );
  expect(certs).toBeGreaterThan(0);
  expect(certs).toBeLessThan(all);
  // the list changes without a page load: its "N objects · page x of y" line is announced
  await expect(page.getByTestId("inventory-total")).toHaveAttribute("aria-live", "polite");
  await page.getByRole("link", { name: "25 rows per page" }).click();
  await expect(page).toHaveURL(/type=certificate.*pageSize=25/);
  if (certs > 25) {
    await page.getByRole("link", { name: "Next →" }).click();
    await expect(page.getByTestId("inventory-total")).toContainText("page 2 of");
  }
  await table.getByRole("columnheader", { name: "Name", exact: true }).getByRole("link").click();
  await expect(page).toHaveURL(/sort=name/);
  // the form shows the view it is on, not what its fields held before the navigation
  await expect(page.getByLabel("Sort by")).toHaveValue("name");
  await expect(page.getByLabel("Type")).toHaveValue("certificate");
  await page.getByRole("link", { name: "Reset" }).click();
  await expect(page).toHaveURL(/\/inventory$/);
  await expect(page.getByLabel("Type")).toHaveValue("");
  await expect(page.getByLabel("Sort by")).toHaveValue("expiry");
  expect(loads, "filter, page size, pager, sort and reset reload no document").toBe(0);

  // Row links are plain anchors: a click still navigates client-side, Back returns to the list, and a
  // Ctrl-click opens a new tab while this one stays on the list.
  const firstRow = table.locator("tbody tr").first();
  const objectName = (await firstRow.locator("td").first().getByRole("link").textContent())!.trim();
  await firstRow.locator("td").first().getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name: objectName })).toBeVisible();
  await page.goBack();
  await expect(table.locator("tbody tr").first()).toBeVisible();
  const chip = table.locator("tbody tr td:last-child a").first();
  if (await chip.count()) {
    const tag = (await chip.textContent())!.trim();
    await chip.click();
    await expect(page).toHaveURL(new RegExp(`tag=${encodeURIComponent(tag).replace(/%3D/, "(%3D|=)")}`));
    await expect(page.getByTestId("inventory-total")).toBeVisible();
  }
  expect(loads, "a row link, Back and a tag chip reload no document").toBe(0);
  const listUrl = page.url();
  const [tab] = await Promise.all([
    page.context().waitForEvent("page"),
    table
      .locator("tbody tr")
      .first()
      .locator("td")
      .first()
      .getByRole("link")
      .click({ modifiers: ["ControlOrMeta"] }),
  ]);
  await tab.close();
  expect(page.url(), "a Ctrl-click leaves this tab where it was").toBe(listUrl);

  await page.goto("/inventory?type=certificate");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  expect(download.suggestedFilename()).toMatch(/^certifyclouds-inventory-\d{8}-\d{4}Z\.csv$/);
  const csv = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
  const lines = csv.trimEnd().split("\r\n");
  expect(lines[0]).toMatch(/^type,name,vault,subscription_id,/);
  expect(lines).toHaveLength(certs + 1);
  expect(lines.slice(1).every((l) => l.startsWith("certificate,"))).toBe(true);

  // Sorting and status filters are URL-addressable.
  await page.goto("/inventory?status=no-expiry&sort=name");
  await expect(page.getByLabel("Status")).toHaveValue("no-expiry");
  await expect(table).toBeVisible();

  // Sortable headers say how the table is sorted (default: soonest expiry first); a header link sorts by it.
  await page.goto("/inventory");
  const header = (name: string) => table.getByRole("columnheader", { name, exact: true });
  await expect(header("Expires")).toHaveAttribute("aria-sort", "ascending");
  await expect(header("Name")).toHaveAttribute("aria-sort", "none");
  await expect(header("Status")).not.toHaveAttribute("aria-sort");
  await header("Name").getByRole("link").click();
  await expect(page).toHaveURL(/sort=name&dir=asc/);
  await expect(header("Name")).toHaveAttribute("aria-sort", "ascending");
  await expect(header("Name")).toContainText("↑");
  await expect(header("Expires")).toHaveAttribute("aria-sort", "none");

  // A page past the end shows the last page and its rows, never "page 999 of N".
  await page.goto("/inventory?pageSize=25&page=999");
  const last = Math.ceil(all / 25);
  await expect(page.getByTestId("inventory-total")).toContainText(`page ${last} of ${last}`);
  await expect(table.locator("tbody tr")).toHaveCount(all - (last - 1) * 25);
  await expect(table.locator("tbody tr").first()).toHaveAttribute("data-type", /secret|certificate|key/);

  // An invalid filter value is ignored with a notice; the valid ones still apply.
  await page.goto("/inventory?type=certificate&status=bogus");
  await expect(page.getByTestId("invalid-filter")).toContainText("status");
  await expect(page.getByLabel("Type")).toHaveValue("certificate");
  expect(new Set(await table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.type)))).toEqual(
    new Set(["certificate"]),
  );
});

test("as operator: the object page lists the scanned versions newest first", async ({ page }) => {
  await signInAs(page, "operator");
  // an object the scan found with several versions (the integration tests check the stored list against the cloud)
  const row = await withDb(
    async (c) =>
      (
        await c.query(
          "select id, current_version, version_count, detail->'versions' as versions from assets where version_count > 1 and removed_at is null order by name limit 1",
        )
      ).rows[0] as {
        id: string;
        current_version: string;
        version_count: number;
        versions: { id: string; created: number }[];
      },
  );
  const ids = [...row.versions].sort((a, b) => b.created - a.created).map((v) => v.id);
  expect(ids.length).toBe(Math.min(row.version_count, 10));
  await page.goto(`/inventory/${row.id}`);
  const table = page.getByTestId("asset-versions");
  await expect(table.getByRole("columnheader", { name: "Created" })).toBeVisible();
  await expect(table.getByRole("columnheader", { name: "Enabled" })).toBeVisible();
  await expect(table.getByRole("columnheader", { name: "Expires" })).toBeVisible();
  const shown = await table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-version")));
  expect(shown).toEqual(ids);
  await expect(table.locator(`tr[data-version="${ids[0]}"]`)).toContainText(/UTC/);
  await expect(table.locator(`tr[data-version="${row.current_version}"]`)).toContainText("current");
});

test("as operator: a firewall-blocked vault shows its remediation", async ({ page }) => {
  await signInAs(page, "operator");
  await page.goto("/vaults?access=firewall");
  const rows = page.getByTestId("vaults-table").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await rows.first().getByRole("link").first().click();
  await expect(page).toHaveURL(/\/vaults\/[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId("vault-access")).toContainText("Blocked by firewall");
  const rem = page.getByTestId("vault-remediation");
  await expect(rem).toBeVisible();
  await expect(rem).toContainText("How to fix");
  await expect(rem).toContainText(/firewall|IP|private endpoint/i);
  await expect(page.getByTestId("vault-posture")).toBeVisible();
});

test("as viewer: unreadable vaults agree on the scan, the dashboard and the vault list; How to fix lists each remedy's vaults", async ({
  page,
}) => {
  await signInAs(page, "viewer");
  const scan = await withDb(
    async (c) =>
      (
        await c.query(
          "select id, vaults_failed from scan_runs where status like 'completed%' order by finished_at desc limit 1",
        )
      ).rows[0] as { id: string; vaults_failed: number },
  );
  expect(scan.vaults_failed).toBe(2);
  await page.goto("/vaults?access=unreadable");
  const rows = page.getByTestId("vaults-table").locator("tbody tr");
  await expect(rows).toHaveCount(scan.vaults_failed);
  for (const r of await rows.all()) await expect(r).toContainText("not readable");
  await page.goto("/");
  await expect(page.getByText(`${scan.vaults_failed} not readable`).first()).toBeVisible();
  // the tiny estate's permission errors: an RBAC vault (list denied) and an access-policy vault (details denied)
  await page.goto(`/scans/${scan.id}`);
  const remedies = page.getByTestId("scan-errors").getByRole("list", { name: "How to fix permission errors" });
  await expect(remedies.getByRole("listitem")).toHaveCount(2);
  await expect(remedies.getByRole("listitem").filter({ hasText: "Key Vault Reader" })).toContainText("Applies to");
  await expect(remedies.getByRole("listitem").filter({ hasText: "access policy" })).toContainText("Applies to");
});

test("as viewer: no start-scan control, and the server action and API are refused", async ({ page }) => {
  await signInAs(page, "viewer");
  await page.goto("/scans");
  await expect(page.getByTestId("scan-history")).toBeVisible();
  await expect(page.getByTestId("start-scan-form")).toHaveCount(0);
  await expect(page.getByTestId("start-scan")).toHaveCount(0);
  await expect(page.getByTestId("cancel-scan")).toHaveCount(0);
  expect(startScanRequest).toBeDefined();
  const before = await withDb(
    async (c) => (await c.query("select count(*)::int as n from scan_runs")).rows[0].n as number,
  );
  const { url, headers, body } = startScanRequest!;
  const replay = await page.request.post(url, {
    headers: {
      "next-action": headers["next-action"],
      "content-type": headers["content-type"] ?? "text/plain;charset=UTF-8",
      accept: "text/x-component",
      "next-router-state-tree": headers["next-router-state-tree"] ?? "",
    },
    data: body,
  });
  const text = await replay.text();
  expect(text).toContain('"forbidden"');
  expect(text).not.toContain('"scanId"');
  const api = await page.request.post("/api/scans", { data: { mode: "full" } });
  expect(api.status()).toBe(403);
  const after = await withDb(
    async (c) => (await c.query("select count(*)::int as n from scan_runs")).rows[0].n as number,
  );
  expect(after).toBe(before);
  const denied = await withDb(
    async (c) =>
      (
        await c.query(
          "select count(*)::int as n from audit_log where action = 'auth.access.denied' and target_id in ('startScan', 'POST /api/scans')",
        )
      ).rows[0].n as number,
  );
  expect(denied).toBeGreaterThanOrEqual(2);
});

test("as admin: settings validate and save thresholds", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/settings");
  const form = page.getByTestId("thresholds-form");
  await form.getByLabel("Warning (days)").fill("10");
  await form.getByLabel("Critical (days)").fill("20");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByTestId("error-criticalDays")).toContainText("smaller than");
  await form.getByLabel("Critical (days)").fill("5");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status")).toContainText("Saved");
  const v = await withDb(
    async (c) => (await c.query("select value from settings where key = 'expiry.thresholds'")).rows[0].value,
  );
  expect(v).toMatchObject({ warningDays: 10, criticalDays: 5 });
  const sched = page.getByTestId("schedule-form");
  await sched.getByLabel("Cron").fill("not a cron");
  await sched.getByRole("button", { name: "Save" }).click();
  await expect(sched.getByTestId("error-cron")).toBeVisible();
});

test("screenshots of the discovery pages in light and dark", async ({ page, context }) => {
  test.setTimeout(180_000);
  mkdirSync(SHOTS, { recursive: true });
  await signInAs(page, "admin");
  const assetId = await withDb(
    async (c) =>
      (await c.query("select id from assets where type = 'certificate' and removed_at is null order by name limit 1"))
        .rows[0].id as string,
  );
  const appId = await withDb(
    async (c) =>
      (
        await c.query(
          "select a.id from app_registrations a join app_credentials c on c.app_object_id = a.id order by a.display_name limit 1",
        )
      ).rows[0]?.id as string | undefined,
  );
  const scanId = await withDb(
    async (c) => (await c.query("select id from scan_runs order by created_at desc limit 1")).rows[0].id as string,
  );
  await page.goto("/vaults?access=firewall");
  const vaultHref = await page.getByTestId("vaults-table").locator("tbody tr a").first().getAttribute("href");
  const pages: [string, string][] = [
    ["dashboard", "/"],
    ["inventory", "/inventory"],
    ["inventory-object", `/inventory/${assetId}`],
    ["vaults", "/vaults"],
    ["vault-firewall", vaultHref!],
    ["apps", "/apps"],
    ...(appId ? ([["app", `/apps/${encodeURIComponent(appId)}`]] as [string, string][]) : []),
    ["scans", "/scans"],
    ["scan", `/scans/${scanId}`],
    ["settings-admin", "/settings"],
  ];
  for (const theme of ["light", "dark"] as const) {
    await context.addCookies([{ name: "cc-theme", value: theme, url: page.url() }]);
    for (const [name, path] of pages) {
      await page.goto(path);
      await expect(page.locator("html")).toHaveClass(theme);
      await page.waitForLoadState("networkidle");
      await page.screenshot({ path: `${SHOTS}/discovery-${name}-${theme}.png`, fullPage: true });
    }
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/");
  await page.screenshot({ path: `${SHOTS}/discovery-dashboard-mobile.png`, fullPage: true });
  await page.goto("/inventory");
  await page.screenshot({ path: `${SHOTS}/discovery-inventory-mobile.png`, fullPage: true });
});
