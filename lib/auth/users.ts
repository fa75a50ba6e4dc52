import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { users, type User } from "../db/schema";
import type { Role } from "./permissions";

export interface EntraIdentity {
  oid: string;
  tenantId: string;
  upn: string;
  name: string;
  roles: Role[];
}

/** Creates or refreshes the user on every sign-in, so a role removed in Entra is removed here too. */
export async function upsertUserFromSignIn(db: Db, id: EntraIdentity): Promise<User> {
  const now = new Date();
  const [row] = await db
    .insert(users)
    .values({ oid: id.oid, tenantId: id.tenantId, upn: id.upn, name: id.name, roles: id.roles, lastSignInAt: now })
    .onConflictDoUpdate({
      target: users.oid,
      set: { tenantId: id.tenantId, upn: id.upn, name: id.name, roles: id.roles, lastSignInAt: now },
    })
    .returning();
  return row;
}

export async function getUserById(db: Db, userId: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return row;
}

export async function getUserByOid(db: Db, oid: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.oid, oid)).limit(1);
  return row;
}
