/** Discovery: public API (the scheduler, the console and the API routes build on these names). */
export {
  requestScan,
  claimNextQueuedScan,
  cancelScan,
  recoverStaleScans,
  getScan,
  listScans,
  countScans,
  listScanErrors,
  requestScanInput,
  cancelScanInput,
  scanScopeSchema,
  type RequestScanInput,
} from "./scans";
export { executeScan, type ExecuteScanOptions } from "./execute-scan";
export {
  computeExpiryStatus,
  thresholdsFor,
  type ExpiryStatus,
  type Thresholds,
  type ThresholdSettings,
} from "./expiry-status";
export { remediationFor } from "./remediation";
export type { ScanRun, ScanError } from "../db/schema";
