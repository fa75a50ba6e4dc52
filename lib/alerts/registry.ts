/**
 * The alert types. A module adds its types with `registerAlertType` (an id, a label, a family and a strict payload
 * schema); stateful families — items that cross thresholds and later recover — also register a source (families.ts)
 * that the evaluation after each scan reads. Types without a source are raised with `emitAlert` by the module that
 * owns the event (compliance findings, rotation), in that module's transaction.
 */
import { z } from "zod";
import type { Severity } from "./message";

export interface AlertTypeDef {
  id: string;
  label: string;
  /** types of one family share an item's threshold state (e.g. secret expiring → expired) */
  family: string;
  /** the fields a message of this type may carry (names and metadata only) */
  payload: z.ZodType<Record<string, unknown>>;
  defaultSeverity: Severity;
  /** false: registered for a module that raises it itself; rules may already subscribe */
  evaluatedAfterScan: boolean;
}

const types = new Map<string, AlertTypeDef>();

export function registerAlertType(def: AlertTypeDef): void {
  if (types.has(def.id)) throw new Error(`alert type ${def.id} is registered twice`);
  types.set(def.id, def);
}

export function alertType(id: string): AlertTypeDef | undefined {
  return types.get(id);
}

export function alertTypes(): AlertTypeDef[] {
  return [...types.values()];
}

const name = z.string().max(400);
const iso = z.string().max(40);

const assetPayload = z.strictObject({
  assetId: z.string(),
  name,
  objectType: z.enum(["secret", "certificate", "key"]),
  vault: name,
  subscriptionId: z.string(),
  expiresOn: iso,
  daysLeft: z.number().int(),
  threshold: z.string(),
  tags: z.record(z.string(), z.string()),
});
const appPayload = z.strictObject({
  credentialId: z.string(),
  app: name,
  appId: z.string(),
  credentialType: z.enum(["password", "certificate"]),
  displayName: name.nullable(),
  endDateTime: iso,
  daysLeft: z.number().int(),
  threshold: z.string(),
});

for (const t of ["secret", "certificate", "key"] as const) {
  const label = t[0].toUpperCase() + t.slice(1);
  registerAlertType({
    id: `${t}.expiring`,
    label: `${label} expiring`,
    family: "asset-expiry",
    payload: assetPayload,
    defaultSeverity: "medium",
    evaluatedAfterScan: true,
  });
  registerAlertType({
    id: `${t}.expired`,
    label: `${label} expired`,
    family: "asset-expiry",
    payload: assetPayload,
    defaultSeverity: "critical",
    evaluatedAfterScan: true,
  });
}
registerAlertType({
  id: "app-credential.expiring",
  label: "App credential expiring",
  family: "app-credential-expiry",
  payload: appPayload,
  defaultSeverity: "medium",
  evaluatedAfterScan: true,
});
registerAlertType({
  id: "app-credential.expired",
  label: "App credential expired",
  family: "app-credential-expiry",
  payload: appPayload,
  defaultSeverity: "critical",
  evaluatedAfterScan: true,
});
registerAlertType({
  id: "scan.failed",
  label: "Scan failed",
  family: "scan",
  payload: z.strictObject({ scanId: z.string(), mode: z.string(), error: z.string().max(500).nullable() }),
  defaultSeverity: "high",
  evaluatedAfterScan: true,
});
registerAlertType({
  id: "vault.unreadable",
  label: "Vault newly unreadable",
  family: "vault-readability",
  payload: z.strictObject({
    vaultId: z.string(),
    vault: name,
    subscriptionId: z.string(),
    reason: z.string().max(40),
    remediation: z.string().max(1000).nullable(),
    tags: z.record(z.string(), z.string()),
  }),
  defaultSeverity: "high",
  evaluatedAfterScan: true,
});

// Raised by other modules when they ship (compliance findings, scores, rotation): registered now so rules can
// subscribe and the payload contract is fixed.
const external = (id: string, label: string, family: string, severity: Severity, payload: z.ZodRawShape) =>
  registerAlertType({
    id,
    label,
    family,
    payload: z.strictObject(payload),
    defaultSeverity: severity,
    evaluatedAfterScan: false,
  });
external("compliance.finding.new", "New critical/high compliance finding", "compliance", "high", {
  findingId: z.string(),
  ruleId: z.string(),
  ruleTitle: name,
  severity: z.enum(["critical", "high"]),
  resourceId: z.string(),
  resourceName: name,
});
external("compliance.score.below", "Compliance score below threshold", "compliance-score", "high", {
  framework: name,
  score: z.number(),
  threshold: z.number(),
});
external("compliance.score.dropped", "Compliance score dropped", "compliance-score", "medium", {
  framework: name,
  score: z.number(),
  previous: z.number(),
  drop: z.number(),
});
for (const [id, label, sev] of [
  ["rotation.awaiting_approval", "Rotation awaits approval", "medium"],
  ["rotation.held", "Rotation held", "medium"],
  ["rotation.failed", "Rotation failed", "high"],
  ["rotation.completed", "Rotation completed", "low"],
] as const)
  external(id, label, "rotation", sev, {
    rotationId: z.string(),
    assetName: name,
    vault: name,
    step: z.string().max(100).optional(),
    error: z.string().max(500).optional(),
  });

// Raised when a scheduled evidence package is stored (lib/reports/store.ts): a link to the Reports page, never the file.
external("report.ready", "Evidence package ready", "reports", "low", {
  reportId: z.string(),
  title: name,
  sha256: z.string().max(64),
  pages: z.number().int().nullable(),
});
