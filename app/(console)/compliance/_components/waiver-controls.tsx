"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { decideWaiver, proposeWaiver } from "../actions";

/** Approve / reject buttons for an Admin who did not propose the waiver (the server checks four eyes again). */
export function DecideButtons({ waiverId }: { waiverId: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const decide = (decision: "approve" | "reject") =>
    start(async () => {
      const r = await decideWaiver({ waiverId, decision });
      if (!r.ok) setError(r.error.message);
      else router.refresh();
    });
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex gap-2">
        <button
          type="button"
          className="btn-primary py-1"
          disabled={pending}
          onClick={() => decide("approve")}
          data-testid={`approve-${waiverId}`}
        >
          Approve
        </button>
        <button
          type="button"
          className="btn-secondary py-1"
          disabled={pending}
          onClick={() => decide("reject")}
          data-testid={`reject-${waiverId}`}
        >
          Reject
        </button>
      </div>
      {error && (
        <span role="alert" className="text-xs text-red-700 dark:text-red-300">
          {error}
        </span>
      )}
    </div>
  );
}

export interface Choice {
  value: string;
  label: string;
}

/** Proposes a waiver over a rule and a scope (tenant, subscription, vault); object waivers come from the findings list. */
export function ProposeWaiverForm({
  rules,
  subscriptions,
  vaults,
  rule,
}: {
  rules: Choice[];
  subscriptions: Choice[];
  vaults: Choice[];
  rule?: string;
}) {
  const router = useRouter();
  const [scopeType, setScopeType] = useState<"tenant" | "subscription" | "vault">("vault");
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const scopes = scopeType === "subscription" ? subscriptions : scopeType === "vault" ? vaults : [];
  return (
    <form
      id="propose"
      className="card grid gap-3 p-4 sm:grid-cols-2 lg:grid-cols-4"
      aria-label="Propose a waiver"
      data-testid="propose-form"
      onSubmit={(e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        start(async () => {
          const r = await proposeWaiver({
            ruleId: String(fd.get("ruleId")),
            scopeType,
            scopeId: scopeType === "tenant" ? "" : String(fd.get("scopeId") ?? ""),
            justification: String(fd.get("justification") ?? ""),
            expiresAt: String(fd.get("expiresAt") ?? ""),
          });
          if (r.ok) {
            setMessage({ ok: true, text: "Proposed. An Admin other than you approves or rejects it." });
            (e.target as HTMLFormElement).reset();
            router.refresh();
          } else setMessage({ ok: false, text: r.error.message });
        });
      }}
    >
      <div>
        <label className="label" htmlFor="w-rule">
          Rule
        </label>
        <select id="w-rule" name="ruleId" className="input" defaultValue={rule}>
          {rules.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label className="label" htmlFor="w-scope-type">
          Applies to
        </label>
        <select
          id="w-scope-type"
          className="input"
          value={scopeType}
          onChange={(e) => setScopeType(e.target.value as typeof scopeType)}
        >
          <option value="vault">One vault and its objects</option>
          <option value="subscription">One subscription</option>
          <option value="tenant">The whole tenant</option>
        </select>
      </div>
      <div>
        <label className="label" htmlFor="w-scope">
          {scopeType === "tenant" ? "Scope" : scopeType === "vault" ? "Vault" : "Subscription"}
        </label>
        <select id="w-scope" name="scopeId" className="input" disabled={scopeType === "tenant"}>
          {scopeType === "tenant" ? (
            <option>Whole tenant</option>
          ) : (
            scopes.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))
          )}
        </select>
      </div>
      <div>
        <label className="label" htmlFor="w-expires">
          Expires on (UTC)
        </label>
        <input id="w-expires" name="expiresAt" type="date" className="input" required />
      </div>
      <div className="sm:col-span-2 lg:col-span-3">
        <label className="label" htmlFor="w-justification">
          Justification (at least 10 characters)
        </label>
        <input id="w-justification" name="justification" className="input" required minLength={10} maxLength={1000} />
      </div>
      <div className="flex items-end">
        <button type="submit" className="btn-primary w-full" disabled={pending}>
          {pending ? "Proposing…" : "Propose waiver"}
        </button>
      </div>
      {message && (
        <p
          role={message.ok ? "status" : "alert"}
          className={`text-sm sm:col-span-2 lg:col-span-4 ${message.ok ? "text-emerald-700 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}`}
        >
          {message.text}
        </p>
      )}
    </form>
  );
}
