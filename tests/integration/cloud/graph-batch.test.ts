// Owners of app registrations and service principals read 20 at a time through Graph JSON batching (`POST /$batch`),
// against the local Graph: the same owners as one read each, a fraction of the requests, and every failed item read
// again on its own so that its retries and its error are those of a single read.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import {
  GRAPH_BATCH_MAX,
  graphClient,
  listApplications,
  listOwners,
  listOwnersOf,
  listServicePrincipals,
  type GraphPrincipal,
} from "@/lib/cloud";
import { startCloud, type LocalCloud } from "../../cloud";

let cloud: LocalCloud;
let principals: GraphPrincipal[];
const o = { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } };
const ownerEntries = () => cloud.control.log({ service: "graph" }).filter((e) => e.op.endsWith(".owners.list"));

beforeAll(async () => {
  cloud = await startCloud({ estate: "demo", throttling: false });
  Object.assign(process.env, cloud.env);
  resetConfigForTests();
  principals = [...(await listApplications(o)).items, ...(await listServicePrincipals(o)).items];
});
afterAll(async () => {
  await cloud?.stop();
});
beforeEach(() => {
  cloud.control.clearFaults();
  cloud.control.resetCounters();
});

describe("the local Graph's JSON batching", () => {
  test("answers each item on its own: found, not found, and refuses more than 20 or repeated ids", async () => {
    const app = principals.find((p) => p.kind === "application")!;
    const r = (await graphClient()
      .api("/$batch")
      .post({
        requests: [
          { id: "a", method: "GET", url: `/applications/${app.id}/owners?$select=id,displayName` },
          { id: "b", method: "GET", url: "/applications/00000000-0000-0000-0000-000000000000/owners" },
        ],
      })) as { responses: { id: string; status: number; body: { value?: { id: string }[] } }[] };
    const byId = new Map(r.responses.map((x) => [x.id, x]));
    expect(byId.get("a")!.status).toBe(200);
    expect(byId.get("a")!.body.value!.map((u) => u.id)).toEqual(
      (await listOwners("application", app.id, o)).map((u) => u.id),
    );
    expect(byId.get("b")!.status).toBe(404);
    const item = { method: "GET", url: `/applications/${app.id}/owners` };
    const tooMany = Array.from({ length: GRAPH_BATCH_MAX + 1 }, (_, i) => ({ id: String(i), ...item }));
    await expect(graphClient().api("/$batch").post({ requests: tooMany })).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      graphClient()
        .api("/$batch")
        .post({
          requests: [
            { id: "1", ...item },
            { id: "1", ...item },
          ],
        }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe("listOwnersOf", () => {
  test("the owners of every principal, as one read each gives them, in batches of 20", async () => {
    expect(principals.length).toBeGreaterThan(GRAPH_BATCH_MAX);
    const single = new Map<string, string[]>();
    for (const p of principals)
      single.set(
        p.id,
        (await listOwners(p.kind, p.id, o)).map((u) => u.userPrincipalName!),
      );
    expect([...single.values()].some((u) => u.length > 0)).toBe(true);
    cloud.control.resetCounters();

    const batched = await listOwnersOf(principals, o);
    expect(batched.map((r) => r.id).sort()).toEqual(principals.map((p) => p.id).sort());
    for (const r of batched) {
      expect("owners" in r).toBe(true);
      if ("owners" in r) expect(r.owners.map((u) => u.userPrincipalName)).toEqual(single.get(r.id));
    }
    expect(cloud.control.count("graph.batch")).toBe(Math.ceil(principals.length / GRAPH_BATCH_MAX));
    // HTTP requests served: the batches, not their items
    const counters = cloud.control.counters();
    expect(counters.total).toBe(Math.ceil(principals.length / GRAPH_BATCH_MAX));
    expect(counters.batchItems).toBe(principals.length);
    expect(ownerEntries().filter((e) => e.via === "batch")).toHaveLength(principals.length);
    expect(ownerEntries().filter((e) => e.via !== "batch")).toHaveLength(0);
  });

  test("a failed or throttled item is read again on its own; the result is complete", async () => {
    cloud.control.addFault({
      service: "graph",
      op: "graph.applications.owners.list",
      kind: "status",
      status: 503,
      times: 3,
    });
    cloud.control.addFault({
      service: "graph",
      op: "graph.servicePrincipals.owners.list",
      kind: "status",
      status: 429,
      retryAfter: 0,
      times: 2,
    });
    let retries = 0;
    const batched = await listOwnersOf(principals, { ...o, onRetry: () => retries++ });
    expect(batched.filter((r) => "owners" in r)).toHaveLength(principals.length);
    // 5 items failed inside their batches and were each read once more, alone: one retry each
    expect(ownerEntries().filter((e) => e.via !== "batch" && e.status === 200)).toHaveLength(5);
    expect(retries).toBe(5);
  });

  test("a throttled item is read again only after the Retry-After it was given", async () => {
    cloud.control.addFault({
      service: "graph",
      op: "graph.applications.owners.list",
      kind: "status",
      status: 429,
      retryAfter: 1,
      times: 1,
    });
    const t0 = Date.now();
    const batched = await listOwnersOf(principals, o);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(batched.filter((r) => "owners" in r)).toHaveLength(principals.length);
  });

  test("a batch refused as a whole falls back to one read per principal", async () => {
    cloud.control.addFault({ service: "graph", op: "graph.batch", kind: "status", status: 400 });
    const batched = await listOwnersOf(principals, o);
    expect(batched.filter((r) => "owners" in r)).toHaveLength(principals.length);
    expect(ownerEntries().filter((e) => e.via === "batch")).toHaveLength(0);
    expect(ownerEntries().filter((e) => e.via !== "batch")).toHaveLength(principals.length);
  });

  test("an item that keeps failing is that principal's error, classified as a single read's; the others are read", async () => {
    const victim = principals[3];
    cloud.control.addFault({ service: "graph", pathIncludes: `/${victim.id}/owners`, kind: "status", status: 403 });
    const batched = await listOwnersOf(principals, o);
    const failed = batched.filter((r) => "error" in r);
    expect(failed.map((r) => r.id)).toEqual([victim.id]);
    expect((failed[0] as { error: { statusCode?: number } }).error.statusCode).toBe(403);
    expect(batched.filter((r) => "owners" in r)).toHaveLength(principals.length - 1);
  });

  test("an abort rejects", async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(listOwnersOf(principals, { ...o, signal: ac.signal })).rejects.toThrow();
  });
});
