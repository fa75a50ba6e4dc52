"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { BADGE_PILL, STATUS_STYLE } from "@/app/_components/status";
import { planRotationAction, startRotationAction } from "../actions";

type Plan = Extract<Awaited<ReturnType<typeof planRotationAction>>, { ok: true }>["data"];

const fmt = (iso: string | null | undefined) =>
  iso ? new Date(iso).toISOString().slice(0, 16).replace("T", " ") + " UTC" : "never";

/**
 * "Rotate now": the plan (a dry run) first, then an explicit confirmation; the rotation page shows the progress.
 * With `keyId` of a certificate credential it plans that certificate's rotation.
 */
export function RotatePanel({
  appObjectId,
  keyId,
  label = "Rotate now",
}: {
  appObjectId: string;
  keyId?: string;
  label?: string;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [plan, setPlan] = useState<Plan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updateRefs, setUpdateRefs] = useState(true);
  const versioned = plan?.consumers.filter((c) => c.versioned).length ?? 0;

  const loadPlan = () =>
    start(async () => {
      setError(null);
      const r = await planRotationAction({ appObjectId, keyId });
      if (r.ok) setPlan(r.data);
      else setError(r.error.message);
    });
  const confirm = () =>
    start(async () => {
      setError(null);
      const r = await startRotationAction({
        appObjectId,
        keyId: plan?.replaces?.keyId,
        updateReferences: versioned > 0 && updateRefs,
      });
      if (r.ok) router.push(`/rotations/${r.data.rotationId}`);
      else setError(r.error.message);
    });

  return (
    <div data-testid={keyId ? "rotate-certificate-panel" : "rotate-panel"}>
      {!plan && (
        <button
          type="button"
          className="btn-primary"
          onClick={loadPlan}
          disabled={pending}
          data-testid={keyId ? `rotate-certificate-${keyId}` : "rotate-now"}
        >
          {pending ? "Planning…" : label}
        </button>
      )}
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
      {plan && (
        <div className="space-y-4 text-sm" data-testid="rotation-plan">
          <h3 className="text-base font-semibold">
            {plan.kind === "certificate" ? "Certificate rotation plan" : "Rotation plan"} (dry run — nothing has changed
            yet)
          </h3>
          {plan.kind === "certificate" ? (
            <CertificatePlan plan={plan} />
          ) : (
            <SecretPlan plan={plan} updateRefs={updateRefs} setUpdateRefs={setUpdateRefs} />
          )}
          <PlanChecks plan={plan} />
          {plan.blockers.length > 0 && (
            <ul role="alert" className="list-disc pl-5 text-red-700 dark:text-red-300">
              {plan.blockers.map((b) => (
                <li key={b}>{b}</li>
              ))}
            </ul>
          )}
          <div className="flex gap-2">
            <button
              type="button"
              className="btn-primary"
              onClick={confirm}
              disabled={pending || plan.blockers.length > 0}
              data-testid="confirm-rotation"
            >
              {pending ? "Starting…" : plan.needsApproval ? "Request rotation" : "Confirm rotation"}
            </button>
            <button type="button" className="btn-secondary" onClick={() => setPlan(null)} disabled={pending}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

/** A certificate rotation: the Key Vault certificate that gets its next version, and what happens in Entra ID. */
function CertificatePlan({ plan }: { plan: Plan }) {
  const c = plan.certificate;
  return (
    <>
      <dl className="grid gap-x-4 gap-y-1 sm:grid-cols-[12rem_1fr]" data-testid="plan-certificate">
        <dt className="text-muted">Replaces</dt>
        <dd className="font-mono text-xs">
          {plan.replaces
            ? `${plan.replaces.displayName ?? plan.replaces.keyId} (expires ${fmt(plan.replaces.endDateTime)})`
            : "—"}
        </dd>
        <dt className="text-muted">Key Vault certificate</dt>
        <dd className="font-mono text-xs">
          {c ? `${c.vaultName}/${c.name} (issuer ${c.issuer ?? "unknown"}, version ${c.oldVersion ?? "—"})` : "none"}
        </dd>
        <dt className="text-muted">New certificate valid until</dt>
        <dd>
          about {fmt(plan.newEndDateTime)} ({plan.validityDays} days, per the certificate&apos;s policy)
        </dd>
        <dt className="text-muted">Overlap</dt>
        <dd>the old certificate stays trusted {plan.overlapHours} h after the new one is verified</dd>
      </dl>
      <ol className="list-decimal space-y-0.5 pl-5">
        <li>Key Vault creates the next version of the certificate per its policy, with a new key pair.</li>
        <li>
          Graph addKey registers its public certificate with the app; the proof is signed in Key Vault by the current
          certificate&apos;s key.
        </li>
        <li>A token request with a client assertion signed by the new key verifies it.</li>
        <li>After the overlap, Graph removeKey takes the old certificate off the app.</li>
      </ol>
      <p className="text-muted">
        Private keys never leave Key Vault: it signs. Apps that load the certificate from Key Vault without a version
        get the new one on their next refresh; the old one keeps working until it is removed.
      </p>
    </>
  );
}

/** A client-secret rotation: what is written, who reads it, what is not written. */
function SecretPlan({
  plan,
  updateRefs,
  setUpdateRefs,
}: {
  plan: Plan;
  updateRefs: boolean;
  setUpdateRefs: (v: boolean) => void;
}) {
  const versioned = plan.consumers.filter((c) => c.versioned).length;
  return (
    <>
      <dl className="grid gap-x-4 gap-y-1 sm:grid-cols-[12rem_1fr]">
        <dt className="text-muted">Replaces</dt>
        <dd className="font-mono text-xs">
          {plan.replaces
            ? `${plan.replaces.keyId} (expires ${fmt(plan.replaces.endDateTime)})`
            : "no current client secret"}
        </dd>
        <dt className="text-muted">New secret valid until</dt>
        <dd>
          {fmt(plan.newEndDateTime)} ({plan.validityDays} days)
        </dd>
        <dt className="text-muted">Overlap</dt>
        <dd>the old secret stays valid {plan.overlapHours} h after the new one is verified</dd>
      </dl>
      <div>
        <h4 className="font-medium">Key Vault secrets to write ({plan.targets.length})</h4>
        <ul className="mt-1 list-disc pl-5" data-testid="plan-targets">
          {plan.targets.map((t) => (
            <li key={`${t.vaultName}/${t.secretName}`}>
              <span className="font-mono">
                {t.vaultName}/{t.secretName}
              </span>{" "}
              — linked by {t.linkSource}; new version expires {fmt(t.newExpiry)}, tags {t.tags.join(", ")}
            </li>
          ))}
        </ul>
      </div>
      <div>
        <h4 className="font-medium">Consumers ({plan.consumers.length})</h4>
        {plan.consumersError && <p className="text-amber-700 dark:text-amber-300">{plan.consumersError}</p>}
        {plan.consumers.length === 0 ? (
          <p className="text-muted">No App Service, Functions or Container Apps reference these secrets.</p>
        ) : (
          <ul className="mt-1 list-disc pl-5" data-testid="plan-consumers">
            {plan.consumers.map((c) => (
              <li key={`${c.resourceId}/${c.setting}`}>
                <span className="font-medium">{c.resourceName}</span> ({c.setting},{" "}
                {c.versioned ? "versioned" : "versionless"}):{" "}
                <span className={c.versioned ? "text-amber-700 dark:text-amber-300" : undefined}>{c.effect}</span>
              </li>
            ))}
          </ul>
        )}
        {versioned > 0 && (
          <label className="mt-2 flex items-start gap-2" data-testid="update-references">
            <input
              type="checkbox"
              className="mt-1"
              checked={updateRefs}
              onChange={(e) => setUpdateRefs(e.target.checked)}
            />
            <span>
              Update the {versioned} versioned reference{versioned === 1 ? "" : "s"} to the new version once it is
              verified (during the overlap, while the old secret still works). Unticked, they keep the old value and
              stop working when the old secret is removed.
            </span>
          </label>
        )}
      </div>
      {plan.skipped.length > 0 && (
        <div>
          <h4 className="font-medium">Not written (unconfirmed or rejected links)</h4>
          <ul className="mt-1 list-disc pl-5">
            {plan.skipped.map((s) => (
              <li key={`${s.vaultName}/${s.secretName}`}>
                <span className="font-mono">
                  {s.vaultName}/{s.secretName}
                </span>{" "}
                — {s.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

/** What applies to both kinds: the identity's permissions, warnings, the approval note. */
function PlanChecks({ plan }: { plan: Plan }) {
  return (
    <>
      <div>
        <h4 className="font-medium">Permissions of the product identity (read now)</h4>
        <ul className="mt-1 space-y-1" data-testid="plan-permissions">
          {plan.permissions.map((p) => (
            <li key={p.scope} className="flex gap-2">
              <span
                className={`${BADGE_PILL} h-fit ${STATUS_STYLE[p.has === "yes" ? "healthy" : p.has === "no" ? "expired" : "no-expiry"]}`}
              >
                {p.has === "yes" ? "Has it" : p.has === "no" ? "Missing" : "Not known"}
              </span>
              <span>
                <span className="font-medium">{p.scope}</span>: needs {p.needs} — {p.detail}
              </span>
            </li>
          ))}
        </ul>
        {plan.permissions.some((p) => p.has === "no") && (
          <p className="mt-1 text-amber-700 dark:text-amber-300">
            {plan.kind === "certificate"
              ? "A missing permission stops the rotation at that step (without signing, before anything changed); the old certificate keeps working. Grant it first."
              : "A missing permission stops the rotation at that step; the new credential is then removed again and the old one keeps working. Grant it first."}
          </p>
        )}
      </div>
      {plan.warnings.length > 0 && (
        <ul className="list-disc pl-5 text-amber-700 dark:text-amber-300" data-testid="plan-warnings">
          {plan.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {plan.needsApproval && (
        <p className="text-amber-700 dark:text-amber-300" data-testid="plan-needs-approval">
          Approval required: the rotation waits until an Admin other than you approves it on its page (Settings →
          Automatic rotation).
        </p>
      )}
    </>
  );
}
