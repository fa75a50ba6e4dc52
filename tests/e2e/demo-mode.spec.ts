// `npm run demo` mode: embedded PGlite and the scheduler inside the web process. The rest of the suite runs on
// PostgreSQL, which hid a bug that only this mode has (two database handles in one process).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { E2E_PORT } from "./env";
import { spawnStack } from "./spawn-stack";

const PORT = E2E_PORT + 7;
let stack: Awaited<ReturnType<typeof spawnStack>> | undefined;
let dataDir = "";

test.beforeAll(async () => {
  test.setTimeout(150_000);
  dataDir = mkdtempSync(path.join(os.tmpdir(), "cc-e2e-demo-"));
  stack = await spawnStack({
    port: PORT,
    quiet: true,
    build: false,
    cloud: { estate: "tiny", throttling: false },
    env: {
      DATABASE_URL: "",
      PGLITE_DIR: path.join(dataDir, "pglite"),
      APP_ENV: "demo",
      SECRET_KEY: randomBytes(32).toString("base64"),
      LOG_LEVEL: "warn",
    },
  });
});

test.afterAll(async () => {
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test("the first scheduled scan completes on the embedded database and fills the dashboard", async ({ page }) => {
  const url = stack!.url;
  await page.goto(`${url}/signin`);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("persona-operator").click();
  await page.waitForURL(`${url}/`);
  await expect
    .poll(
      async () =>
        ((await (await page.request.get(`${url}/api/scans`)).json()) as { rows: { status: string }[] }).rows[0]?.status,
      { timeout: 60_000, intervals: [1000] },
    )
    .toMatch(/^completed/);
  await page.goto(`${url}/`);
  await expect(page.getByTestId("coverage")).toHaveText(/^[1-9]\d*\/\d+ vaults read$/);
  await expect(page.getByTestId("kpi-vaults-total")).not.toHaveText("0");
  await page.goto(`${url}/inventory`);
  await expect(page.getByTestId("inventory-table").locator("tbody tr").first()).toHaveAttribute(
    "data-type",
    /secret|certificate|key/,
  );
});
