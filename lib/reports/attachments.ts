/**
 * The raw data embedded in the package as PDF file attachments, each with its SHA-256 (printed on the cover, so an
 * auditor can check an extracted file against it). CSVs come from the same streamed writers as the console's exports.
 */
import { createHash } from "node:crypto";
import { exportAuditCsv } from "../audit/export-csv";
import { exportAuditJsonl } from "../audit/export";
import type { AnchorRef } from "../audit/export-format";
import type { Ctx } from "../context";
import { complianceSnapshots } from "../db/schema";
import { dbOf } from "../db/transaction";
import { exportAssetsCsv } from "../inventory/export-assets";
import { exportCredentialsCsv, exportVaultsCsv } from "../inventory/export-more";
import type { AttachmentInfo } from "./evidence-data";
import { exportFindingsCsv, exportOpenFindingsCsv } from "./findings-csv";

export interface Attachment extends AttachmentInfo {
  data: Buffer;
}

async function collect(
  name: string,
  description: string,
  mime: string,
  gen: AsyncIterable<string> | Iterable<string>,
  header: number,
): Promise<Attachment> {
  const parts: Buffer[] = [];
  let rows = 0;
  for await (const chunk of gen) {
    const b = Buffer.from(chunk, "utf8");
    parts.push(b);
    for (let i = 0; i < b.length; i++) if (b[i] === 10) rows++;
  }
  const data = Buffer.concat(parts);
  return {
    name,
    description,
    mime,
    rows: rows - header,
    bytes: data.length,
    sha256: createHash("sha256").update(data).digest("hex"),
    data,
  };
}

const ON_THE_FLY = "Every compliance finding, evaluated at generation time (no evaluation recorded yet)";

export async function buildAttachments(
  ctx: Ctx,
  opts: {
    subscriptions: string[];
    period: { from: Date; to: Date };
    anchor: AnchorRef | null;
    now: Date;
    /** findings.csv already written by the package's own on-the-fly evaluation (collect.ts): not evaluated again. */
    evaluatedFindingsCsv?: readonly string[];
  },
): Promise<Attachment[]> {
  const { subscriptions, period, anchor, now, evaluatedFindingsCsv } = opts;
  const one = subscriptions.length === 1 ? { subscription: subscriptions[0] } : {};
  const list: Attachment[] = [];
  const db = await dbOf(ctx);
  // the same choice as the PDF's figures: the latest evaluation when there is one
  const evaluated = (await db.select({ id: complianceSnapshots.id }).from(complianceSnapshots).limit(1)).length > 0;
  // one at a time: each holds the database for its batches
  list.push(
    await collect(
      "inventory.csv",
      "Secrets, certificates and keys (metadata only)",
      "text/csv",
      exportAssetsCsv({ ctx, input: one, now, subscriptionIds: subscriptions }),
      1,
    ),
    await collect(
      "vault-posture.csv",
      "Every vault's posture",
      "text/csv",
      exportVaultsCsv({ ctx, input: {}, subscriptionIds: subscriptions }),
      1,
    ),
    evaluatedFindingsCsv
      ? await collect("findings.csv", ON_THE_FLY, "text/csv", evaluatedFindingsCsv, 1)
      : evaluated
        ? await collect(
            "findings.csv",
            "Every open compliance finding (failing, waived, unknown) of the latest evaluation",
            "text/csv",
            exportOpenFindingsCsv(db, subscriptions),
            1,
          )
        : await collect(
            "findings.csv",
            ON_THE_FLY,
            "text/csv",
            exportFindingsCsv({ ctx, input: { subscriptions }, now }),
            1,
          ),
    await collect(
      "app-credentials.csv",
      "App registration credentials (hints and dates only)",
      "text/csv",
      exportCredentialsCsv({ ctx, input: {}, now }),
      1,
    ),
    await collect(
      "audit-log.csv",
      "The audit log of the period",
      "text/csv",
      exportAuditCsv({ ctx, input: period }),
      1,
    ),
    await collect(
      "audit-log.jsonl",
      "The audit log of the period with hashes and a MAC'd manifest (npm run audit:verify -- --file)",
      "application/jsonl",
      exportAuditJsonl({ ctx, input: period, anchor, now }),
      1,
    ),
  );
  return list;
}
