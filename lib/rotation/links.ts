/**
 * Which Key Vault secrets hold an app registration's client secret (pure). In order of confidence:
 *  1. tags on the secret — ours (`cc-app-id` = appId, optionally `cc-credential-key-id` = keyId) or those of
 *     Microsoft's rotation sample (`CredentialId` = keyId, `ProviderAddress` = appId or object id);
 *  2. a configured naming pattern (`app-{appSlug}-client-secret`, …);
 *  3. an Operator's confirmation in the console.
 * A secret whose name merely mentions the app, or whose value matched a credential's hint ("match by hint"), is a
 * suggestion: shown, never rotated until confirmed. A rejection beats every other source.
 */

export const TAG_APP_ID = "cc-app-id";
export const TAG_KEY_ID = "cc-credential-key-id";
export const TAG_ROTATION_ID = "cc-rotation-id";
const MS_TAG_CREDENTIAL_ID = "CredentialId";
const MS_TAG_PROVIDER_ADDRESS = "ProviderAddress";
const MS_TAG_VALIDITY_DAYS = "ValidityPeriodDays";

type LinkSource = "tags" | "naming" | "confirmed" | "suggested";
type LinkConfidence = "high" | "medium" | "low";

export interface LinkApp {
  id: string;
  appId: string;
  displayName: string;
  keyIds: string[];
}

export interface LinkSecret {
  vaultId: string;
  vaultName: string;
  vaultUri: string;
  name: string;
  tags: Record<string, string>;
  contentType: string | null;
  managed: boolean;
}

export interface Decision {
  vaultId: string;
  secretName: string;
  appObjectId: string;
  decision: "confirmed" | "rejected";
}

/** A secret whose value started with one of the app's credential hints when an Operator ran "match by hint". */
export interface HintMatch {
  vaultId: string;
  secretName: string;
  appObjectId: string;
  keyId: string;
  matchedAt: Date;
}

export interface Link {
  secret: LinkSecret;
  source: LinkSource;
  confidence: LinkConfidence;
  /** Only active links are written by a rotation. */
  active: boolean;
  /** The credential the tags name, when they name one. */
  keyId?: string;
  /** Microsoft sample's ValidityPeriodDays, when present. */
  validityDays?: number;
  reason: string;
}

function slugOf(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export function expandPattern(pattern: string, app: LinkApp): string {
  return pattern
    .replaceAll("{appSlug}", slugOf(app.displayName))
    .replaceAll("{appName}", app.displayName.replace(/[^A-Za-z0-9-]+/g, "-"))
    .replaceAll("{appId}", app.appId)
    .toLowerCase();
}

const ci = (a: string | undefined, b: string) => !!a && a.toLowerCase() === b.toLowerCase();

function byTags(app: LinkApp, s: LinkSecret): Omit<Link, "secret" | "active"> | null {
  const t = s.tags;
  if (ci(t[TAG_APP_ID], app.appId)) {
    const keyId = t[TAG_KEY_ID];
    return { source: "tags", confidence: "high", keyId, reason: `tag ${TAG_APP_ID}` };
  }
  const credId = t[MS_TAG_CREDENTIAL_ID];
  const addr = t[MS_TAG_PROVIDER_ADDRESS];
  const addrMatches = ci(addr, app.appId) || ci(addr, app.id);
  const credMatches = !!credId && app.keyIds.some((k) => ci(credId, k));
  if (addrMatches || credMatches) {
    const days = Number(t[MS_TAG_VALIDITY_DAYS]);
    return {
      source: "tags",
      confidence: "high",
      keyId: credMatches ? credId : undefined,
      validityDays: Number.isInteger(days) && days > 0 && days <= 730 ? days : undefined,
      reason: addrMatches ? `tag ${MS_TAG_PROVIDER_ADDRESS}` : `tag ${MS_TAG_CREDENTIAL_ID}`,
    };
  }
  return null;
}

const HINT_WORDS = /(secret|credential|password|client|sp|spn)/;

/** The links of one app among the given secrets. */
export function linksForApp(
  app: LinkApp,
  secrets: readonly LinkSecret[],
  patterns: readonly string[],
  decisions: readonly Decision[],
  hints: readonly HintMatch[] = [],
): Link[] {
  const names = new Set(patterns.map((p) => expandPattern(p, app)));
  const slug = slugOf(app.displayName);
  const out: Link[] = [];
  for (const s of secrets) {
    if (s.managed) continue; // a certificate's backing secret is not a client secret
    const d = decisions.find((x) => x.vaultId === s.vaultId && x.secretName === s.name && x.appObjectId === app.id);
    const tagged = byTags(app, s);
    const named = names.has(s.name.toLowerCase());
    const mentions = slug.length >= 3 && s.name.toLowerCase().includes(slug) && HINT_WORDS.test(s.name.toLowerCase());
    const hint = hints.find((h) => h.vaultId === s.vaultId && h.secretName === s.name && h.appObjectId === app.id);
    if (!tagged && !named && !mentions && !d && !hint) continue;
    if (d?.decision === "rejected") {
      out.push({
        secret: s,
        source: tagged ? "tags" : named ? "naming" : "suggested",
        confidence: "low",
        active: false,
        reason: "rejected by an Operator",
      });
      continue;
    }
    if (tagged) out.push({ secret: s, ...tagged, active: true });
    else if (named)
      out.push({ secret: s, source: "naming", confidence: "medium", active: true, reason: "naming pattern" });
    else if (d?.decision === "confirmed")
      out.push({
        secret: s,
        source: "confirmed",
        confidence: "high",
        active: true,
        reason: "confirmed by an Operator",
      });
    else if (hint)
      out.push({
        secret: s,
        source: "suggested",
        confidence: "medium",
        active: false,
        keyId: hint.keyId,
        reason: `its value matched the hint of credential ${hint.keyId.slice(0, 8)}… (match by hint, ${hint.matchedAt.toISOString().slice(0, 10)})`,
      });
    else
      out.push({ secret: s, source: "suggested", confidence: "low", active: false, reason: "name mentions the app" });
  }
  return out.sort(
    (a, b) => a.secret.vaultName.localeCompare(b.secret.vaultName) || a.secret.name.localeCompare(b.secret.name),
  );
}
