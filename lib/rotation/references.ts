/**
 * After the new secret is verified, versioned consumer references (App Service / Functions app settings and
 * connection strings, Container Apps secrets) are pointed at the version this rotation wrote — while the old
 * credential is still valid, so an app reading either version keeps working. Each update is its own step row and
 * audit row (resource, setting, from → to version; never a value). A failure holds the rotation before the overlap:
 * the old credential is not removed while a reference still names the old version.
 */
import { repointReference, type RetryPolicy } from "../cloud";
import type { Ctx } from "../context";
import type { Rotation } from "../db/schema";
import { publicReason } from "./reason";
import { discoverConsumers, type Consumer } from "./consumers";
import { stepsOf, transition } from "./store";
import { targetKey } from "./traces";

export const referenceKey = (c: Pick<Consumer, "resourceName" | "setting">) => `${c.resourceName}/${c.setting}`;

const KIND_LABEL: Record<Consumer["settingKind"], string> = {
  app_setting: "app setting",
  connection_string: "connection string",
  container_app_secret: "container app secret",
};

/** One failure reason per reference that could not be updated (empty: every versioned reference names the new version). */
export async function updateVersionedReferences(
  ctx: Ctx,
  r: Rotation,
  worker: string,
  o: { signal?: AbortSignal; retry?: Partial<RetryPolicy> },
): Promise<string[]> {
  const steps = await stepsOf(ctx, r.id);
  const written = new Map<string, string>();
  const finished = new Set<string>();
  for (const s of steps) {
    if (s.step === "write_secret" && s.status === "succeeded" && s.detail.version)
      written.set(s.target, s.detail.version);
    if (s.step === "update_reference" && (s.status === "succeeded" || s.status === "skipped")) finished.add(s.target);
  }
  const found = await discoverConsumers(
    ctx,
    r.targets.map((t) => ({ vaultName: t.vaultName, vaultUri: t.vaultUri, secretName: t.secretName })),
  );
  // without the whole list an old-version reference could be missed: stop before the old credential goes
  if (found.error) return [found.error];
  const todo = found.consumers.filter((c) => c.versioned && !finished.has(referenceKey(c)));
  // ARM writes a site's settings as one list: updates of one resource's list run one after another
  const groups = new Map<string, Consumer[]>();
  for (const c of todo) {
    const g = `${c.resourceId}|${c.settingKind}`;
    groups.set(g, [...(groups.get(g) ?? []), c]);
  }
  const failures: string[] = [];
  await Promise.all(
    [...groups.values()].map(async (list) => {
      for (const c of list) failures.push(...(await updateOne(ctx, r, worker, c, written, o)));
    }),
  );
  return failures;
}

async function updateOne(
  ctx: Ctx,
  r: Rotation,
  worker: string,
  c: Consumer,
  written: Map<string, string>,
  o: { signal?: AbortSignal; retry?: Partial<RetryPolicy> },
): Promise<string[]> {
  const key = referenceKey(c);
  const target = r.targets.find((t) => targetKey(t) === targetKey(c));
  const version = written.get(targetKey(c));
  const base = {
    resource: c.resourceId,
    setting: c.setting,
    settingKind: c.settingKind,
    secret: targetKey(c),
    from: c.version ?? "",
    to: version ?? "",
  };
  const detail = { ...base, kind: KIND_LABEL[c.settingKind] };
  if (!target || !version) return [`${key}: the version written to ${targetKey(c)} is not known`];
  try {
    const result = await repointReference(
      {
        resourceId: c.resourceId,
        settingKind: c.settingKind,
        setting: c.setting,
        vaultName: target.vaultName,
        vaultHost: new URL(target.vaultUri).host,
        secretName: target.secretName,
      },
      version,
      { signal: o.signal, retry: o.retry },
    );
    await transition(
      ctx,
      r,
      worker,
      {},
      [
        {
          step: "update_reference",
          target: key,
          status: result === "gone" ? "skipped" : "succeeded",
          detail: { ...detail, result },
        },
      ],
      { action: "rotation.step.update_reference", details: { ...base, result } },
    );
    return [];
  } catch (e) {
    const reason = publicReason(`update of ${key} failed`, e);
    await transition(
      ctx,
      r,
      worker,
      {},
      [{ step: "update_reference", target: key, status: "failed", error: reason, detail }],
      { action: "rotation.step.update_reference", outcome: "failure", details: { ...base, reason } },
    );
    return [reason];
  }
}
