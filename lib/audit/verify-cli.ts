/**
 * `npm run audit:verify`: checks the whole audit chain; names the first bad row when it is broken. With the audit
 * anchor configured (ADR 0007) it also checks the live chain still holds the newest anchored row, so deleting the
 * newest rows is detected; `--anchor SEQ:HASH` checks against an anchor taken from an evidence package instead.
 *
 * `npm run audit:verify -- --file export.jsonl` verifies an audit export offline (no database): every row's link,
 * hash and MAC, and the manifest (row count, digest, MAC, chain head versus anchor).
 *
 * It uses the key the application uses and never creates one: SECRET_KEY when set, with SECRET_KEY_PREVIOUS while a
 * key rotation is under way (strict: a row made with any other key, or with the previous key after rows of the
 * current one, is reported); otherwise a key the installation keeps on disk — the development key (.data/dev-secret-key) or the key
 * an embedded install keeps beside its database (`npm run demo`: .data/demo/secret-key) — but only the one the rows
 * were written with. Without a key the chain hashes are still verified and the MACs are reported as unchecked.
 *
 * Exit codes: 0 intact (MACs checked), 1 broken, 2 could not run, 3 chain intact but MACs not checked.
 */
import { createReadStream } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { devSecretKeyPath, getConfig, initConfig, readSecretKeyFile } from "../config";
import { closeDb, getDb } from "../db/client";
import { checkAgainstAnchor } from "./anchor-check";
import { deriveAuditMacKey, type MacKey, type MacKeys } from "./chain";
import type { AnchorRef } from "./export-format";
import { firstRowKeyId, verifyAuditChain } from "./verify";
import { verifyAuditExport } from "./verify-export";

/** Where an installation without SECRET_KEY keeps its key: the development key, or beside an embedded database. */
function keyFilesOnDisk(dataDir: string, pgliteDir: string | undefined): string[] {
  const files = [devSecretKeyPath(dataDir)];
  if (pgliteDir) files.push(path.join(path.dirname(path.resolve(pgliteDir)), "secret-key"));
  return files;
}

async function macKey(
  wantedKeyId: () => Promise<string | undefined>,
): Promise<{ key: MacKey | MacKeys | null; source: string }> {
  const cfg = initConfig({ devKey: "read" });
  if (cfg.secretKeySource === "env")
    return cfg.previousSecretKey
      ? {
          key: [deriveAuditMacKey(cfg.secretKey), deriveAuditMacKey(cfg.previousSecretKey)],
          source: "SECRET_KEY and SECRET_KEY_PREVIOUS",
        }
      : { key: deriveAuditMacKey(cfg.secretKey), source: "SECRET_KEY" };
  if (cfg.env === "production") return { key: null, source: "" };
  const wanted = await wantedKeyId();
  for (const file of keyFilesOnDisk(cfg.dataDir, cfg.database.url ? undefined : cfg.database.pgliteDir)) {
    const secret = readSecretKeyFile(file);
    const key = secret && deriveAuditMacKey(secret);
    if (key && key.id === wanted) return { key, source: path.relative(process.cwd(), file) || file };
  }
  return { key: null, source: "" };
}

const NO_KEY =
  "cannot check the MAC: key not available (set SECRET_KEY to the application's key to verify the MACs as well)";

function lines(file: string) {
  return createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
}

async function firstKeyIdInFile(file: string): Promise<string | undefined> {
  for await (const line of lines(file)) {
    try {
      return (JSON.parse(line) as { keyId?: string }).keyId;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

async function verifyFile(file: string): Promise<number> {
  const { key, source } = await macKey(() => firstKeyIdInFile(file));
  const r = await verifyAuditExport(lines(file), { macKey: key });
  if (!r.ok) {
    const at =
      r.firstBad!.seq !== undefined ? `row ${r.firstBad!.seq} (line ${r.firstBad!.line})` : `line ${r.firstBad!.line}`;
    console.error(`audit export BROKEN at ${at}: ${r.firstBad!.reason} (${r.rowsChecked} rows verified before it)`);
    return 1;
  }
  const m = r.manifest!;
  const span = m.firstSeq === null ? "no rows" : `rows ${m.firstSeq}–${m.lastSeq}`;
  const head = m.head ? `chain head ${m.head.seq} ${m.head.hash}` : "empty chain";
  const anchor = m.anchor ? `, anchor ${m.anchor.seq} ${m.anchor.hash} (${m.anchor.location})` : ", no anchor";
  if (r.macChecked) {
    console.log(`audit export OK: ${r.rowsChecked} rows (${span}), ${head}${anchor} (MAC key from ${source})`);
    return 0;
  }
  console.log(`audit export chain OK: ${r.rowsChecked} rows (${span}), ${head}${anchor}`);
  console.log(NO_KEY);
  return 3;
}

function anchorArg(text: string): AnchorRef {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(text);
  if (!m) throw new Error("--anchor must be SEQ:HASH (64 hex digits), as printed on the evidence package");
  return { seq: Number(m[1]), hash: m[2], at: "given on the command line", location: "--anchor" };
}

async function verifyLive(anchorText: string | undefined): Promise<number> {
  const { key, source } = await macKey(async () => firstRowKeyId(await getDb()));
  const db = await getDb();
  const result = await verifyAuditChain(db, { macKey: key });
  if (!result.ok) {
    console.error(
      `audit log BROKEN at row ${result.firstBad!.seq}: ${result.firstBad!.reason} (${result.rowsChecked} rows verified before it)`,
    );
    return 1;
  }
  // the Azure SDKs load only when an anchor is configured (they double the command's start-up time)
  const anchor = anchorText
    ? anchorArg(anchorText)
    : getConfig().auditAnchor.vaultUrl
      ? await (await import("./anchor")).latestAnchor(key)
      : null;
  const check = await checkAgainstAnchor(db, anchor);
  if (!check.ok) {
    console.error(`audit log BROKEN against the anchor (${check.anchor.location}): ${check.reason}`);
    return 1;
  }
  const anchored = anchor ? `; anchor at row ${anchor.seq} holds (${anchor.location})` : "; no anchor to check against";
  if (result.macChecked) {
    console.log(
      `audit log OK: ${result.rowsChecked} rows, head ${result.headHash} (MAC key from ${source})${anchored}`,
    );
    return 0;
  }
  console.log(`audit log chain OK: ${result.rowsChecked} rows, head ${result.headHash}${anchored}`);
  console.log(NO_KEY);
  return 3;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { file: { type: "string" }, anchor: { type: "string" } } });
  return values.file ? verifyFile(values.file) : verifyLive(values.anchor);
}

main()
  .then(async (code) => {
    await closeDb();
    process.exit(code);
  })
  .catch(async (err) => {
    console.error(`audit:verify failed: ${err instanceof Error ? err.message : String(err)}`);
    await closeDb().catch(() => undefined);
    process.exit(2);
  });
