import { expect, signInAs, test, withDb } from "./fixtures";

/**
 * Rotation from the console (issue 12). Runs after discovery.spec.ts (files run in name order), so the tiny estate has
 * been scanned. The tiny estate's identity may read but not write the vaults, so the rotation stops at the writes: the
 * page shows every step — the new secret added, the write refused, the new secret removed again — and the held reason.
 * (The demo estate grants the writes; the integration tests drive the whole rotation.)
 */
test.describe.configure({ mode: "serial" });

async function linkedAppId(): Promise<string> {
  // a fresh install's first scheduled scan (or discovery.spec.ts) fills the inventory
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
  return withDb(async (c) => {
    const r = await c.query<{ id: string }>(
      `select a.id from app_registrations a join assets s on s.tags->>'cc-app-id' = a.app_id
        where a.kind = 'application' and a.removed_at is null and s.removed_at is null limit 1`,
    );
    return r.rows[0].id;
  });
}

test("as operator: Rotate now shows the plan, Confirm starts the rotation, every step is shown", async ({ page }) => {
  const id = await linkedAppId();
  await signInAs(page, "operator");
  await page.goto(`/apps/${encodeURIComponent(id)}`);
  await expect(page.getByTestId("app-links").locator("tbody tr").first()).toContainText("tags");
  await page.getByTestId("rotate-now").click();
  const plan = page.getByTestId("rotation-plan");
  await expect(plan).toContainText("dry run");
  await expect(page.getByTestId("plan-targets").locator("li").first()).toContainText("linked by tags");
  await expect(plan).toContainText("Application.ReadWrite.OwnedBy");
  // read live: the tiny estate's identity may read but not write, and the plan says so before anything starts
  await expect(page.getByTestId("plan-permissions")).toContainText("Missing");
  await page.getByTestId("confirm-rotation").click();
  await expect(page).toHaveURL(/\/rotations\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("rotation-state")).toHaveText(/held|overlap|done/, { timeout: 60_000 });
  const steps = page.getByTestId("rotation-steps");
  await expect(steps).toContainText("Add the new client secret");
  await expect(steps).toContainText("Write a new version to");
  if ((await page.getByTestId("rotation-state").textContent()) === "held") {
    await expect(page.getByText(/failed: permission \(HTTP 403/).first()).toBeVisible();
    await expect(steps).toContainText("Remove the new client secret again");
    await expect(page.getByTestId("retry-rotation")).toBeVisible();
  }
  await page.goto("/rotations");
  await expect(page.getByTestId("rotations").locator("tbody tr")).not.toHaveCount(0);
});

test("as viewer: the links and the history are visible, Rotate now and Retry are not", async ({ page }) => {
  const id = await linkedAppId();
  await signInAs(page, "viewer");
  await page.goto(`/apps/${encodeURIComponent(id)}`);
  await expect(page.getByTestId("app-links")).toBeVisible();
  await expect(page.getByTestId("rotate-now")).toHaveCount(0);
  await page.getByTestId("app-rotations").locator("tbody a").first().click();
  await expect(page.getByTestId("rotation-steps")).toBeVisible();
  await expect(page.getByTestId("retry-rotation")).toHaveCount(0);
});

test("approval required: an Operator requests, the page waits for an Admin, another Admin approves", async ({
  browser,
}) => {
  // an app with a link and no rotation open (the first test's rotation of the other app is held)
  const id = await withDb(async (c) => {
    const r = await c.query<{ id: string }>(
      `select a.id from app_registrations a join assets s on s.tags->>'cc-app-id' = a.app_id
        where a.kind = 'application' and a.removed_at is null and s.removed_at is null
          and not exists (select 1 from rotations r where r.app_object_id = a.id and r.state not in ('done', 'cancelled'))
        limit 1`,
    );
    return r.rows[0]?.id;
  });
  expect(id, "a second tag-linked app in the tiny estate").toBeTruthy();
  const admin = await (await browser.newContext()).newPage();
  await signInAs(admin, "admin");
  await admin.goto("/settings");
  const form = admin.getByTestId("rotation-auto-form");
  await form.getByLabel(/Require an Admin's approval/).check();
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByText("Saved")).toBeVisible();
  try {
    const op = await (await browser.newContext()).newPage();
    await signInAs(op, "operator");
    await op.goto(`/apps/${encodeURIComponent(id!)}`);
    await op.getByTestId("rotate-now").click();
    await expect(op.getByTestId("plan-needs-approval")).toBeVisible();
    await op.getByTestId("confirm-rotation").click();
    await expect(op).toHaveURL(/\/rotations\/[0-9a-f-]{36}$/);
    await expect(op.getByTestId("rotation-state")).toHaveText("awaiting_approval");
    await expect(op.getByTestId("approve-rotation")).toHaveCount(0);
    await admin.goto(new URL(op.url()).pathname);
    await admin.getByTestId("approve-rotation").click();
    await expect(admin.getByTestId("rotation-state")).not.toHaveText("awaiting_approval", { timeout: 30_000 });
    await expect(admin.getByText("Approved by")).toBeVisible();
  } finally {
    await admin.goto("/settings");
    await form.getByLabel(/Require an Admin's approval/).uncheck();
    await form.getByRole("button", { name: "Save" }).click();
    await expect(form.getByText("Saved")).toBeVisible();
  }
});

test("as admin: the app's automatic-rotation switch is saved and audited; an Operator sees it read-only", async ({
  browser,
}) => {
  const id = await linkedAppId();
  const admin = await (await browser.newContext()).newPage();
  await signInAs(admin, "admin");
  await admin.goto(`/apps/${encodeURIComponent(id)}`);
  const sw = admin.getByTestId("auto-switch");
  await sw.getByLabel("Automatic rotation of this app").selectOption("never");
  await sw.getByRole("button", { name: "Save" }).click();
  await expect(sw.getByText("Saved.")).toBeVisible();
  const audited = await withDb(
    async (c) =>
      (
        await c.query(
          "select details from audit_log where action = 'rotation.app_policy.changed' and target_id = $1 order by seq desc limit 1",
          [id],
        )
      ).rows[0]?.details,
  );
  expect(audited).toEqual({ from: "rules", to: "never" });
  const op = await (await browser.newContext()).newPage();
  await signInAs(op, "operator");
  await op.goto(`/apps/${encodeURIComponent(id)}`);
  await expect(op.getByTestId("auto-switch")).toHaveText(/Never: leave this app to manual rotation/);
  await expect(op.getByTestId("auto-switch").locator("select")).toHaveCount(0);
  // back to the patterns for the tests after this one
  await sw.getByLabel("Automatic rotation of this app").selectOption("rules");
  await sw.getByRole("button", { name: "Save" }).click();
  await expect(sw.getByText("Saved.")).toBeVisible();
});
