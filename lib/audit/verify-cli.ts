/** `npm run audit:verify`: checks the whole audit chain; exits 1 and names the first bad row when it is broken. */
import { closeDb, getDb } from "../db/client";
import { verifyAuditChain } from "./verify";

async function main(): Promise<number> {
  const result = await verifyAuditChain(await getDb());
  if (result.ok) {
    console.log(`audit log OK: ${result.rowsChecked} rows, head ${result.headHash}`);
    return 0;
  }
  console.error(
    `audit log BROKEN at row ${result.firstBad!.seq}: ${result.firstBad!.reason} (${result.rowsChecked} rows verified before it)`,
  );
  return 1;
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
