import { randomUUID } from "node:crypto";
import { createChannel, createRule } from "@/lib/alerts";
import type { AlertMessage } from "@/lib/alerts/message";
import type { Ctx } from "@/lib/context";

export const adminCtx = (): Ctx => ({
  actor: {
    type: "user",
    userId: randomUUID(),
    oid: randomUUID(),
    upn: "admin@contoso.test",
    name: "Admin",
    roles: ["CertifyClouds.Admin"],
  },
  request: { requestId: randomUUID(), ip: "127.0.0.1" },
});

export const NOW = new Date("2026-03-20T09:00:00.000Z");

export const MESSAGE: AlertMessage = {
  type: "secret.expiring",
  typeLabel: "Secret expiring",
  action: "trigger",
  severity: "high",
  title: "Secret db-password expires in 7 days",
  summary: "It crossed the 7-day threshold. Renew or rotate it before it expires.",
  facts: [
    { name: "Vault", value: "kv-prod-1" },
    { name: "Owner", value: "alice@contoso.com" },
  ],
  link: "https://cc.example.test/inventory/a1",
  itemKey: "asset:a1",
  dedupKey: "certifyclouds:r1:asset:a1",
  owner: "alice@contoso.com",
  data: { name: "db-password", vault: "kv-prod-1", subscriptionId: "sub-1" },
  at: NOW.toISOString(),
};

/**
 * A webhook channel (to an address nothing listens on: tests read the outbox, not deliveries) and a rule sending the
 * given alert types to it; `rule` adds thresholds or scope.
 */
export async function webhookRule(
  ctx: Ctx,
  name: string,
  types: string[],
  rule: Record<string, unknown> = {},
): Promise<{ channelId: string; ruleId: string }> {
  const hook = await createChannel({
    ctx,
    input: {
      name: `${name} hook`,
      kind: "webhook",
      secrets: { url: `https://hooks.example.test/${encodeURIComponent(name)}` },
    },
  });
  const created = await createRule({ ctx, input: { name, types, channelIds: [hook.id], ...rule } });
  return { channelId: hook.id, ruleId: created.id };
}
