/**
 * Offline verification of an audit export (export-format.ts): no database, only the file and — for the MACs — the
 * audit key. Names the first line that does not hold: a row whose sequence, link, hash or MAC is wrong, a manifest
 * that does not match the rows, or a file cut short.
 */
import { timingSafeEqual } from "node:crypto";
import {
  asKeys,
  chainedFields,
  keyOrderBreak,
  rowHash,
  rowMac,
  unknownKeyReason,
  type MacKey,
  type MacKeys,
} from "./chain";
import { EXPORT_FORMAT, manifestMac, rowsDigest, type ExportManifest, type ExportedRow } from "./export-format";

export interface ExportVerifyResult {
  ok: boolean;
  rowsChecked: number;
  macChecked: boolean;
  manifest?: ExportManifest;
  firstBad?: { line: number; seq?: number; reason: string };
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function parseLine(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function verifyAuditExport(
  lines: AsyncIterable<string> | Iterable<string>,
  { macKey }: { macKey: MacKey | MacKeys | null },
): Promise<ExportVerifyResult> {
  const keys = asKeys(macKey);
  const macChecked = keys !== null;
  let seenNewest = false;
  const digest = rowsDigest();
  let rowsChecked = 0;
  let lineNo = 0;
  let prev: ExportedRow | undefined;
  let first: ExportedRow | undefined;
  let manifest: ExportManifest | undefined;
  const fail = (reason: string, seq?: number): ExportVerifyResult => ({
    ok: false,
    rowsChecked,
    macChecked,
    manifest,
    firstBad: { line: lineNo, seq, reason },
  });
  for await (const raw of lines) {
    lineNo++;
    if (raw.trim() === "") continue;
    if (manifest) return fail("text after the manifest (rows appended to a closed export)");
    const obj = parseLine(raw);
    if (!obj) return fail("not a JSON object");
    if (obj.type === "manifest") {
      manifest = obj as unknown as ExportManifest;
      continue;
    }
    if (obj.type !== "row" || typeof obj.seq !== "number" || typeof obj.hash !== "string")
      return fail("not an audit row");
    const r = obj as unknown as ExportedRow;
    if (prev && r.seq !== prev.seq + 1)
      return fail(`row ${prev.seq + 1} is missing (next row is ${r.seq})`, prev.seq + 1);
    if (prev && r.prevHash !== prev.hash) return fail("previous-hash link does not match the preceding row", r.seq);
    if (rowHash(r.prevHash, chainedFields(r)) !== r.hash)
      return fail("content does not match its hash (the row was altered)", r.seq);
    if (keys) {
      const key = keys.find((k) => k.id === r.keyId);
      if (!key) return fail(unknownKeyReason(r.keyId, keys), r.seq);
      const back = keyOrderBreak(keys, seenNewest, r.keyId);
      if (back) return fail(back, r.seq);
      seenNewest ||= key === keys[0];
      if (!same(rowMac(key, r.hash), String(r.mac)))
        return fail("MAC does not match (hash rewritten without the key)", r.seq);
    }
    digest.add(r.hash);
    first ??= r;
    prev = r;
    rowsChecked++;
  }
  lineNo++;
  if (!manifest) return fail("no manifest: the export was cut short");
  if (manifest.format !== EXPORT_FORMAT) return fail(`unknown format ${String(manifest.format)}`);
  if (manifest.rowCount !== rowsChecked)
    return fail(`manifest says ${manifest.rowCount} rows, the file has ${rowsChecked}`);
  if (manifest.firstSeq !== (first?.seq ?? null) || manifest.lastSeq !== (prev?.seq ?? null))
    return fail("manifest's first/last sequence does not match the rows");
  if (manifest.startPrevHash !== (first?.prevHash ?? null)) return fail("manifest's start link does not match");
  if (manifest.rowsDigest !== digest.hex()) return fail("manifest's digest of the row hashes does not match");
  if (manifest.head && prev && manifest.head.seq < prev.seq) return fail("manifest's chain head precedes the rows");
  if (manifest.head && prev && manifest.head.seq === prev.seq && manifest.head.hash !== prev.hash)
    return fail("manifest's chain head does not match the last row");
  const { anchor, head } = manifest;
  if (anchor && (!head || anchor.seq > head.seq))
    return fail(
      `the chain ends at row ${head?.seq ?? 0} but was anchored at row ${anchor.seq}: newest rows were deleted`,
    );
  if (anchor && head && anchor.seq === head.seq && anchor.hash !== head.hash)
    return fail("the chain head differs from the anchor at the same row: the chain was rewritten");
  if (keys) {
    const { mac, ...body } = manifest;
    // the exporting installation's key at the time: the current one, or the previous one for an export made before
    const key = keys.find((k) => k.id === manifest.keyId);
    if (!key)
      return fail(`manifest MAC key ${manifest.keyId} is not a given key (${keys.map((k) => k.id).join(", ")})`);
    if (!same(manifestMac(key, body), String(mac))) return fail("manifest MAC does not match (manifest altered)");
  }
  return { ok: true, rowsChecked, macChecked, manifest };
}
