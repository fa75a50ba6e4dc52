import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { expect, signInAs, test, withDb } from "./fixtures";

/**
 * Alerts end to end: an Admin creates a signed-webhook channel (pointing at a receiver this test runs on loopback; the
 * stack allows 127.0.0.1), sends a test, creates a rule, runs a scan of the estate, and sees the deliveries in history.
 */
test.describe.configure({ mode: "serial" });

test("create a channel and a rule, run a scan, see the deliveries", async ({ page }) => {
  test.setTimeout(300_000);
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(202).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/e2e`;
  try {
    // no scan may be running when ours is requested
    await expect
      .poll(
        () =>
          withDb(
            async (c) =>
              (await c.query("select count(*)::int as n from scan_runs where status in ('queued','running')")).rows[0]
                .n as number,
          ),
        { timeout: 150_000, intervals: [1000] },
      )
      .toBe(0);
    await signInAs(page, "admin");
    await page.getByTestId("nav").getByRole("link", { name: "Alerts" }).click();
    await expect(page).toHaveURL(/\/alerts$/);
    await page.getByTestId("new-channel").click();
    const form = page.getByTestId("channel-form");
    await form.getByLabel("Name", { exact: true }).fill("E2E webhook");
    await form.getByLabel("Kind").selectOption("webhook");
    await form.getByLabel("Endpoint URL").fill(url);
    await page.getByTestId("save-channel").click();
    const secret = (await page.getByTestId("signing-secret").locator("code").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page).toHaveURL(/\/alerts$/);
    const row = page.getByTestId("channel-row").filter({ hasText: "E2E webhook" });
    await expect(row).toContainText("url: set");
    await expect(page.locator("body")).not.toContainText(url);
    await row.getByRole("button", { name: "Send test" }).click();
    await expect(row.getByTestId("send-test-outcome")).toHaveText("Delivered (202)");
    expect(received).toHaveLength(1);
    const wh = new Webhook(secret.slice("whsec_".length));
    expect(() => wh.verify(received[0].body, received[0].headers as Record<string, string>)).not.toThrow();

    await page.getByTestId("new-rule").click();
    const rf = page.getByTestId("rule-form");
    await rf.getByLabel("Name", { exact: true }).fill("E2E expiring");
    await rf.getByLabel("E2E webhook").check();
    await page.getByTestId("preview-rule").click();
    await expect(page.getByTestId("rule-preview")).toContainText(/would alert on \d+ item/);
    await page.getByTestId("save-rule").click();
    await expect(page).toHaveURL(/\/alerts$/);
    await expect(page.getByTestId("rule-row").filter({ hasText: "E2E expiring" })).toBeVisible();

    await page.getByTestId("nav").getByRole("link", { name: "Scans" }).click();
    await page.getByTestId("start-scan-form").getByLabel(/^Full/).check();
    await page.getByTestId("start-scan").click();
    const live = page.getByTestId("live-scan").first();
    await expect(live.getByTestId("scan-status")).toHaveText(/Completed|Completed with errors/, { timeout: 150_000 });

    await expect.poll(() => received.length, { timeout: 60_000 }).toBeGreaterThan(1);
    await page.goto("/alerts/history?status=delivered");
    await expect(
      page
        .getByTestId("delivery-row")
        .filter({ hasText: /expires in|has expired/ })
        .first(),
    ).toBeVisible();
    const rows = await page.getByTestId("delivery-row").count();
    expect(rows).toBeGreaterThan(1);
    for (const r of received) expect(() => wh.verify(r.body, r.headers as Record<string, string>)).not.toThrow();
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
