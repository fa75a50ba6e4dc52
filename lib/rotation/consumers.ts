/**
 * The blast radius of a rotation: which apps read the secrets it writes, and what happens to each. A versionless
 * reference picks the new version up on its platform's own refresh; a versioned one keeps the old value until its
 * reference is updated (flagged in the plan).
 */
import { isNull } from "drizzle-orm";
import { classifyError, listConsumerReferences, type ConsumerReference } from "../cloud";
import type { Ctx } from "../context";
import { subscriptions } from "../db/schema";
import { dbOf } from "../db/transaction";

export interface Consumer extends Omit<ConsumerReference, "ref"> {
  vaultName: string;
  secretName: string;
  versioned: boolean;
  /** the version a versioned reference points at */
  version: string | null;
  effect: string;
}

const REFRESH = {
  app_service: "picks up the new version within 24 hours (or at the next restart or configuration change)",
  function_app: "picks up the new version within 24 hours (or at the next restart or configuration change)",
  container_app: "picks up the new version within 30 minutes (or at the next revision)",
} as const;

export interface SecretRef {
  vaultName: string;
  vaultUri: string;
  secretName: string;
}

/** The references that point at one of `secrets` (pure). */
export function matchConsumers(refs: readonly ConsumerReference[], secrets: readonly SecretRef[]): Consumer[] {
  const out: Consumer[] = [];
  for (const c of refs) {
    const s = secrets.find(
      (t) =>
        t.secretName.toLowerCase() === c.ref.secretName.toLowerCase() &&
        (c.ref.vaultName
          ? c.ref.vaultName.toLowerCase() === t.vaultName.toLowerCase()
          : c.ref.vaultHost === new URL(t.vaultUri).host.toLowerCase()),
    );
    if (!s) continue;
    const versioned = c.ref.version !== null;
    const { ref: _ref, ...rest } = c;
    void _ref;
    out.push({
      ...rest,
      vaultName: s.vaultName,
      secretName: s.secretName,
      versioned,
      version: c.ref.version,
      effect: versioned
        ? "keeps the old value: its reference names a version — update it to the new version"
        : REFRESH[c.kind],
    });
  }
  return out.sort((a, b) => Number(b.versioned) - Number(a.versioned) || a.resourceName.localeCompare(b.resourceName));
}

/** Live: the consumers of `secrets` across the inventoried subscriptions (metadata only). */
export async function discoverConsumers(
  ctx: Ctx,
  secrets: readonly SecretRef[],
): Promise<{ consumers: Consumer[]; error?: string }> {
  if (!secrets.length) return { consumers: [] };
  const db = await dbOf(ctx);
  const subs = await db.select({ id: subscriptions.id }).from(subscriptions).where(isNull(subscriptions.removedAt));
  const refs: ConsumerReference[] = [];
  const failed: string[] = [];
  await Promise.all(
    subs.map(async (s) => {
      try {
        refs.push(...(await listConsumerReferences(s.id, { retry: { attempts: 3, timeoutMs: 15_000 } })));
      } catch (e) {
        const c = classifyError(e);
        failed.push(`${s.id}: ${c.kind}${c.status ? ` (HTTP ${c.status})` : ""}`);
      }
    }),
  );
  return {
    consumers: matchConsumers(refs, secrets),
    ...(failed.length ? { error: `consumers not known for ${failed.length} subscription(s): ${failed[0]}` } : {}),
  };
}
