/**
 * The cloud calls of a certificate rotation: a new Key Vault certificate version per its policy, signatures by Key
 * Vault keys (the private keys never leave Key Vault), Graph addKey/removeKey with their proof of possession, and the
 * verification token request with a signed client assertion. Nothing here reads a secret value.
 */
import crypto from "node:crypto";
import { ClientAssertionCredential } from "@azure/identity";
import { CryptographyClient } from "@azure/keyvault-keys";
import { RetryHandlerOptions } from "@microsoft/microsoft-graph-client";
import { azureConfig, getCredential, graphClient, keyVaultClientOptions, keyVaultClients } from "./clients";
import { thumbprintOf } from "./graph";
import { withRetry, type CallOptions } from "./retry";
import { credentialOptions, tokenResult, type VerifyResult } from "./rotation";

const NO_GRAPH_RETRY = [new RetryHandlerOptions(0, 0)];
/** Graph's audience for addKey/removeKey proofs (the legacy Azure AD Graph id), as the addKey reference states */
const PROOF_AUDIENCE = "00000002-0000-0000-c000-000000000000";

export interface KvCertificateVersion {
  version: string;
  /** SHA-1 thumbprint, hex upper case */
  thumbprint: string;
  /** the public certificate (DER) */
  cer: Buffer;
  /** the key's identifier (…/keys/{name}/{version}): signs proofs and assertions */
  kid: string;
  expiresOn: Date | null;
  tags: Record<string, string>;
}

export class CertificatePendingError extends Error {
  constructor(readonly issuer: string) {
    super(`the certificate request is waiting for its issuer (${issuer})`);
    this.name = "CertificatePendingError";
  }
}

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString("hex").toUpperCase() : "");

/** One version of a Key Vault certificate (the current one without `version`); undefined when it has no key yet. */
export async function getCertificateVersion(
  vaultUri: string,
  name: string,
  version: string | undefined,
  o: CallOptions = {},
): Promise<KvCertificateVersion | undefined> {
  const { certificates } = keyVaultClients(vaultUri);
  const c = await withRetry(
    (abortSignal) =>
      version
        ? certificates.getCertificateVersion(name, version, { abortSignal })
        : certificates.getCertificate(name, { abortSignal }),
    o,
  );
  if (!c.cer || !c.keyId || !c.properties.version) return undefined;
  return {
    version: c.properties.version,
    thumbprint: hex(c.properties.x509Thumbprint),
    cer: Buffer.from(c.cer),
    kid: c.keyId,
    expiresOn: c.properties.expiresOn ?? null,
    tags: c.properties.tags ?? {},
  };
}

/** The version of a certificate carrying tag = value (a rotation finds its own version again after a crash). */
export async function findTaggedCertificateVersion(
  vaultUri: string,
  name: string,
  tag: string,
  value: string,
  o: CallOptions = {},
): Promise<KvCertificateVersion | undefined> {
  const { certificates } = keyVaultClients(vaultUri);
  const found = await withRetry(async (abortSignal) => {
    for await (const p of certificates.listPropertiesOfCertificateVersions(name, { abortSignal }))
      if (p.tags?.[tag] === value && p.version) return p.version;
    return undefined;
  }, o);
  return found ? getCertificateVersion(vaultUri, name, found, o) : undefined;
}

/**
 * A new version of the certificate per its own policy (new key pair; Key Vault signs it itself or asks its CA).
 * Not retried: a lost answer may still have made a version — the caller looks for its tag before creating again.
 * Throws CertificatePendingError when the issuer has not completed within `waitMs`.
 */
export async function createCertificateVersion(
  vaultUri: string,
  name: string,
  tags: Record<string, string>,
  o: CallOptions & { waitMs?: number } = {},
): Promise<KvCertificateVersion> {
  const { certificates } = keyVaultClients(vaultUri);
  const policy = await withRetry((abortSignal) => certificates.getCertificatePolicy(name, { abortSignal }), o);
  const poller = await certificates.beginCreateCertificate(name, policy, {
    tags,
    intervalInMs: 500,
    abortSignal: o.signal,
  });
  const deadline = Date.now() + (o.waitMs ?? 30_000);
  while (!poller.isDone() && Date.now() < deadline) {
    await new Promise((ok) => setTimeout(ok, 500));
    await poller.poll({ abortSignal: o.signal });
  }
  if (!poller.isDone()) throw new CertificatePendingError(policy.issuerName ?? "unknown");
  const created = poller.getResult();
  const version = created?.properties.version;
  const mine = version ? await getCertificateVersion(vaultUri, name, version, o) : undefined;
  if (!mine || Object.entries(tags).some(([k, v]) => mine.tags[k] !== v))
    throw new Error("Key Vault's CreateCertificate finished without the new version");
  return mine;
}

