import AxeBuilder from "@axe-core/playwright";
import type { BrowserContext, Page } from "@playwright/test";
import { expect, signInAs, test, withDb } from "./fixtures";

/**
 * axe-core on every console page in both themes: no serious or critical violation (WCAG 2.1 A/AA rules plus axe's
 * best practices). The theme is the `cc-theme` cookie the toggle writes; the server renders its class on <html>.
 */
test.describe.configure({ mode: "serial" });

const THEMES = ["light", "dark"] as const;

async function setTheme(context: BrowserContext, page: Page, theme: (typeof THEMES)[number]) {
  // The site root: a cookie set for a deeper URL would get that URL's directory as its path.
  await context.addCookies([{ name: "cc-theme", value: theme, url: new URL("/", page.url()).toString() }]);
}

/** Serious and critical violations, one line each with the first offending nodes, so a failure says what to fix. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}, ${v.nodes.length}×): ${v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1).join(" ").trim()}`)
          .join(" | ")}`,
    );
}

async function expectAccessible(page: Page, path: string, theme: string) {
  await page.goto(path);
  await expect(page.locator("html")).toHaveClass(theme);
  await page.waitForLoadState("networkidle");
  expect(await seriousViolations(page), `${path} in the ${theme} theme`).toEqual([]);
}

const COMPLIANCE_PAGES = [
  "/compliance",
  "/compliance?framework=iso27001-2022",
  "/compliance/findings",
  "/compliance/findings?status=resolved",
  "/compliance/waivers",
  "/compliance/rules",
  "/compliance/rules/secret-expiration-set",
];

/** One id of each detail page, read from the database the scan filled (waits for the first scan to finish). */
async function detailPaths(): Promise<string[]> {
  await expect
    .poll(
      () =>
        withDb(
          async (c) =>
            (
              await c.query(
                "select count(*)::int as n from scan_runs where status in ('completed', 'completed_with_errors')",
              )
            ).rows[0].n as number,
        ),
      { timeout: 150_000, intervals: [1000] },
    )
    .toBeGreaterThan(0);
  // the compliance evaluation runs at the scan's finish, in the scan thread
  await expect
    .poll(() => withDb(async (c) => (await c.query("select count(*)::int as n from compliance_snapshots")).rows[0].n), {
      timeout: 60_000,
      intervals: [1000],
    })
    .toBeGreaterThan(0);
  return withDb(async (c) => {
    const one = async (sql: string) => (await c.query(sql)).rows[0]?.v as string | undefined;
    const asset = await one("select id::text as v from assets where type = 'certificate' order by name limit 1");
    const vault = await one("select id as v from vaults order by name limit 1");
    const app = await one(
      "select id as v from app_registrations where kind = 'application' order by display_name limit 1",
    );
    const scan = await one("select id::text as v from scan_runs order by created_at desc limit 1");
    // a rotation exists only when rotation.spec.ts ran before (a rerun on the same stack)
    const rotation = await one("select id::text as v from rotations order by created_at desc limit 1");
    expect([asset, vault, app, scan].every(Boolean), "the scan produced an object, a vault, an app and a scan").toBe(
      true,
    );
    return [
      `/inventory/${asset}`,
      `/vaults/${Buffer.from(vault!.toLowerCase()).toString("base64url")}`,
      `/apps/${app}`,
      `/scans/${scan}`,
      ...(rotation ? [`/rotations/${rotation}`] : []),
    ];
  });
}

test("the signed-out pages have no serious or critical accessibility violation in either theme", async ({
  page,
  context,
}) => {
  await page.goto("/signin");
  for (const theme of THEMES) {
    await setTheme(context, page, theme);
    await expectAccessible(page, "/signin", theme);
  }
});

test("every console page has no serious or critical accessibility violation in either theme", async ({
  page,
  context,
}) => {
  // ~20 pages × 2 themes, each with an axe run; generous so a busy CI machine does not fail it on time alone
  test.setTimeout(600_000);
  await signInAs(page, "admin");
  const pages = [
    "/",
    "/inventory",
    "/vaults",
    "/apps",
    "/scans",
    "/audit",
    "/reports",
    "/settings",
    "/settings/sessions",
    "/rotations",
    "/alerts",
    "/alerts/channels/new",
    "/alerts/rules/new",
    "/alerts/history",
    "/settings/compliance",
    ...(await detailPaths()),
    ...COMPLIANCE_PAGES,
  ];
  for (const theme of THEMES) {
    await setTheme(context, page, theme);
    for (const path of pages) await expectAccessible(page, path, theme);
  }
});

test("the 403 and no-access pages have no serious or critical accessibility violation in either theme", async ({
  page,
  context,
}) => {
  await signInAs(page, "viewer");
  for (const theme of THEMES) {
    await setTheme(context, page, theme);
    await expectAccessible(page, "/audit", theme);
    await expect(page.getByTestId("forbidden")).toBeVisible();
    // Inside the console shell, not a second sign-in frame with its own <main>.
    await expect(page.locator("main")).toHaveCount(1);
    await expect(page.getByTestId("nav")).toBeVisible();
  }
  await context.clearCookies();
  await signInAs(page, "norole", /\/no-access$/);
  for (const theme of THEMES) {
    await setTheme(context, page, theme);
    await expectAccessible(page, "/no-access", theme);
  }
});

test("a skip link leads keyboard users past the navigation to the page's content", async ({ page }) => {
  await signInAs(page, "viewer");
  await page.goto("/inventory");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#content")).toBeFocused();
});
