import type { DbOrTx } from "../db/client";
import { subscriptions } from "../db/schema";

/** Subscription id → display name, for every subscription the inventory has seen. */
export async function subscriptionNames(db: DbOrTx): Promise<Map<string, string>> {
  const rows = await db.select({ id: subscriptions.id, name: subscriptions.displayName }).from(subscriptions);
  return new Map(rows.map((r) => [r.id, r.name]));
}
