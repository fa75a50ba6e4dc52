/**
 * `npm run audit:verify` as an operator runs it: a separate process on a database the application wrote, with or
 * without the application's key at hand. It must never call a good chain broken for want of the key, never create a
 * key, and still check the chain hashes without one.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "@/lib/audit/record";
import { closeDb, getDb } from "@/lib/db/client";
import { setupTestDb, type TestDb } from "../../helpers/test-db";

const ROOT = path.resolve(__dirname, "../../..");
const APP_KEY = "test-secret-key-0123456789abcdef0123456789abcdef"; // the one setupTestDb gives the "application"
const OTHER_KEY = Buffer.alloc(32, 7).toString("base64");

let t: TestDb;
let cwd: string;
beforeAll(async () => {
  t = await setupTestDb();
  for (let i = 0; i < 3; i++) {
    await audit({ actor: { type: "system", job: "test" }, request: { requestId: `r${i}` } }, { action: `test.${i}` });
  }
  await closeDb(); // PGlite: one process at a time
});
afterAll(async () => t.cleanup());

function freshCwd(): string {
  cwd = mkdtempSync(path.join(tmpdir(), "cc-verify-"));
  symlinkSync(path.join(ROOT, "drizzle"), path.join(cwd, "drizzle"));
  return cwd;
}

function verify(env: Record<string, string | undefined>, dir = freshCwd()) {
  const childEnv: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "DATABASE_URL", "PGLITE_DIR"]) if (process.env[k]) childEnv[k] = process.env[k]!;
  Object.assign(childEnv, { APP_ENV: "development", LOG_LEVEL: "silent" });
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "lib/audit/verify-cli.ts")],
    { cwd: dir, env: childEnv as NodeJS.ProcessEnv, encoding: "utf8", timeout: 60_000 },
  );
  return { code: r.status, out: `${r.stdout}${r.stderr}`, dir };
}

describe("audit:verify", () => {
  it("without the key: verifies the chain hashes, says the MAC cannot be checked, creates no key", () => {
    const r = verify({});
    expect(r.out).toContain("cannot check the MAC: key not available");
    expect(r.out).toContain("3 rows");
    expect(r.out).not.toContain("BROKEN");
    expect(r.code).toBe(3);
    expect(existsSync(path.join(r.dir, ".data/dev-secret-key"))).toBe(false);
  });

  it("with SECRET_KEY: checks the MACs too", () => {
    const r = verify({ SECRET_KEY: APP_KEY });
    expect(r.out).toMatch(/audit log OK: 3 rows/);
    expect(r.code).toBe(0);
  });

  it("with the development key file the application uses: checks the MACs", () => {
    const dir = freshCwd();
    mkdirSync(path.join(dir, ".data"));
    writeFileSync(path.join(dir, ".data/dev-secret-key"), Buffer.from(APP_KEY, "base64").toString("base64"));
    const r = verify({}, dir);
    expect(r.out).toMatch(/audit log OK: 3 rows/);
    expect(r.code).toBe(0);
  });

  it.runIf(!process.env.DATABASE_URL)("with the key an embedded (demo) install keeps beside its database", () => {
    const keyFile = path.join(path.dirname(process.env.PGLITE_DIR!), "secret-key");
    writeFileSync(keyFile, APP_KEY);
    try {
      const r = verify({});
      expect(r.out).toMatch(/audit log OK: 3 rows/);
      expect(r.code).toBe(0);
    } finally {
      rmSync(keyFile);
    }
  });

  it("a stale development key (not the one the rows were written with) is not evidence of tampering", () => {
    const dir = freshCwd();
    mkdirSync(path.join(dir, ".data"));
    writeFileSync(path.join(dir, ".data/dev-secret-key"), OTHER_KEY);
    const r = verify({}, dir);
    expect(r.out).toContain("cannot check the MAC: key not available");
    expect(r.out).not.toContain("BROKEN");
    expect(r.code).toBe(3);
  });

  it("an explicit SECRET_KEY that does not match is reported, as before", () => {
    const r = verify({ SECRET_KEY: OTHER_KEY });
    expect(r.out).toContain("BROKEN at row 1");
    expect(r.code).toBe(1);
  });

  it("without the key, an altered row is still found", async () => {
    const db = await getDb();
    await db.execute(sql`alter table audit_log disable trigger user`);
    await db.execute(sql`update audit_log set action = 'test.altered' where seq = 2`);
    await db.execute(sql`alter table audit_log enable trigger user`);
    await closeDb();
    const r = verify({});
    expect(r.out).toContain("BROKEN at row 2");
    expect(r.code).toBe(1);
  });
});