/** RS256 signature by a Key Vault key (keys/sign): the private key stays in the vault. */
export async function signWithVaultKey(kid: string, data: Buffer, o: CallOptions = {}): Promise<Buffer> {
  const client = new CryptographyClient(kid, getCredential(), keyVaultClientOptions(new URL(kid).origin));
  const digest = crypto.createHash("sha256").update(data).digest();
  const r = await withRetry((abortSignal) => client.sign("RS256", digest, { abortSignal }), o);
  return Buffer.from(r.result);
}

/** A compact JWT signed by a Key Vault certificate's key; x5t names the certificate. */
export async function signedJwt(
  cert: Pick<KvCertificateVersion, "kid" | "thumbprint">,
  claims: Record<string, unknown>,
  o: CallOptions = {},
): Promise<string> {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const x5t = Buffer.from(cert.thumbprint, "hex").toString("base64url");
  const input = `${enc({ alg: "RS256", typ: "JWT", x5t })}.${enc(claims)}`;
  const sig = await signWithVaultKey(cert.kid, Buffer.from(input), o);
  return `${input}.${sig.toString("base64url")}`;
}

/** Graph's proof of possession for addKey/removeKey on an application object, signed by a current certificate. */
export function keyProof(
  appObjectId: string,
  signer: Pick<KvCertificateVersion, "kid" | "thumbprint">,
  o: CallOptions = {},
) {
  const nbf = Math.floor(Date.now() / 1000) - 60;
  return signedJwt(signer, { aud: PROOF_AUDIENCE, iss: appObjectId, nbf, exp: nbf + 600 }, o);
}

export interface AppKey {
  keyId: string;
  displayName: string | null;
  thumbprint: string | null;
  endDateTime: string | null;
}

const appPath = (appObjectId: string) => `/applications/${encodeURIComponent(appObjectId)}`;

export async function listAppKeys(appObjectId: string, o: CallOptions = {}): Promise<AppKey[]> {
  const r = (await withRetry(
    (signal) =>
      graphClient()
        .api(appPath(appObjectId))
        .select("keyCredentials")
        .middlewareOptions(NO_GRAPH_RETRY)
        .option("signal", signal)
        .get(),
    o,
  )) as {
    keyCredentials?: {
      keyId: string;
      displayName?: string | null;
      customKeyIdentifier?: string | null;
      endDateTime?: string | null;
    }[];
  };
  return (r.keyCredentials ?? []).map((c) => ({
    keyId: c.keyId,
    displayName: c.displayName ?? null,
    thumbprint: thumbprintOf(c.customKeyIdentifier),
    endDateTime: c.endDateTime ?? null,
  }));
}

/** Graph addKey with the public certificate. Not retried (the caller finds a lost one by its thumbprint). */
export async function addAppKey(
  appObjectId: string,
  input: { cer: Buffer; displayName: string },
  proof: string,
  o: CallOptions = {},
): Promise<{ keyId: string }> {
  const r = (await graphClient()
    .api(`${appPath(appObjectId)}/addKey`)
    .middlewareOptions(NO_GRAPH_RETRY)
    .option("signal", o.signal)
    .post({
      keyCredential: {
        type: "AsymmetricX509Cert",
        usage: "Verify",
        key: input.cer.toString("base64"),
        displayName: input.displayName,
      },
      passwordCredential: null,
      proof,
    })) as { keyId?: string };
  if (!r.keyId) throw new Error("Graph addKey returned no keyId");
  return { keyId: r.keyId };
}

/** Graph removeKey; a key credential that is already gone counts as removed (the step is idempotent). */
export async function removeAppKey(
  appObjectId: string,
  keyId: string,
  proof: () => Promise<string>,
  o: CallOptions = {},
): Promise<void> {
  if (!(await listAppKeys(appObjectId, o)).some((k) => k.keyId === keyId)) return;
  const p = await proof();
  await withRetry(
    (signal) =>
      graphClient()
        .api(`${appPath(appObjectId)}/removeKey`)
        .middlewareOptions(NO_GRAPH_RETRY)
        .option("signal", signal)
        .post({ keyId, proof: p }),
    o,
  );
}

/**
 * A real client-credentials token request authenticated by a client assertion that `sign` produces (a Key Vault key
 * signs it). Returns Entra's error code on a refusal.
 */
export async function verifyClientAssertion(
  appId: string,
  signer: Pick<KvCertificateVersion, "kid" | "thumbprint">,
): Promise<VerifyResult> {
  const cfg = azureConfig();
  if (!cfg.tenantId) return { ok: false, code: "no_tenant", retriable: false };
  const tenantId = cfg.tenantId;
  const authority = (cfg.authorityHost ?? "https://login.microsoftonline.com").replace(/\/$/, "");
  const cred = new ClientAssertionCredential(
    tenantId,
    appId,
    async () => {
      const now = Math.floor(Date.now() / 1000);
      return signedJwt(signer, {
        aud: `${authority}/${tenantId}/oauth2/v2.0/token`,
        iss: appId,
        sub: appId,
        jti: crypto.randomUUID(),
        nbf: now - 60,
        exp: now + 600,
      });
    },
    credentialOptions(),
  );
  return tokenResult(cred);
}
