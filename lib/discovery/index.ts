/** Discovery: public API (the scheduler, the console and the API routes build on these names). */
export { scanRequestInput, storedScope, type ScanRequest, type ScanRequestInput } from "./scan-request";
export { requestScan } from "./request-scan";
export { cancelScan, cancelScanInput } from "./cancel-scan";
export { claimNextQueuedScan } from "./claim-scan";
export type { ScanLeaseOptions } from "./scan-lease";
export { executeScan, executeScanInput } from "./execute-scan";
export type { ExecuteScanOptions } from "./scan-session";
export {
  ACTIVE_SCAN_STATUSES,
  scanDetail,
  scanHistory,
  scanHistoryInput,
  scanIdInput,
  scanProgress,
  toProgress,
  type ScanProgress,
} from "./scan-read-models";
export {
  computeExpiryStatus,
  thresholdsFor,
  type ExpiryStatus,
  type Thresholds,
  type ThresholdSettings,
} from "../expiry-status";
export { remediationFor, vaultAccessRemediation, POSTURE_REMEDIATION, type PostureCheck } from "./remediation";
export { groupByRemedy, vaultNameOf, type RemedyGroup } from "./remedy-groups";
export type { ScanRun, ScanError } from "../db/schema";
