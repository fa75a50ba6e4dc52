/**
 * The audit export's wire format, shared by the exporter and the offline verifier (which must not need a database).
 * One JSON object per line: every row of the period in sequence order (`type: "row"`), then one trailing manifest
 * (`type: "manifest"`) — trailing so the export streams without knowing its row count in advance. A file without a
 * manifest was cut short.
 */
import { createHash, createHmac } from "node:crypto";
import type { AuditRow } from "../db/schema";
import { canonicalJson } from "./canonical";
import { chainedFieldsOfRow, type ChainedFields, type MacKey } from "./chain";

export const EXPORT_FORMAT = "certifyclouds-audit-export/v1";

export interface ExportedRow extends ChainedFields {
  type: "row";
  prevHash: string;
  hash: string;
  mac: string;
  keyId: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/** The newest anchor written where the database administrator cannot rewrite it (ADR 0007). */
export interface AnchorRef extends ChainHead {
  at: string;
  /** Where it lives, e.g. the Key Vault secret version's id. */
  location: string;
}

export interface ExportManifest {
  type: "manifest";
  format: typeof EXPORT_FORMAT;
  period: { from: string | null; to: string | null };
  exportedAt: string;
  exportedBy: string;
  rowCount: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** The previous-hash link of the first exported row: where the period joins the chain before it. */
  startPrevHash: string | null;
  /** SHA-256 over the exported rows' hashes in order, newline-joined. */
  rowsDigest: string;
  /** The live chain's head when the export was made (it may lie after the period). */
  head: ChainHead | null;
  anchor: AnchorRef | null;
  keyId: string;
  /** HMAC-SHA-256 with the audit key over the canonical JSON of every other field. */
  mac: string;
}

export function exportedRow(r: AuditRow): ExportedRow {
  return { type: "row", ...chainedFieldsOfRow(r), prevHash: r.prevHash, hash: r.hash, mac: r.mac, keyId: r.keyId };
}

/** Incremental digest over row hashes, so neither side keeps the rows. */
export function rowsDigest() {
  const h = createHash("sha256");
  let first = true;
  return {
    add(hash: string) {
      h.update(first ? hash : `\n${hash}`);
      first = false;
    },
    hex: () => h.digest("hex"),
  };
}

export function manifestMac(key: MacKey, manifest: Omit<ExportManifest, "mac">): string {
  return createHmac("sha256", key.key).update(canonicalJson(manifest)).digest("hex");
}
