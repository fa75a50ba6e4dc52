/**
 * The Graph phase: app registrations and service principals with their owners and credentials (metadata only), written
 * in one transaction. A Graph failure is an error of the scan; the vault inventory already written stands.
 */
import {
  AbortedError,
  classifyError,
  listApplications,
  listOwners,
  listServicePrincipals,
  type GraphOwner,
  type GraphPrincipal,
} from "../cloud";
import { computeExpiryStatus, type ThresholdSettings } from "./expiry-status";
import { writeApps, type AppCredentialInsert, type AppInsert } from "./persist";
import { graphRemediation } from "./remediation";
import type { ScanConfig } from "./scan-config";
import type { ScanSession } from "./scan-session";

/** Reads and writes the tenant's apps; resolves false when the scan was stopped meanwhile. */
export async function scanGraphApps(session: ScanSession, config: ScanConfig): Promise<boolean> {
  const { globalOpts } = config;
  try {
    const [apps, sps] = await Promise.all([listApplications(globalOpts), listServicePrincipals(globalOpts)]);
    const principals: GraphPrincipal[] = [...apps, ...sps];
    const owners = new Map<string, GraphOwner[]>();
    let ownerError: ReturnType<typeof classifyError> | undefined;
    await Promise.all(
      principals.map(async (a) => {
        try {
          owners.set(a.id, await listOwners(a.kind, a.id, globalOpts));
        } catch (e) {
          if (session.signal.aborted) throw new AbortedError();
          ownerError ??= classifyError(e);
        }
      }),
    );
    if (ownerError)
      session.recordError({
        scope: "graph",
        kind: ownerError.kind,
        code: ownerError.code,
        message: `owners: ${ownerError.message}`,
        remediation: graphRemediation(ownerError),
      });
    const appRows = appRegistrationRows(principals, owners);
    const credRows = credentialRows(principals, session.now, config.thresholds);
    if (!session.signal.aborted) {
      session.counters.rowsWritten += await session.write((tx) => writeApps(tx.db, appRows, credRows));
      session.counters.appsSeen = principals.length;
    }
    return true;
  } catch (e) {
    if (session.signal.aborted || e instanceof AbortedError) return false;
    const c = classifyError(e);
    session.recordError({
      scope: "graph",
      kind: c.kind,
      code: c.code,
      message: c.message,
      remediation: graphRemediation(c),
    });
    return true;
  }
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
      startDateTime: c.startDateTime ? new Date(c.startDateTime) : null,
      endDateTime: c.endDateTime ? new Date(c.endDateTime) : null,
      status: computeExpiryStatus(c.endDateTime ?? null, now, thresholds),
    })),
  ]);
}
