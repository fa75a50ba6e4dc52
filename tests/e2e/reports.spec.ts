import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { expect, signInAs, test, withDb } from "./fixtures";

test("an Auditor generates an evidence package, downloads it, and both are audited", async ({ page, context }) => {
  test.setTimeout(240_000);
  const dir = "test-results/screenshots";
  mkdirSync(dir, { recursive: true });
  await signInAs(page, "auditor");
  await page.goto("/reports");
  const form = page.getByTestId("generate-report-form");
  await form.getByRole("button", { name: "Generate" }).click();
  await expect(form.getByRole("status")).toContainText("SHA-256", { timeout: 180_000 });
  const row = page.getByTestId("reports-table").locator("tbody tr").first();
  await expect(row).toContainText("Evidence package");
  const sha = (await row.locator("code").textContent())!.trim();
  const download = page.waitForEvent("download");
  await row.getByRole("link", { name: "Download PDF" }).click();
  const file = await (await download).path();
  expect(createHash("sha256").update(readFileSync(file!)).digest("hex")).toBe(sha);
  // rendered by the built server: the drawn table rows and the stamped page numbers are in the file's text
  const text = execFileSync("pdftotext", ["-layout", file!, "-"], { encoding: "utf8" });
  expect(text).toMatch(/Page 2 of \d+/);
  expect(text).toMatch(/By vault\s+Vault\s+Subscription/);
  expect(text).toMatch(/kv-\S+\s+\S.*\s\d+\s+\d+\s+\d+/);
  const actions = await withDb(async (c) =>
    (await c.query("select action from audit_log where details->>'sha256' = $1 order by seq", [sha])).rows.map(
      (r) => r.action,
    ),
  );
  expect(actions).toEqual(["report.generated", "report.downloaded"]);
  for (const theme of ["light", "dark"] as const) {
    await context.addCookies([{ name: "cc-theme", value: theme, url: page.url() }]);
    await page.goto("/reports");
    await expect(page.locator("html")).toHaveClass(theme);
    await page.screenshot({ path: `${dir}/reports-${theme}.png`, fullPage: true });
  }
});

test("a Viewer has no Reports page and cannot download a report", async ({ page }) => {
  await signInAs(page, "viewer");
  await page.goto("/reports");
  await expect(page.getByTestId("forbidden")).toBeVisible();
  const res = await page.request.get("/api/reports");
  expect(res.status()).toBe(403);
});
