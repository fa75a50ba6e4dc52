/**
 * Advances one leased rotation as far as it can go now:
 *   adding → writing → verifying (+ versioned references updated) → overlap (wait) → removing → done, or held.
 * The new secret value is a local variable of one run: between Graph's answer and the verification. After a crash
 * the next run recovers it from a Key Vault version this rotation wrote (tagged with the rotation id), or — when no
 * write happened — removes the new credential (found by the rotation id in its display name) and starts over.
 * The old credential is removed only after the overlap that follows a successful verification.
 */
import { addAppPassword, removeAppPassword, verifyClientSecret, writeSecretVersion } from "../cloud";
import type { Ctx } from "../context";
import type { Rotation } from "../db/schema";
import { runCertificateRotation } from "./certificate-machine";
import { TAG_APP_ID, TAG_KEY_ID, TAG_ROTATION_ID } from "./links";
import { publicReason } from "./reason";
import { updateVersionedReferences } from "./references";
import { stepper, type RunOptions } from "./stepper";
import { stepsOf, transition } from "./store";
import { markerOf, recoverValue, removeMarked, targetKey } from "./traces";

export type { RunOptions } from "./stepper";

function tagsFor(r: Rotation): Record<string, string> {
  return { [TAG_APP_ID]: r.appId, [TAG_KEY_ID]: r.newKeyId ?? "", [TAG_ROTATION_ID]: r.id };
}

