/**
 * Advances one leased certificate rotation:
 *   adding (new Key Vault certificate version → Graph addKey) → verifying (a token for a client assertion signed by the
 *   new version's key) → overlap (wait) → removing (Graph removeKey of the old certificate) → done, or held.
 * No secret value passes through here: Key Vault makes the key pair and signs (keys/sign); Graph gets the public
 * part. Graph requires a proof of possession for addKey/removeKey — a JWT signed by a current certificate of the app:
 * the old version's key for addKey (signed BEFORE the new version is created, so a missing sign permission stops the
 * rotation before anything changed), the new one's for removeKey.
 * After a crash the run finds its own version again by the rotation-id tag, and its key credential by thumbprint.
 */
import {
  addAppKey,
  CertificatePendingError,
  createCertificateVersion,
  findTaggedCertificateVersion,
  getCertificateVersion,
  keyProof,
  listAppKeys,
  removeAppKey,
  verifyClientAssertion,
  type KvCertificateVersion,
} from "../cloud";
import type { Ctx } from "../context";
import type { Rotation, RotationCertificate } from "../db/schema";
import { TAG_APP_ID, TAG_ROTATION_ID } from "./links";
import { publicReason } from "./reason";
import { stepper, type RunOptions } from "./stepper";
import { markerOf } from "./traces";

export async function runCertificateRotation(ctx: Ctx, start: Rotation, o: RunOptions): Promise<Rotation> {
  const st = stepper(ctx, start, o);
  const cert = () => st.r.certificate as RotationCertificate;
  const co = { signal: o.signal, retry: o.retry };
  /** the new version this rotation created (by its recorded version, else by its tag), if any */
  const own = async (): Promise<KvCertificateVersion | undefined> => {
    const c = cert();
    return c.newVersion
      ? getCertificateVersion(c.vaultUri, c.name, c.newVersion, co)
      : findTaggedCertificateVersion(c.vaultUri, c.name, TAG_ROTATION_ID, st.r.id, co);
  };

  for (;;) {
    if (o.signal?.aborted) return st.r;
    switch (st.r.state) {
      case "adding": {
        const c = cert();
        let created: KvCertificateVersion | undefined;
        let old: KvCertificateVersion | undefined;
        let proof: string;
        try {
          created = await own();
          old = await getCertificateVersion(c.vaultUri, c.name, c.oldVersion ?? undefined, co);
        } catch (e) {
          await st.hold("adding", publicReason(`reading ${c.vaultName}/${c.name} failed`, e));
          return st.r;
        }
        if (!old || old.thumbprint !== c.oldThumbprint) {
          await st.hold("adding", `${c.vaultName}/${c.name}: the version the app trusts is no longer in Key Vault`);
          return st.r;
        }
        try {
          // Graph accepts addKey only with a proof signed by a current certificate of the app: the old one's key
          proof = await keyProof(st.r.appObjectId, old, co);
        } catch (e) {
          await st.hold("adding", publicReason("signing the proof with the current certificate's key failed", e), [
            { step: "add_key", status: "failed", error: publicReason("keys/sign", e) },
          ]);
          return st.r;
        }
        if (!created) {
          try {
            created = await createCertificateVersion(
              c.vaultUri,
              c.name,
              { [TAG_APP_ID]: st.r.appId, [TAG_ROTATION_ID]: st.r.id },
              co,
            );
          } catch (e) {
            const reason =
              e instanceof CertificatePendingError
                ? `${c.vaultName}/${c.name}: ${e.message}; retry once the issuer has completed it`
                : publicReason(`creating a new version of ${c.vaultName}/${c.name} failed`, e);
            await st.hold("adding", reason, [{ step: "create_certificate", status: "failed", error: reason }]);
            return st.r;
          }
        }
        if (c.newVersion !== created.version)
          await st.step(
            { certificate: { ...c, newVersion: created.version, newThumbprint: created.thumbprint } },
            [
              {
                step: "create_certificate",
                status: "succeeded",
                detail: { version: created.version, thumbprint: created.thumbprint },
              },
            ],
            "rotation.step.create_certificate",
            { vault: c.vaultName, certificate: c.name, version: created.version, thumbprint: created.thumbprint },
          );
        const made = created;
        let keyId: string;
        try {
          // a lost addKey answer still added it: adopt the key credential with the new thumbprint
          const existing = (await listAppKeys(st.r.appObjectId, co)).find((k) => k.thumbprint === made.thumbprint);
          keyId =
            existing?.keyId ??
            (
              await addAppKey(
                st.r.appObjectId,
                { cer: created.cer, displayName: `${markerOf(st.r.id)} #${st.r.attempt}` },
                proof,
                co,
              )
            ).keyId;
        } catch (e) {
          await st.hold(
            "adding",
            `${publicReason("addKey failed", e)} — the new certificate version is in Key Vault but the app does not trust it yet; retry registers it`,
            [{ step: "add_key", status: "failed", error: publicReason("addKey", e) }],
          );
          return st.r;
        }
        await st.step(
          { state: "verifying", newKeyId: keyId, newEndDateTime: created.expiresOn },
          [{ step: "add_key", status: "succeeded", detail: { keyId, thumbprint: created.thumbprint } }],
          "rotation.step.add_key",
          { keyId, thumbprint: created.thumbprint },
        );
        break;
      }
      case "verifying": {
        let signer: KvCertificateVersion | undefined;
        try {
          signer = await own();
        } catch (e) {
          await st.hold("verifying", publicReason("reading the new certificate version failed", e));
          return st.r;
        }
        if (!signer) {
          await st.hold("adding", "the new certificate version is no longer in Key Vault; retry creates another");
          return st.r;
        }
        let res = await verifyClientAssertion(st.r.appId, signer);
        for (let i = 1; !res.ok && i < (o.verifyAttempts ?? 4); i++) {
          await new Promise((ok) => setTimeout(ok, (o.verifyBackoffMs ?? 1000) * 2 ** (i - 1)));
          res = await verifyClientAssertion(st.r.appId, signer);
        }
        if (!res.ok) {
          await st.hold("verifying", `verification failed: ${res.code}`, [
            { step: "verify", status: "failed", error: res.code },
          ]);
          return st.r;
        }
        await st.startOverlap();
        break;
      }
      case "overlap": {
        if (!(await st.endOverlap())) return st.r;
        break;
      }
      case "removing": {
        const oldKeyId = st.r.oldKeyId;
        try {
          const signer = await own();
          if (oldKeyId) {
            if (!signer) throw new Error("the new certificate version is gone: no key to sign the removeKey proof");
            await removeAppKey(st.r.appObjectId, oldKeyId, () => keyProof(st.r.appObjectId, signer, co), co);
          }
        } catch (e) {
          await st.hold("removing", publicReason("removeKey failed", e), [
            { step: "remove_old", status: "failed", error: publicReason("removeKey", e) },
          ]);
          return st.r;
        }
        await st.completed(oldKeyId);
        return st.r;
      }
      default:
        return st.r;
    }
  }
}
