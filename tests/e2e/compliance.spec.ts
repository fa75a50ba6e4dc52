import { mkdirSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "@playwright/test";
import { expect, signInAs, test, withDb } from "./fixtures";

/**
 * The compliance pages as Viewer, Operator and Admin on the scanned tiny estate: the overview's score, trend and
 * frameworks, the findings list with its CSV, a waiver proposed by the Operator and approved by the Admin (never by
 * its proposer), and the rule settings. Every page is screenshotted in both themes (test-results/compliance-shots).
 */
test.describe.configure({ mode: "serial" });

const SHOTS = path.resolve(__dirname, "../../test-results/compliance-shots");
const PAGES = [
  "/compliance",
  "/compliance/findings",
  "/compliance/waivers",
  "/compliance/rules",
  "/compliance/rules/vault-purge-protection",
  "/settings/compliance",
  "/",
];

async function evaluated() {
  await expect
    .poll(() => withDb(async (c) => (await c.query("select count(*)::int as n from compliance_snapshots")).rows[0].n), {
      timeout: 180_000,
      intervals: [1000],
    })
    .toBeGreaterThan(0);
}

async function shoot(context: BrowserContext, page: Page, who: string) {
  mkdirSync(SHOTS, { recursive: true });
  for (const theme of ["light", "dark"]) {
    await context.addCookies([{ name: "cc-theme", value: theme, url: new URL("/", page.url()).toString() }]);
    for (const p of PAGES) {
      await page.goto(p);
      await page.waitForLoadState("networkidle");
      const name = `${who}-${theme}-${p.replace(/[/?=]+/g, "_").replace(/^_/, "") || "dashboard"}.png`;
      await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
    }
  }
}

test("a Viewer reads the score, its trend, the frameworks and the findings, and changes nothing", async ({
  page,
  context,
}) => {
  test.setTimeout(240_000);
  await evaluated();
  await signInAs(page, "viewer");
  await page.getByRole("link", { name: "Compliance", exact: true }).first().click();
  await expect(page.getByTestId("tenant-score")).toContainText("/ 100");
  await expect(page.getByTestId("score-trend")).toHaveAttribute("aria-label", /Compliance score trend/);
  await expect(page.getByTestId("score-formula")).toBeVisible();
  await expect(page.getByTestId("framework-controls")).toContainText("8.3.5");
  await page.getByRole("link", { name: /ISO\/IEC 27001/ }).click();
  await expect(page.getByTestId("framework-controls")).toContainText("A.8.24");
  await page.goto("/compliance/findings");
  await expect(page.getByTestId("finding-row").first()).toBeVisible();
  await expect(page.getByTestId("propose-waiver")).toHaveCount(0);
  const csv = await page.request.get("/api/compliance/findings/export?severity=high");
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toMatch(/^\uFEFF?severity,rule_id,rule,status/);
  await page.goto("/compliance/waivers");
  await expect(page.getByTestId("propose-form")).toHaveCount(0);
  await page.goto("/settings/compliance");
  await expect(page.getByTestId("rule-form-vault-purge-protection").getByRole("button", { name: "Save" })).toHaveCount(
    0,
  );
  await page.goto("/compliance/rules/vault-purge-protection");
  await expect(page.getByTestId("remediation")).toContainText("az keyvault update");
  // an object page: the vault's own score, its roll-up, and a rule row linking to the rule page
  const vault = await withDb(
    async (c) =>
      (await c.query("select object_id as v from compliance_objects where scope = 'vault' limit 1")).rows[0].v,
  );
  await page.goto(`/vaults/${Buffer.from(String(vault).toLowerCase()).toString("base64url")}`);
  await expect(page.getByTestId("object-compliance")).toContainText("This vault:");
  await expect(page.getByTestId("vault-rollup-score")).toBeVisible();
  await expect(page.getByTestId("object-compliance-rules").getByRole("link").first()).toHaveAttribute(
    "href",
    /^\/compliance\/rules\//,
  );
  await shoot(context, page, "viewer");
});

test("an Operator proposes a waiver for selected findings; it waits for an Admin", async ({ page }) => {
  await signInAs(page, "operator");
  await page.goto("/compliance/findings");
  const first = page.getByTestId("finding-row").first();
  await first.getByRole("checkbox").check();
  await page.getByTestId("propose-waiver").click();
  await page.getByLabel("Justification").fill("Accepted risk for the e2e walk, reviewed by the platform team.");
  const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("Expires on (UTC)").fill(inAMonth);
  await page.getByRole("button", { name: /Propose 1 waiver/ }).click();
  await expect(page.getByRole("status")).toContainText("1 waiver(s) proposed");
  await page.goto("/compliance/waivers");
  await expect(page.locator('[data-testid="waiver-row"][data-state="proposed"]')).toHaveCount(1);
  // an Operator cannot decide
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
});

test("an Admin approves another person's waiver (four eyes) and the finding is listed as waived", async ({
  page,
  context,
}) => {
  test.setTimeout(240_000);
  await signInAs(page, "admin");
  await page.goto("/compliance/waivers");
  const row = page.locator('[data-testid="waiver-row"][data-state="proposed"]');
  await row.getByRole("button", { name: "Approve" }).click();
  await expect(page.locator('[data-testid="waiver-row"][data-state="approved"]')).toHaveCount(1);
  await page.goto("/compliance/findings?status=waived");
  await expect(page.getByTestId("finding-row")).toHaveCount(1);
  const audit = await withDb(
    async (c) =>
      (await c.query("select count(*)::int as n from audit_log where action = 'compliance.waiver.approved'")).rows[0].n,
  );
  expect(audit).toBe(1);
  // the Admin's own proposal cannot be approved by the Admin
  await page.goto("/compliance/waivers");
  await page
    .getByLabel("Justification (at least 10 characters)")
    .fill("Admin's own proposal, for the four-eyes check.");
  const inAWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("Expires on (UTC)").fill(inAWeek);
  await page.getByRole("button", { name: "Propose waiver" }).click();
  await expect(page.getByText("Your proposal: another Admin decides")).toBeVisible();
  // rule settings: a parameter change is saved and audited
  await page.goto("/settings/compliance");
  const form = page.getByTestId("rule-form-secret-expiry-days");
  await form.getByLabel("minimumDaysBeforeExpiration").fill("45");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status")).toContainText("Saved");
  await shoot(context, page, "admin");
});
