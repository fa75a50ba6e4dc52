/** Checks both kinds of plan make: a rotation already open for the app, target vaults the last scan could not read. */
import { and, eq, inArray, notInArray } from "drizzle-orm";
import type { Ctx } from "../context";
import { rotations, vaults } from "../db/schema";
import { dbOf } from "../db/transaction";

export const RUNNING = "A rotation of this app is already in progress or held.";

export async function runningRotation(ctx: Ctx, appObjectId: string): Promise<boolean> {
  const db = await dbOf(ctx);
  const rows = await db
    .select({ id: rotations.id })
    .from(rotations)
    .where(and(eq(rotations.appObjectId, appObjectId), notInArray(rotations.state, ["done", "cancelled"])))
    .limit(1);
  return rows.length > 0;
}

/** The target vaults whose last scan ended without access (firewall, network, permission…), as warnings. */
export async function unreachableTargets(ctx: Ctx, targets: { id: string; name: string }[]): Promise<string[]> {
  if (!targets.length) return [];
  const db = await dbOf(ctx);
  const rows = await db
    .select({ name: vaults.name, status: vaults.accessStatus })
    .from(vaults)
    .where(
      inArray(
        vaults.id,
        targets.map((t) => t.id),
      ),
    );
  return rows
    .filter((r) => r.status !== "ok" && r.status !== "unknown")
    .map(
      (r) =>
        `The last scan could not read ${r.name} (${r.status}): the write there will likely fail — the rotation would then be held and its new secret removed again.`,
    );
}
