import type { Rotation } from "../db/schema";

/** What a rotation writes, in a few words: the certificate it renews, or how many secrets it writes. */
export function rotationWrites(r: Pick<Rotation, "kind" | "certificate" | "targets">): string {
  if (r.kind === "certificate" && r.certificate) return `certificate ${r.certificate.vaultName}/${r.certificate.name}`;
  return `${r.targets.length} secret${r.targets.length === 1 ? "" : "s"}`;
}
