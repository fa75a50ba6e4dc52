/**
 * `npm run demo` only (APP_ENV=demo with the demo's mail catcher port): an email channel to the demo mailbox and two
 * rules, created once at start (before the first scan), so the first scan's expiring items arrive as emails a person
 * can open in the mailbox page. Everything is labelled "Demo" and can be edited or deleted like any channel or rule.
 */
import type { Ctx } from "../context";
import { alertChannels } from "../db/schema";
import { dbOf } from "../db/transaction";
import { createChannel } from "./channel-verbs";
import { createRule } from "./rule-verbs";

const TEAM = "platform-team@contoso.example";

export async function seedDemoAlerts(ctx: Ctx, smtpPort: number): Promise<boolean> {
  const db = await dbOf(ctx);
  if ((await db.select({ id: alertChannels.id }).from(alertChannels).limit(1)).length) return false;
  const mailbox = await createChannel({
    ctx,
    input: {
      name: "Demo mailbox",
      kind: "email",
      config: {
        host: "127.0.0.1",
        port: smtpPort,
        security: "none",
        from: "certifyclouds@contoso.example",
        to: [TEAM],
      },
    },
  });
  await createRule({
    ctx,
    input: {
      name: "Demo: expiring secrets, certificates, keys and app credentials → owners",
      types: [
        "secret.expiring",
        "secret.expired",
        "certificate.expiring",
        "certificate.expired",
        "key.expiring",
        "key.expired",
        "app-credential.expiring",
        "app-credential.expired",
      ],
      thresholds: [30, 14, 7],
      channelIds: [mailbox.id],
      ownerTag: "owner",
      fallbackRecipients: [TEAM],
    },
  });
  await createRule({
    ctx,
    input: {
      name: "Demo: compliance and rotation → platform team",
      types: [
        "compliance.finding.new",
        "compliance.score.below",
        "compliance.score.dropped",
        "rotation.awaiting_approval",
        "rotation.failed",
        "rotation.held",
        "rotation.completed",
        "scan.failed",
        "vault.unreadable",
      ],
      channelIds: [mailbox.id],
    },
  });
  return true;
}
