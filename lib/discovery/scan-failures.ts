/**
 * How a scan turns a thrown error or a skipped item into a recorded error: cloud failures keep their class and
 * remediation; internal ones (database, programming) get a generic stored message and their cause chain logged; an
 * item the cloud returned malformed is recorded once, by reference, and its neighbours go on.
 */
import { classifyError, type ClassifiedError, type RejectedItem } from "../cloud";
import { errorForLog, logger } from "../log";
import { INTERNAL_REMEDIATION, malformedRemediation } from "./remediation";

const log = logger("discovery");

/** classifyError, and for an internal failure the cause chain to the log (the stored message stays generic). */
export function classifyScanError(e: unknown, where: { scanId: string; scope: string }): ClassifiedError {
  const c = classifyError(e);
  if (c.kind === "internal") log.error({ ...where, err: errorForLog(e) }, "internal error during a scan");
  return c;
}

/** A failure of the scan's own work (a write, a bookkeeping step): internal whatever it threw, cause to the log. */
export function internalFailure(e: unknown, where: { scanId: string; scope: string }, what: string): ClassifiedError {
  log.error({ ...where, err: errorForLog(e) }, `internal error during a scan: ${what}`);
  const c = classifyError(e);
  const code = c.kind === "internal" ? c.code : undefined;
  return {
    kind: "internal",
    code,
    message: `internal error: ${what} failed${code ? ` (${code})` : ""}; the cause is in the server log`,
  };
}

/** The scan error for an item skipped at the cloud boundary. */
export function rejectedItemError(r: RejectedItem): {
  kind: "malformed";
  code: string;
  message: string;
  remediation: string;
} {
  return {
    kind: "malformed",
    code: "MalformedItem",
    message: `${r.kind} ${r.ref} skipped: ${r.problem}`,
    remediation: malformedRemediation(r.kind),
  };
}

export { INTERNAL_REMEDIATION };