export async function runRotation(ctx: Ctx, start: Rotation, o: RunOptions): Promise<Rotation> {
  if (start.kind === "certificate") return runCertificateRotation(ctx, start, o);
  const st = stepper(ctx, start, o);
  let r = start;
  let secret: string | undefined;
  const step: typeof st.step = async (...a) => (r = await st.step(...a));
  const hold: typeof st.hold = async (...a) => (r = await st.hold(...a));

  for (;;) {
    if (o.signal?.aborted) return r;
    switch (r.state) {
      case "adding": {
        const orphans = await removeMarked(r, null);
        if (orphans.length)
          await step(
            {},
            [{ step: "remove_new", status: "succeeded", detail: { keyIds: orphans.join(",") } }],
            "rotation.orphan_removed",
            { keyIds: orphans },
          );
        const end = new Date(Date.now() + r.validityDays * 86_400_000);
        let created;
        try {
          created = await addAppPassword(r.appObjectId, {
            displayName: `${markerOf(r.id)} #${r.attempt}`,
            endDateTime: end.toISOString(),
          });
        } catch (e) {
          // the response may have been lost after Graph created it: remove whatever carries our marker
          await removeMarked(r, null).catch(() => undefined);
          await hold("adding", publicReason("addPassword failed", e), [
            { step: "add_password", status: "failed", error: publicReason("addPassword", e) },
          ]);
          return r;
        }
        secret = created.secretText;
        await step(
          {
            state: "writing",
            newKeyId: created.keyId,
            newEndDateTime: created.endDateTime ? new Date(created.endDateTime) : end,
          },
          [{ step: "add_password", status: "succeeded", detail: { keyId: created.keyId, attempt: String(r.attempt) } }],
          "rotation.step.add_password",
          { keyId: created.keyId },
        );
        break;
      }
      case "writing": {
        const done = new Map<string, string>();
        for (const s of await stepsOf(ctx, r.id))
          if (s.step === "write_secret" && s.status === "succeeded") done.set(s.target, s.detail.version ?? "");
        if (secret === undefined) {
          const rec = await recoverValue(r);
          secret = rec.value;
          const found = [...rec.written].filter(([k]) => !done.has(k));
          for (const [k, v] of found) done.set(k, v);
          if (secret !== undefined)
            await step(
              {},
              found.map(([k, v]) => ({
                step: "write_secret" as const,
                target: k,
                status: "succeeded" as const,
                detail: { version: v },
              })),
              "rotation.value_recovered",
              { from: "key_vault", targets: [...rec.written.keys()] },
            );
        }
        if (secret === undefined) {
          // No copy of the new value anywhere: remove the credential and start over (the old one still works).
          if (r.newKeyId) await removeAppPassword(r.appObjectId, r.newKeyId);
          await step(
            { state: "adding", newKeyId: null, newEndDateTime: null, attempt: r.attempt + 1 },
            [
              { step: "remove_new", status: "succeeded", detail: { keyId: r.newKeyId ?? "" } },
              { step: "add_password", status: "pending" },
              ...r.targets.map((t) => ({
                step: "write_secret" as const,
                target: targetKey(t),
                status: "pending" as const,
              })),
            ],
            "rotation.restarted",
            { removedKeyId: r.newKeyId, reason: "new value not recoverable" },
          );
          break;
        }
        const value = secret;
        const failures: string[] = [];
        await Promise.all(
          r.targets.map(async (t) => {
            const key = targetKey(t);
            if (done.has(key)) return;
            try {
              const version = await writeSecretVersion(
                {
                  vaultUri: t.vaultUri,
                  name: t.secretName,
                  value,
                  expiresOn: r.newEndDateTime,
                  tags: tagsFor(r),
                  contentType: t.contentType ?? undefined,
                },
                { signal: o.signal, retry: o.retry },
              );
              done.set(key, version);
              await transition(
                ctx,
                r,
                o.worker,
                {},
                [{ step: "write_secret", target: key, status: "succeeded", detail: { version } }],
                {
                  action: "rotation.step.write_secret",
                  details: { vault: t.vaultName, secret: t.secretName, version },
                },
              );
            } catch (e) {
              const reason = publicReason(`write to ${key} failed`, e);
              failures.push(reason);
              await transition(
                ctx,
                r,
                o.worker,
                {},
                [{ step: "write_secret", target: key, status: "failed", error: reason }],
                {
                  action: "rotation.step.write_secret",
                  outcome: "failure",
                  details: { vault: t.vaultName, secret: t.secretName, reason },
                },
              );
            }
          }),
        );
        await o.onStep?.("written");
        if (failures.length) {
          if (done.size === 0) {
            // nothing holds the new value: take the credential back so no unused secret is left behind
            if (r.newKeyId) await removeAppPassword(r.appObjectId, r.newKeyId);
            await hold(
              "adding",
              failures[0],
              [{ step: "remove_new", status: "succeeded", detail: { keyId: r.newKeyId ?? "" } }],
              {
                newKeyId: null,
                newEndDateTime: null,
                attempt: r.attempt + 1,
              },
            );
          } else
            await hold("writing", `${failures.length} of ${r.targets.length} writes failed; first: ${failures[0]}`);
          return r;
        }
        await step({ state: "verifying" }, [], "rotation.writes_completed", { versions: Object.fromEntries(done) });
        break;
      }
      case "verifying": {
        if (secret === undefined) secret = (await recoverValue(r)).value;
        if (secret === undefined) {
          await hold("writing", "the new value is no longer in any linked secret; retry writes it again");
          return r;
        }
        let res = await verifyClientSecret(r.appId, secret);
        for (let i = 1; !res.ok && i < (o.verifyAttempts ?? 4); i++) {
          await new Promise((ok) => setTimeout(ok, (o.verifyBackoffMs ?? 1000) * 2 ** (i - 1)));
          res = await verifyClientSecret(r.appId, secret);
        }
        if (!res.ok) {
          await hold("verifying", `verification failed: ${res.code}`, [
            { step: "verify", status: "failed", error: res.code },
          ]);
          return r;
        }
        secret = undefined;
        if (r.updateReferences) {
          const failures = await updateVersionedReferences(ctx, r, o.worker, o);
          if (failures.length) {
            // the old credential stays: a reference naming the old version would break when it goes
            await hold(
              "verifying",
              failures.length === 1
                ? failures[0]
                : `${failures.length} reference updates failed; first: ${failures[0]}`,
              [{ step: "verify", status: "succeeded" }],
            );
            return r;
          }
        }
        r = await st.startOverlap();
        break;
      }
      case "overlap": {
        if (!(await st.endOverlap())) return r;
        r = st.r;
        break;
      }
      case "removing": {
        try {
          if (r.oldKeyId) await removeAppPassword(r.appObjectId, r.oldKeyId);
        } catch (e) {
          await hold("removing", publicReason("removePassword failed", e), [
            { step: "remove_old", status: "failed", error: publicReason("removePassword", e) },
          ]);
          return r;
        }
        await st.completed(r.oldKeyId);
        return st.r;
      }
      default:
        return r;
    }
  }
}
