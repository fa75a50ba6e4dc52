import { NextRequest } from "next/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "@/lib/audit/record";
import { verifyAuditChain } from "@/lib/audit/verify";
import { getDb } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema";
import { requestMetaFrom } from "@/lib/web/request-meta";
import { proxy } from "@/proxy";
import { setupTestDb, type TestDb } from "../../helpers/test-db";

let t: TestDb;
beforeAll(async () => {
  t = await setupTestDb({ TRUST_PROXY: "true" });
});
afterAll(async () => t.cleanup());

async function metaThroughProxy(headers: Record<string, string>) {
  const res = await proxy(new NextRequest("http://localhost:3000/api/sessions", { headers }));
  const forwarded = new Headers();
  for (const name of res.headers.get("x-middleware-override-headers")?.split(",") ?? []) {
    forwarded.set(name, res.headers.get(`x-middleware-request-${name}`) ?? "");
  }
  return requestMetaFrom(forwarded);
}

describe("request ids in audit rows", () => {
  it("the row carries the server's id; the ingress's id goes into details, outside the chained field set", async () => {
    const meta = await metaThroughProxy({ "x-request-id": "client-chosen-0001", "x-forwarded-for": "203.0.113.7" });
    const { seq } = await audit(
      { actor: { type: "anonymous" }, request: meta },
      { action: "test.request-id", details: { note: "x" } },
    );
    const [row] = await (await getDb()).select().from(auditLog).where(eq(auditLog.seq, seq));
    expect(row.requestId).toBe(meta.requestId);
    expect(row.requestId).not.toBe("client-chosen-0001");
    expect(row.details).toEqual({ note: "x", ingressRequestId: "client-chosen-0001" });
    expect(await verifyAuditChain(await getDb())).toMatchObject({ ok: true });
  });
});
