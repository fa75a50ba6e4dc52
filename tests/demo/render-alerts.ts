/**
 * Renders what people read — the alert email (HTML) and the Teams Adaptive Card (with Microsoft's own
 * adaptivecards renderer) — for a sample digest, and screenshots them into docs/images/. Run:
 *   npm run render:alerts
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";
import { renderHtml } from "@/lib/alerts/channels/render-text";
import { adaptiveCard } from "@/lib/alerts/channels/teams";
import type { AlertMessage, DeliveryContent } from "@/lib/alerts/message";

const at = "2026-12-01T08:00:00.000Z";
const base = { action: "trigger" as const, data: {}, at, dedupKey: "d", owner: "alice@contoso.com" };
const messages: AlertMessage[] = [
  {
    ...base,
    type: "secret.expiring",
    typeLabel: "Secret expiring",
    severity: "high",
    title: "Secret sql-admin-password expires in 6 days",
    summary: "It crossed the 7-day threshold. Renew or rotate it before it expires.",
    facts: [
      { name: "Vault", value: "kv-payments-prod-weu" },
      { name: "Subscription", value: "0b1f6471-1bf0-4dda-aec3-cb9272f09590" },
      { name: "Expires", value: "2026-12-07 08:00 UTC" },
      { name: "Owner", value: "alice@contoso.com" },
      { name: "Severity", value: "high" },
    ],
    link: "https://certifyclouds.contoso.com/inventory/5f0c",
    itemKey: "asset:1",
  },
  {
    ...base,
    type: "certificate.expired",
    typeLabel: "Certificate expired",
    severity: "critical",
    title: "Certificate api-gateway-tls has expired",
    summary: "Renew or rotate it now; anything that uses it may already be failing.",
    facts: [
      { name: "Vault", value: "kv-edge-prod-neu" },
      { name: "Expired", value: "2026-11-30 23:59 UTC" },
      { name: "Owner", value: "platform@contoso.com" },
      { name: "Severity", value: "critical" },
    ],
    link: "https://certifyclouds.contoso.com/inventory/9a2e",
    itemKey: "asset:2",
  },
  {
    ...base,
    type: "vault.unreadable",
    typeLabel: "Vault newly unreadable",
    severity: "high",
    title: "Vault kv-loyalty-stg-eus2 can no longer be read",
    summary:
      "CertifyClouds could not list this vault's objects (firewall). Add the scanner's outbound IP to the vault firewall.",
    facts: [{ name: "Vault", value: "kv-loyalty-stg-eus2" }],
    link: "https://certifyclouds.contoso.com/vaults/x",
    itemKey: "vault:1",
  },
];
const content: DeliveryContent = { kind: "digest", ruleName: "Production expiry", messages };

async function main() {
  const out = path.resolve("docs/images");
  mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
  const page = await browser.newPage({ viewport: { width: 760, height: 900 }, deviceScaleFactor: 1 });
  await page.setContent(renderHtml(content));
  await page.screenshot({ path: path.join(out, "alert-email.png"), fullPage: true });

  await page.setViewportSize({ width: 620, height: 900 });
  await page.setContent(
    `<!doctype html><html><head><style>body{margin:0;padding:20px;background:#f5f5f5;font-family:'Segoe UI',system-ui,sans-serif}#card{background:#fff;border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.15);max-width:560px}</style></head><body><div id="card"></div></body></html>`,
  );
  await page.addScriptTag({ path: require.resolve("adaptivecards/dist/adaptivecards.min.js") });
  await page.evaluate((json) => {
    const AC = (window as unknown as { AdaptiveCards: any }).AdaptiveCards; // eslint-disable-line @typescript-eslint/no-explicit-any
    const card = new AC.AdaptiveCard();
    card.hostConfig = new AC.HostConfig({
      fontFamily: "Segoe UI, system-ui, sans-serif",
      spacing: { small: 4, default: 8, medium: 14, large: 20, extraLarge: 28, padding: 16 },
      containerStyles: {
        default: {
          backgroundColor: "#FFFFFF",
          foregroundColors: {
            default: { default: "#242424", subtle: "#616161" },
            accent: { default: "#5B5FC7", subtle: "#5B5FC7" },
            attention: { default: "#C4314B", subtle: "#C4314B" },
            good: { default: "#237B4B", subtle: "#237B4B" },
            warning: { default: "#835C00", subtle: "#835C00" },
          },
        },
      },
      actions: { actionsOrientation: "horizontal", buttonSpacing: 8 },
    });
    card.parse(json);
    document.getElementById("card")!.appendChild(card.render()!);
  }, adaptiveCard(content));
  await page.locator("#card").screenshot({ path: path.join(out, "alert-teams-card.png") });
  await browser.close();
  console.log(`wrote ${out}/alert-email.png and ${out}/alert-teams-card.png`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
