/**
 * What a user gets from `npm run build && npm start`: the standalone server must serve its stylesheets and scripts
 * (Next leaves them out of the standalone folder; a server without them renders unstyled pages whose buttons do
 * nothing) and sign-in must work. The console is started through `npm start` itself, on the suite's database, wired
 * to its own local identity provider.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test, type Request } from "@playwright/test";
import { freePort } from "../support/app-server";
import { STATE_FILE } from "./env";
import { spawnStack } from "./spawn-stack";

let stack: Awaited<ReturnType<typeof spawnStack>>;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const { databaseUrl } = JSON.parse(readFileSync(STATE_FILE, "utf8")) as { databaseUrl: string };
  stack = await spawnStack({
    port: await freePort(),
    launch: "npm-start",
    quiet: true,
    // The global setup has built with `npm run build`; this rebuilds only if sources changed since.
    build: true,
    env: {
      DATABASE_URL: databaseUrl,
      SECRET_KEY: randomBytes(32).toString("base64"),
      APP_ENV: "production",
      LOG_LEVEL: "warn",
    },
  });
});

test.afterAll(async () => {
  await stack?.stop();
});

test("npm start serves styled pages with working scripts, and sign-in works", async ({ page }) => {
  const requests: Request[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname.startsWith("/_next/static/")) requests.push(r);
  });
  await page.goto(`${stack.url}/signin`);
  await page.waitForLoadState("networkidle");

  // A missing asset comes back as an HTML 404 that Chromium may abort (nosniff), so a request's outcome is either
  // its response's status or its failure.
  const outcomes = await Promise.all(
    requests.map(async (r) => ({
      type: r.resourceType(),
      result: `${(await r.response())?.status() ?? r.failure()?.errorText} ${new URL(r.url()).pathname}`,
    })),
  );
  expect(outcomes.filter((o) => o.type === "stylesheet").length, "a stylesheet is requested").toBeGreaterThan(0);
  expect(outcomes.filter((o) => o.type === "script").length, "a script chunk is requested").toBeGreaterThan(0);
  expect(outcomes.map((o) => o.result).filter((r) => !r.startsWith("200 "))).toEqual([]);

  // Tailwind's text-xl/font-semibold, not the browser's default h1 (2em, bold): the stylesheet applies.
  const heading = page.getByRole("heading", { level: 1, name: "Sign in" });
  await expect(heading).toHaveCSS("font-size", "20px");
  await expect(heading).toHaveCSS("font-weight", "600");

  // The button is a client component: it does something only when the scripts have loaded and hydrated.
  await page.getByTestId("sign-in").click();
  await page.getByTestId("persona-viewer").click();
  await page.waitForURL(`${stack.url}/`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Dashboard");
  await expect(page.getByTestId("role-badge")).toHaveText("Viewer");
});
