/**
 * The cloud calls of a credential rotation: Graph addPassword/removePassword, Key Vault secret writes, and the
 * verification token request. A new secret value passes through here in memory only; nothing here logs or keeps it.
 */
import { ClientSecretCredential, type TokenCredential } from "@azure/identity";
import { RetryHandlerOptions } from "@microsoft/microsoft-graph-client";
import { azureConfig, graphClient, keyVaultClients } from "./clients";
import { errorStatus } from "./errors";
import { withRetry, type CallOptions } from "./retry";

const NO_GRAPH_RETRY = [new RetryHandlerOptions(0, 0)];

export interface NewPassword {
  keyId: string;
  endDateTime: string | null;
  /** The new secret. Callers keep it in a local variable only and drop it after the last write. */
  secretText: string;
}

export interface AppPassword {
  keyId: string;
  displayName: string | null;
  endDateTime: string | null;
}

const appPath = (appObjectId: string) => `/applications/${encodeURIComponent(appObjectId)}`;

export async function addAppPassword(
  appObjectId: string,
  input: { displayName: string; endDateTime: string },
  o: CallOptions = {},
): Promise<NewPassword> {
  // Not retried: a lost response would leave a credential we cannot see the value of. The caller finds it by
  // its display name (which carries the rotation id) and removes it.
  const r = (await graphClient()
    .api(`${appPath(appObjectId)}/addPassword`)
    .middlewareOptions(NO_GRAPH_RETRY)
    .option("signal", o.signal)
    .post({ passwordCredential: input })) as { keyId?: string; secretText?: string; endDateTime?: string | null };
  if (!r.keyId || !r.secretText) throw new Error("Graph addPassword returned no keyId or secretText");
  return { keyId: r.keyId, secretText: r.secretText, endDateTime: r.endDateTime ?? null };
}

/** Removes a password credential; one that is already gone counts as removed (the step is idempotent). */
export async function removeAppPassword(appObjectId: string, keyId: string, o: CallOptions = {}): Promise<void> {
  try {
    await withRetry(
      (signal) =>
        graphClient()
          .api(`${appPath(appObjectId)}/removePassword`)
          .middlewareOptions(NO_GRAPH_RETRY)
          .option("signal", signal)
          .post({ keyId }),
      o,
    );
  } catch (e) {
    const gone = await listAppPasswords(appObjectId, o).then(
      (list) => !list.some((c) => c.keyId === keyId),
      () => false,
    );
    if (!gone) throw e;
  }
}

export async function listAppPasswords(appObjectId: string, o: CallOptions = {}): Promise<AppPassword[]> {
  const r = (await withRetry(
    (signal) =>
      graphClient()
        .api(appPath(appObjectId))
        .select("passwordCredentials")
        .middlewareOptions(NO_GRAPH_RETRY)
        .option("signal", signal)
        .get(),
    o,
  )) as { passwordCredentials?: { keyId: string; displayName?: string | null; endDateTime?: string | null }[] };
  return (r.passwordCredentials ?? []).map((c) => ({
    keyId: c.keyId,
    displayName: c.displayName ?? null,
    endDateTime: c.endDateTime ?? null,
  }));
}

export interface SecretWrite {
  vaultUri: string;
  name: string;
  value: string;
  expiresOn: Date | null;
  tags: Record<string, string>;
  contentType?: string;
}

/** Writes a new version of a secret; returns its version id. */
export async function writeSecretVersion(w: SecretWrite, o: CallOptions = {}): Promise<string> {
  const { secrets } = keyVaultClients(w.vaultUri);
  const r = await withRetry(
    (abortSignal) =>
      secrets.setSecret(w.name, w.value, {
        abortSignal,
        tags: w.tags,
        contentType: w.contentType,
        ...(w.expiresOn ? { expiresOn: w.expiresOn } : {}),
      }),
    o,
  );
  return r.properties.version ?? "";
}

/**
 * Reads the current version of a secret (a value read: used only to recover a rotation's own new value after a
 * crash, when that version carries the rotation's tag). Undefined when the secret does not exist.
 */
export async function readSecretCurrent(
  vaultUri: string,
  name: string,
  o: CallOptions = {},
): Promise<{ value: string; version: string; tags: Record<string, string> } | undefined> {
  const { secrets } = keyVaultClients(vaultUri);
  try {
    const r = await withRetry((abortSignal) => secrets.getSecret(name, { abortSignal }), o);
    return { value: r.value ?? "", version: r.properties.version ?? "", tags: r.properties.tags ?? {} };
  } catch (e) {
    if (errorStatus(e) === 404) return undefined;
    throw e;
  }
}

export type VerifyResult = { ok: true } | { ok: false; code: string; retriable: boolean };

/**
 * A real client-credentials token request with the given secret against the authority (Entra or the local cloud).
 * Returns Entra's error code (e.g. AADSTS7000215) on a refusal; never the message, which names the app.
 */
export async function verifyClientSecret(appId: string, secret: string): Promise<VerifyResult> {
  const cfg = azureConfig();
  if (!cfg.tenantId) return { ok: false, code: "no_tenant", retriable: false };
  return tokenResult(new ClientSecretCredential(cfg.tenantId, appId, secret, credentialOptions()));
}

/** The options of a verification credential: the configured authority, two retries. */
export function credentialOptions() {
  const cfg = azureConfig();
  return {
    authorityHost: cfg.authorityHost,
    disableInstanceDiscovery: cfg.cloud === "Custom",
    retryOptions: { maxRetries: 2 },
  };
}

/** One token request with a verification credential: ok, or Entra's error code (never its message). */
export async function tokenResult(cred: TokenCredential): Promise<VerifyResult> {
  const cfg = azureConfig();
  const scope = cfg.cloud === "Custom" ? "https://graph.microsoft.com/.default" : `${cfg.graphEndpoint}/.default`;
  try {
    await cred.getToken(scope);
    return { ok: true };
  } catch (e) {
    const text = e instanceof Error ? e.message : "";
    const code = /AADSTS\d+/.exec(text)?.[0];
    return code ? { ok: false, code, retriable: false } : { ok: false, code: "token_request_failed", retriable: true };
  }
}
