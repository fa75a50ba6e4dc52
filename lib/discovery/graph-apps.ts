/**
 * The Graph phase: app registrations and service principals with their owners and credentials (metadata only), written
 * in one transaction. A Graph failure is an error of the scan; the vault inventory already written stands. A principal
 * Graph returns malformed is skipped and recorded (lib/cloud checks each one); a failed write is an internal error.
 */
import {
  AbortedError,
  type ClassifiedError,
  listApplications,
  listOwnersOf,
  listServicePrincipals,
  type GraphOwner,
  type GraphPrincipal,
} from "../cloud";
import { computeExpiryStatus, type ThresholdSettings } from "../expiry-status";
import { writeApps, type AppCredentialInsert, type AppInsert } from "./persist-apps";
import { graphRemediation } from "./remediation";
import { classifyScanError, internalFailure, rejectedItemError } from "./scan-failures";
import type { ScanConfig } from "./scan-config";
import type { ScanSession } from "./scan-session";

/** Reads and writes the tenant's apps; resolves false when the scan was stopped meanwhile. */
export async function scanGraphApps(session: ScanSession, config: ScanConfig): Promise<boolean> {
  const { globalOpts } = config;
  const where = { scanId: session.scanId, scope: "graph" };
  const fail = (c: ClassifiedError, prefix = "") =>
    session.recordError({
      scope: "graph",
      kind: c.kind,
      code: c.code,
      message: `${prefix}${c.message}`,
      remediation: graphRemediation(c),
    });
  let principals: GraphPrincipal[];
  const owners = new Map<string, GraphOwner[]>();
  try {
    const [apps, sps] = await Promise.all([listApplications(globalOpts), listServicePrincipals(globalOpts)]);
    principals = [...apps.items, ...sps.items];
    for (const r of [...apps.rejected, ...sps.rejected])
      session.recordError({ scope: "graph", ...rejectedItemError(r) });
    let ownerError: ClassifiedError | undefined;
    // 20 principals per Graph JSON batch; a failed item is read on its own (listOwnersOf)
    for (const r of await listOwnersOf(principals, globalOpts)) {
      if ("owners" in r) owners.set(r.id, r.owners);
      else ownerError ??= classifyScanError(r.error, where);
    }
    if (session.signal.aborted) throw new AbortedError();
    if (ownerError) fail(ownerError, "owners: ");
  } catch (e) {
    if (session.signal.aborted || e instanceof AbortedError) return false;
    fail(classifyScanError(e, where));
    return true;
  }
  if (session.signal.aborted) return false;
  try {
    const appRows = appRegistrationRows(principals, owners);
    const credRows = credentialRows(principals, session.now, config.thresholds);
    session.counters.rowsWritten += await session.write((tx) => writeApps(tx.db, appRows, credRows));
    session.counters.appsSeen = principals.length;
  } catch (e) {
    if (session.signal.aborted || e instanceof AbortedError) return false;
    // the write is ours, not Graph's: whatever it threw is an internal failure
    fail(internalFailure(e, where, "writing the apps"));
    return true;
  }
  return true;
}

export function appRegistrationRows(
  principals: GraphPrincipal[],
  owners: ReadonlyMap<string, GraphOwner[]>,
): AppInsert[] {
  return principals.map((a) => ({
    id: a.id,
    kind: a.kind,
    appId: a.appId,
    displayName: a.displayName,
    owners: owners.get(a.id) ?? [],
    createdDateTime: a.createdDateTime ? new Date(a.createdDateTime) : null,
  }));
}

/** Password and certificate credentials of every principal, with their expiry status (tenant-wide thresholds). */
export function credentialRows(
  principals: GraphPrincipal[],
  now: Date,
  thresholds: ThresholdSettings,
): AppCredentialInsert[] {
  return principals.flatMap((a) => [
    ...a.passwordCredentials.map((c) => ({
      appObjectId: a.id,
      keyId: c.keyId,
      type: "password" as const,
      displayName: c.displayName ?? null,
      hint: c.hint ?? null,
      thumbprint: null,
      startDateTime: c.startDateTime ? new Date(c.startDateTime) : null,
      endDateTime: c.endDateTime ? new Date(c.endDateTime) : null,
      status: computeExpiryStatus(c.endDateTime ?? null, now, thresholds),
    })),
    ...a.keyCredentials.map((c) => ({
      appObjectId: a.id,
      keyId: c.keyId,
      type: "certificate" as const,
      displayName: c.displayName ?? null,
      hint: null,
      thumbprint: c.thumbprint ?? null,
      startDateTime: c.startDateTime ? new Date(c.startDateTime) : null,
      endDateTime: c.endDateTime ? new Date(c.endDateTime) : null,
      status: computeExpiryStatus(c.endDateTime ?? null, now, thresholds),
    })),
  ]);
}
