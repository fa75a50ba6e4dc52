/** What a rotation plan (the dry run shown before every rotation) says, for both kinds of rotation. */
import type { RotationCertificate, RotationTarget } from "../db/schema";
import type { Consumer } from "./consumers";
import type { PermissionCheck } from "./permissions";

export interface RotationPlan {
  /** secret: a client secret into linked KV secrets; certificate: the next version of a KV certificate, via addKey */
  kind: "secret" | "certificate";
  app: { id: string; appId: string; displayName: string };
  /** certificate rotations: the Key Vault certificate that gets a new version (null when none can) */
  certificate: (RotationCertificate & { issuer: string | null }) | null;
  replaces: { keyId: string; displayName: string | null; endDateTime: Date | null } | null;
  validityDays: number;
  newEndDateTime: Date;
  overlapHours: number;
  targets: (RotationTarget & { newExpiry: Date; tags: string[] })[];
  /** links that will NOT be written (suggested or rejected) — shown so nobody is surprised */
  skipped: { vaultName: string; secretName: string; source: string; reason: string }[];
  /** what the identity needs and whether it has it (read live with the consumers; "unknown" without) */
  permissions: PermissionCheck[];
  /** who reads the secrets written (live from ARM; metadata only) */
  consumers: Consumer[];
  consumersError?: string;
  /** target vaults the last scan could not reach or read: their write will likely fail (advisory, not a blocker) */
  warnings: string[];
  /** Settings → Automatic rotation requires an Admin's approval (not the requester's) before a rotation starts */
  needsApproval: boolean;
  blockers: string[];
}
