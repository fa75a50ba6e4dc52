/**
 * ARM reads of a vault's monitoring posture, metadata only: its diagnostic settings (Microsoft.Insights) and its
 * subscription's Defender for Key Vault plan (Microsoft.Security). Each response is checked with zod; a response of an
 * unexpected shape fails the call (the fact stays unknown), because a skipped setting could be the one that matters.
 */
import { z } from "zod";
import { armGetJson } from "./clients";
import { withRetry, type CallOptions } from "./retry";

const DIAGNOSTICS_API = "2021-05-01-preview";
const PRICINGS_API = "2024-01-01";

const retention = z.object({ enabled: z.boolean().nullish(), days: z.number().int().nullish() }).nullish();
const diagnosticSettingSchema = z.object({
  name: z.string().nullish(),
  properties: z
    .object({
      storageAccountId: z.string().nullish(),
      workspaceId: z.string().nullish(),
      eventHubAuthorizationRuleId: z.string().nullish(),
      marketplacePartnerId: z.string().nullish(),
      logs: z
        .array(
          z.object({
            category: z.string().nullish(),
            categoryGroup: z.string().nullish(),
            enabled: z.boolean(),
            retentionPolicy: retention,
          }),
        )
        .nullish(),
    })
    .nullish(),
});
const diagnosticListSchema = z.object({ value: z.array(diagnosticSettingSchema).nullish() });

const pricingSchema = z.object({
  properties: z.object({ pricingTier: z.string().min(1), subPlan: z.string().nullish() }),
});

/** One log entry of a diagnostic setting; the retention policy only when it is on (off is what Azure now writes). */
interface DiagnosticLog {
  category?: string;
  categoryGroup?: string;
  enabled: boolean;
  retentionPolicy?: { enabled: true; days: number };
}

/** One diagnostic setting: where it sends (resource ids, "" from ARM read as none) and which logs. Metrics left out. */
interface DiagnosticSetting {
  name: string | null;
  workspaceId?: string;
  storageAccountId?: string;
  eventHubAuthorizationRuleId?: string;
  marketplacePartnerId?: string;
  logs: DiagnosticLog[];
}

export interface DiagnosticSettings {
  settings: DiagnosticSetting[];
  /** some setting has an enabled log and a destination (the inventory's summary column) */
  logsEnabled: boolean;
}

/** Zod's first problems, by path only (never a value); the caller names the call. */
function shapeProblem(error: z.ZodError): Error {
  const where = error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`)
    .join("; ");
  return new Error(`unexpected response shape (${where})`);
}

const id = (s: string | null | undefined) => (s ? s : undefined);

function toSetting(s: z.output<typeof diagnosticSettingSchema>): DiagnosticSetting {
  const p = s.properties ?? {};
  const out: DiagnosticSetting = {
    name: s.name ?? null,
    logs: (p.logs ?? []).map((l) => {
      const log: DiagnosticLog = { enabled: l.enabled };
      if (l.category) log.category = l.category;
      if (l.categoryGroup) log.categoryGroup = l.categoryGroup;
      if (l.retentionPolicy?.enabled === true)
        log.retentionPolicy = { enabled: true, days: l.retentionPolicy.days ?? 0 };
      return log;
    }),
  };
  const dest = {
    workspaceId: id(p.workspaceId),
    storageAccountId: id(p.storageAccountId),
    eventHubAuthorizationRuleId: id(p.eventHubAuthorizationRuleId),
    marketplacePartnerId: id(p.marketplacePartnerId),
  };
  for (const [k, v] of Object.entries(dest)) if (v) (out as unknown as Record<string, string>)[k] = v;
  return out;
}

/** The diagnostic settings of a resource (a vault): one ARM call, never paged (at most five settings per resource). */
export async function getDiagnosticSettings(resourceId: string, o: CallOptions = {}): Promise<DiagnosticSettings> {
  const raw = await withRetry(
    (signal) =>
      armGetJson<unknown>(
        `${resourceId}/providers/Microsoft.Insights/diagnosticSettings?api-version=${DIAGNOSTICS_API}`,
        signal,
      ),
    o,
  );
  const parsed = diagnosticListSchema.safeParse(raw);
  if (!parsed.success) throw shapeProblem(parsed.error);
  const settings = (parsed.data.value ?? []).map(toSetting);
  const logsEnabled = settings.some(
    (s) =>
      s.logs.some((l) => l.enabled) &&
      !!(s.workspaceId || s.storageAccountId || s.eventHubAuthorizationRuleId || s.marketplacePartnerId),
  );
  return { settings, logsEnabled };
}

export interface DefenderPlan {
  /** Free | Standard, as Azure spells it */
  pricingTier: string;
  subPlan?: string;
}

/** The subscription's Defender for Key Vault plan (Microsoft.Security/pricings/KeyVaults). */
export async function getDefenderForKeyVault(subscriptionId: string, o: CallOptions = {}): Promise<DefenderPlan> {
  const raw = await withRetry(
    (signal) =>
      armGetJson<unknown>(
        `/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.Security/pricings/KeyVaults?api-version=${PRICINGS_API}`,
        signal,
      ),
    o,
  );
  const parsed = pricingSchema.safeParse(raw);
  if (!parsed.success) throw shapeProblem(parsed.error);
  const p = parsed.data.properties;
  return p.subPlan ? { pricingTier: p.pricingTier, subPlan: p.subPlan } : { pricingTier: p.pricingTier };
}
