/** Rotation tests: the tiny estate scanned into a fresh database, and helpers to check credentials for real. */
import { eq } from "drizzle-orm";
import { systemCtx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { appRegistrations, rotations, type Rotation } from "@/lib/db/schema";
import { verifyClientSecret } from "@/lib/cloud";
import { runDueRotations, startRotation } from "@/lib/rotation";
import type { RunOptions } from "@/lib/rotation/machine";
import { markerOf } from "@/lib/rotation/traces";
import type { LocalCloud } from "../../cloud";
import { afterAll, beforeAll } from "vitest";
import { runScan, setupDiscovery, userCtx, type Env } from "../discovery/helpers";

export const operator = () => userCtx("CertifyClouds.Operator");
export const FAST = {
  verifyAttempts: 2,
  verifyBackoffMs: 50,
  leaseMs: 10_000,
  retry: { baseDelayMs: 20, maxDelayMs: 200, timeoutMs: 3000, maxRetryAfterMs: 5000, attempts: 4 },
};

/** The tiny estate scanned into a fresh database for the file's tests (beforeAll / afterAll); the env getter. */
export function scannedTinyEstate(): () => Env {
  let env: Env | undefined;
  beforeAll(async () => {
    env = await setupDiscovery({ estate: "tiny" });
    await runScan({ mode: "full" });
  }, 180_000);
  afterAll(async () => {
    await env?.stop();
  });
  return () => env!;
}

/** Names of the vaults the identity can read (reachable, full access). */
export const readableVaults = (cloud: LocalCloud) =>
  new Set(
    cloud.control
      .vaults()
      .filter((v) => v.reachable && v.access === "full")
      .map((v) => v.name),
  );

/** A generated app whose client secret is linked to a readable vault (by tags or naming), with its ids. */
export async function linkedApp(cloud: LocalCloud, mode: "tags" | "naming", writable = true) {
  const readable = readableVaults(cloud);
  const link = cloud.control.appLinks().find((l) => l.mode === mode && readable.has(l.vault));
  if (!link) throw new Error(`no ${mode} link in a readable vault`);
  const db = await getDb();
  const [row] = await db
    .select({ id: appRegistrations.id })
    .from(appRegistrations)
    .where(eq(appRegistrations.appId, link.appId));
  const app = cloud.control.app(link.appId);
  if (!row || row.id !== app.id) throw new Error("app not inventoried");
  if (writable) grantWrite(cloud, link.vault);
  return { link, app, appObjectId: app.id };
}

/** The product identity may write secrets in the vault (Key Vault Secrets Officer, or an access policy with set). */
export function grantWrite(cloud: LocalCloud, vault: string) {
  const oid = cloud.estate.productIdentity.oid;
  const v = cloud.control.vaults().find((x) => x.name === vault)!;
  if (v.rbac) cloud.control.addRoleAssignment(vault, oid, "Key Vault Secrets Officer");
  else
    cloud.control.setAccessPolicy(vault, oid, {
      secrets: ["get", "list", "set"],
      certificates: ["get", "list"],
      keys: ["get", "list"],
    });
}

export async function rotationRow(id: string): Promise<Rotation> {
  const db = await getDb();
  const [r] = await db.select().from(rotations).where(eq(rotations.id, id));
  return r;
}

export async function rotate(appObjectId: string, extra: Partial<RunOptions> = {}) {
  const { rotationId } = await startRotation({ ctx: operator(), input: { appObjectId } });
  await runDueRotations(systemCtx("rotation-worker"), { ...FAST, ...extra });
  return rotationRow(rotationId);
}

export async function tokenWorks(appId: string, secret: string): Promise<boolean> {
  const r = await verifyClientSecret(appId, secret);
  return r.ok;
}

/** Credentials of this rotation still on the app (an orphan is one the rotation no longer records). */
export function markedCredentials(cloud: LocalCloud, appObjectId: string, rotationId: string) {
  return cloud.control
    .app(appObjectId)
    .passwordCredentials.filter((c) => c.displayName?.startsWith(markerOf(rotationId)));
}

/** Ends the overlap now, so the next tick removes the old credential. */
export async function endOverlap(id: string) {
  const db = await getDb();
  await db
    .update(rotations)
    .set({ overlapUntil: new Date(Date.now() - 1000) })
    .where(eq(rotations.id, id));
}

/** Advances due rotations as the scheduler would (fast test policies). */
export const tick = (extra: Partial<RunOptions> = {}) =>
  runDueRotations(systemCtx("rotation-worker"), { ...FAST, ...extra });

/** Ends the overlap and removes the old credential: the app is free for its next rotation. */
export async function finish(id: string) {
  await endOverlap(id);
  await tick();
  const r = await rotationRow(id);
  if (r.state !== "done") throw new Error(`rotation ${id} is ${r.state}: ${r.heldReason}`);
}

/** The product identity may create certificates and sign with keys in the vault (or, sign = false, not sign). */
export function grantCertificateRotation(cloud: LocalCloud, vault: string, sign = true) {
  const { control } = cloud;
  const oid = cloud.estate.productIdentity.oid;
  const v = control.vaults().find((x) => x.name === vault)!;
  if (v.rbac) {
    control.addRoleAssignment(vault, oid, "Key Vault Certificates Officer");
    if (sign) control.addRoleAssignment(vault, oid, "Key Vault Crypto User");
    else control.removeRoleAssignment(vault, oid, "Key Vault Crypto User");
  } else
    control.setAccessPolicy(vault, oid, {
      secrets: ["get", "list"],
      certificates: ["get", "list", "create"],
      keys: sign ? ["get", "list", "sign"] : ["get", "list"],
    });
}
