import { eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit/record";
import type { Ctx } from "../context";
import { sessions, users } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { assertPermission } from "../auth/authorize";

export const revokeSessionInput = z.object({ sessionId: z.string().uuid() });

/** Admin verb: ends another user's (or one's own) session; it stops working on the next request. */
export async function revokeSession({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ revoked: true }> {
  assertPermission(ctx, "sessions:manage");
  const { sessionId } = revokeSessionInput.parse(input);
  return withTransaction(ctx, async (t) => {
    const tx = t.db;
    const [row] = await tx
      .select({ id: sessions.id, upn: users.upn, oid: users.oid })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, sessionId))
      .limit(1);
    if (!row) throw new AppError("not_found", "That session has already ended.");
    await tx.delete(sessions).where(eq(sessions.id, sessionId));
    await audit(t, {
      action: "auth.session.revoked",
      target: { type: "session", id: sessionId },
      details: { userOid: row.oid, userUpn: row.upn },
    });
    return { revoked: true as const };
  });
}
