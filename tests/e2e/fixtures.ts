import { readFileSync } from "node:fs";
import { test as base, expect, type Page } from "@playwright/test";
import pg from "pg";
import type { PersonaKey } from "../idp/personas";
import { STATE_FILE } from "./env";

/**
 * Every test gets its own client address (X-Forwarded-For, from the TEST-NET-2 documentation range) so the
 * sign-in rate limit of one test does not spill into another. Addresses are handed out in turn (random ones collided:
 * a test that drew the address the lockout test had locked out was refused sign-in).
 */
let nextAddress = 0;
export const test = base.extend<{ clientIp: string }>({
  clientIp: async ({}, use, testInfo) => use(`198.51.100.${1 + ((testInfo.workerIndex * 64 + nextAddress++) % 254)}`),
  extraHTTPHeaders: async ({ clientIp }, use) => use({ "x-forwarded-for": clientIp }),
});
export { expect };

export async function signInAs(page: Page, persona: PersonaKey, landing: RegExp = /\/$/) {
  await page.goto("/signin");
  await page.getByTestId("sign-in").click();
  await page.getByTestId(`persona-${persona}`).click();
  await page.waitForURL(landing);
}

export async function withDb<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const { databaseUrl } = JSON.parse(readFileSync(STATE_FILE, "utf8")) as { databaseUrl: string };
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
