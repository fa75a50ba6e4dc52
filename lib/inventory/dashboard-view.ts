/**
 * The dashboard page's view model: the summary minus what the page does not render. The view is a client component,
 * so this object is embedded in the page — scans and vault errors go without their internals.
 */
import type { ScanRun } from "../db/schema";
import type { DashboardSummary } from "./dashboard-summary";

type Summary = DashboardSummary;
export type DashboardViewData = Omit<Summary, "lastScan" | "lastCompletedScan" | "risks"> & {
  lastScan: Pick<ScanRun, "id" | "status" | "mode" | "trigger" | "createdAt" | "startedAt" | "finishedAt"> | null;
  lastCompletedScan: Pick<ScanRun, "finishedAt"> | null;
  risks: Omit<Summary["risks"], "vaults"> & {
    vaults: (Omit<Summary["risks"]["vaults"][number], "accessError"> & { remediation: string | null })[];
  };
};

export function toDashboardViewData(d: Summary): DashboardViewData {
  const s = d.lastScan;
  return {
    ...d,
    lastScan: s
      ? {
          id: s.id,
          status: s.status,
          mode: s.mode,
          trigger: s.trigger,
          createdAt: s.createdAt,
          startedAt: s.startedAt,
          finishedAt: s.finishedAt,
        }
      : null,
    lastCompletedScan: d.lastCompletedScan ? { finishedAt: d.lastCompletedScan.finishedAt } : null,
    risks: {
      ...d.risks,
      vaults: d.risks.vaults.map(({ accessError, ...v }) => ({ ...v, remediation: accessError?.remediation ?? null })),
    },
  };
}
