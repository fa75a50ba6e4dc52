import { getDbHandle } from "../db/client";
import { migrationStatus } from "../db/status";

export interface Readiness {
  ready: boolean;
  database: "up" | "down";
  migrations: "current" | "pending" | "unknown";
}

export async function readiness(): Promise<Readiness> {
  try {
    const h = await getDbHandle();
    const m = await migrationStatus(h.db);
    return { ready: m.current, database: "up", migrations: m.current ? "current" : "pending" };
  } catch {
    // The reason goes to the log via getDbHandle's caller; probes get no internals.
    return { ready: false, database: "down", migrations: "unknown" };
  }
}
