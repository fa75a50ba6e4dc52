import { classifyError } from "../cloud";

/** A reason fit for the console and the audit log: kind, status and service code — never a cloud message. */
export function publicReason(what: string, e: unknown): string {
  const c = classifyError(e);
  if (c.kind === "internal") return `${what}: internal error`;
  return `${what}: ${c.kind}${c.status ? ` (HTTP ${c.status}${c.code ? ` ${c.code}` : ""})` : ""}`;
}
