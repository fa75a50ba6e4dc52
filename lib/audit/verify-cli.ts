/**
 * `npm run audit:verify`: checks the whole audit chain; names the first bad row when it is broken.
 *
 * It uses the key the application uses and never creates one: SECRET_KEY when set (strict: a row made with another key
 * is reported); otherwise a key the installation keeps on disk — the development key (.data/dev-secret-key) or the key
 * an embedded install keeps beside its database (`npm run demo`: .data/demo/secret-key) — but only the one the rows
 * were written with. Without a key the chain hashes are still verified and the MACs are reported as unchecked.
 *
 * Exit codes: 0 intact (MACs checked), 1 broken, 2 could not run, 3 chain intact but MACs not checked.
 */
import path from "node:path";
import { devSecretKeyPath, initConfig, readSecretKeyFile } from "../config";
import { closeDb, getDb } from "../db/client";
import { deriveAuditMacKey, type MacKey } from "./chain";
import { firstRowKeyId, verifyAuditChain } from "./verify";

/** Where an installation without SECRET_KEY keeps its key: the development key, or beside an embedded database. */
function keyFilesOnDisk(dataDir: string, pgliteDir: string | undefined): string[] {
  const files = [devSecretKeyPath(dataDir)];
  if (pgliteDir) files.push(path.join(path.dirname(path.resolve(pgliteDir)), "secret-key"));
  return files;
}

async function macKey(): Promise<{ key: MacKey | null; source: string }> {
  const cfg = initConfig({ devKey: "read" });
  if (cfg.secretKeySource === "env") return { key: deriveAuditMacKey(cfg.secretKey), source: "SECRET_KEY" };
  if (cfg.env === "production") return { key: null, source: "" };
  const wanted = await firstRowKeyId(await getDb());
  for (const file of keyFilesOnDisk(cfg.dataDir, cfg.database.url ? undefined : cfg.database.pgliteDir)) {
    const secret = readSecretKeyFile(file);
    const key = secret && deriveAuditMacKey(secret);
    if (key && key.id === wanted) return { key, source: path.relative(process.cwd(), file) || file };
  }
  return { key: null, source: "" };
}

async function main(): Promise<number> {
  const { key, source } = await macKey();
  const result = await verifyAuditChain(await getDb(), { macKey: key });
  if (!result.ok) {
    console.error(
      `audit log BROKEN at row ${result.firstBad!.seq}: ${result.firstBad!.reason} (${result.rowsChecked} rows verified before it)`,
    );
    return 1;
  }
  if (result.macChecked) {
    console.log(`audit log OK: ${result.rowsChecked} rows, head ${result.headHash} (MAC key from ${source})`);
    return 0;
  }
  console.log(`audit log chain OK: ${result.rowsChecked} rows, head ${result.headHash}`);
  console.log(
    "cannot check the MAC: key not available (set SECRET_KEY to the application's key to verify the MACs as well)",
  );
  return 3;
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
