"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { CheckboxGrid } from "@/app/_components/checkbox-grid";
import { startScan } from "../actions";

const MODES = [
  {
    value: "full",
    label: "Full",
    hint: "Every vault and object; re-reads certificate and key rotation policies, full detail for what changed.",
  },
  { value: "delta", label: "Delta", hint: "Lists everything, fetches detail only for objects that changed. Fastest." },
  {
    value: "forced",
    label: "Forced",
    hint: "Re-fetches every object's detail and versions. Use after granting permissions.",
  },
] as const;

export function StartScanForm({
  subscriptions,
  vaults,
  disabledReason,
}: {
  subscriptions: { id: string; name: string }[];
  vaults: { id: string; name: string; subscriptionId: string }[];
  disabledReason?: string;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [mode, setMode] = useState<"full" | "delta" | "forced">("full");
  const [scope, setScope] = useState<"all" | "subscriptions" | "vaults">("all");
  const [subs, setSubs] = useState<string[]>([]);
  const [vs, setVs] = useState<string[]>([]);
  const [error, setError] = useState<{ message: string; issues?: { path: string; message: string }[] } | null>(null);
  const [filter, setFilter] = useState("");
  const issue = (p: string) => error?.issues?.find((i) => i.path === p)?.message;
  const shownVaults = vaults
    .filter((v) => !filter || v.name.toLowerCase().includes(filter.toLowerCase()))
    .slice(0, 300);

  return (
    <form
      className="card p-5"
      aria-labelledby="start-h"
      data-testid="start-scan-form"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        start(async () => {
          const r = await startScan({ mode, scope, subscriptions: subs, vaults: vs });
          if (!r.ok) setError({ message: r.error.message, issues: r.error.issues });
          else router.refresh();
        });
      }}
    >
      <h2 id="start-h" className="text-base font-semibold">
        Start a scan
      </h2>
      <fieldset className="mt-3">
        <legend className="label">Mode</legend>
        <div className="grid gap-2 sm:grid-cols-3">
          {MODES.map((m) => (
            <label
              key={m.value}
              className={`flex cursor-pointer gap-2 rounded-lg border p-3 text-sm transition ${mode === m.value ? "border-brand-500 bg-brand-50 dark:border-brand-500 dark:bg-brand-500/10" : "border-slate-200 hover:border-slate-300 dark:border-slate-700 dark:hover:border-slate-600"}`}
            >
              <input
                type="radio"
                name="mode"
                value={m.value}
                checked={mode === m.value}
                onChange={() => setMode(m.value)}
                className="mt-0.5 accent-brand-600"
              />
              <span>
                <span className="font-medium">{m.label}</span>
                <span className="block text-xs text-slate-500 dark:text-slate-400">{m.hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="mt-4">
        <legend className="label">Scope</legend>
        <div className="flex flex-wrap gap-4 text-sm">
          {(
            [
              ["all", "All subscriptions in scope"],
              ["subscriptions", "Chosen subscriptions"],
              ["vaults", "Chosen vaults"],
            ] as const
          ).map(([v, l]) => (
            <label key={v} className="flex items-center gap-2">
              <input
                type="radio"
                name="scope"
                value={v}
                checked={scope === v}
                onChange={() => setScope(v)}
                className="accent-brand-600"
              />
              {l}
            </label>
          ))}
        </div>
        {scope === "subscriptions" && (
          <div className="mt-3">
            <CheckboxGrid
              label="Subscriptions"
              items={subscriptions.map((s) => ({ ...s, hint: s.id.slice(0, 8) }))}
              selected={subs}
              onChange={setSubs}
              emptyText="No subscriptions discovered yet: run a scan of everything first."
              error={issue("subscriptions")}
            />
          </div>
        )}
        {scope === "vaults" && (
          <div className="mt-3">
            <input
              className="input mb-2"
              placeholder="Filter vaults by name"
              aria-label="Filter vaults by name"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            />
            <CheckboxGrid
              label="Vaults"
              items={vaults.length === 0 ? [] : shownVaults}
              selected={vs}
              onChange={setVs}
              emptyText={
                vaults.length === 0
                  ? "No vaults discovered yet: run a scan of everything first."
                  : "No vault matches the filter."
              }
              error={issue("vaults")}
            />
            <p className="mt-1 text-xs text-slate-500">{vs.length} selected</p>
          </div>
        )}
      </fieldset>
      <fieldset className="mt-4">
        <legend className="label">Scope</legend>
        <div className="flex flex-wrap gap-4 text-sm">
          {(
            [
              ["all", "All subscriptions in scope"],
              ["subscriptions", "Chosen subscriptions"],
              ["vaults", "Chosen vaults"],
            ] as const
          ).map(([v, l]) => (
            <label key={v} className="flex items-center gap-2">
              <input
                type="radio"
                name="scope"
                value={v}
                checked={scope === v}
                onChange={() => setScope(v)}
                className="accent-brand-600"
              />
              {l}
            </label>
          ))}
        </div>
        {scope === "subscriptions" && (
          <div className="mt-3">
            {subscriptions.length === 0 ? (
              <p className="text-sm text-slate-500">No subscriptions discovered yet: run a scan of everything first.</p>
            ) : (
              <div
                className="grid max-h-48 gap-1 overflow-auto rounded-lg border border-slate-200 p-2 sm:grid-cols-2 dark:border-slate-700"
                role="group"
                aria-label="Subscriptions"
              >
                {subscriptions.map((s) => (
                  <label
                    key={s.id}
                    className="flex items-center gap-2 rounded px-2 py-1 text-sm hover:bg-slate-50 dark:hover:bg-slate-800"
                  >
                    <input
                      type="checkbox"
                      checked={subs.includes(s.id)}
                      onChange={(e) => setSubs(e.target.checked ? [...subs, s.id] : subs.filter((x) => x !== s.id))}
                      className="accent-brand-600"
                    />
                    <span className="truncate">{s.name}</span>
                    <span className="ml-auto font-mono text-[10px] text-slate-400">{s.id.slice(0, 8)}</span>
                  </label>
                ))}
              </div>
            )}
            {issue("subscriptions") && (
              <p className="mt-1 text-xs text-red-600 dark:text-red-400" role="alert">
                {issue("subscriptions")}
              </p>
            )}
          </div>
        )}
        {scope === "vaults" && (
          <div className="mt-3">
            <input
              className="input mb-2"
              placeholder="Filter vaults by name"
              aria-label="Filter vaults by name"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            />
            {vaults.length === 0 ? (
              <p className="text-sm text-slate-500">No vaults discovered yet: run a scan of everything first.</p>
            ) : (
              <div
                className="grid max-h-48 gap-1 overflow-auto rounded-lg border border-slate-200 p-2 sm:grid-cols-2 dark:border-slate-700"
                role="group"
                aria-label="Vaults"
              >
                {shownVaults.map((v) => (
                  <label
                    key={v.id}
                    className="flex items-center gap-2 rounded px-2 py-1 text-sm hover:bg-slate-50 dark:hover:bg-slate-800"
                  >
                    <input
                      type="checkbox"
                      checked={vs.includes(v.id)}
                      onChange={(e) => setVs(e.target.checked ? [...vs, v.id] : vs.filter((x) => x !== v.id))}
                      className="accent-brand-600"
                    />
                    <span className="truncate">{v.name}</span>
                  </label>
                ))}
              </div>
            )}
            <p className="mt-1 text-xs text-slate-500">{vs.length} selected</p>
            {issue("vaults") && (
              <p className="mt-1 text-xs text-red-600 dark:text-red-400" role="alert">
                {issue("vaults")}
              </p>
            )}
          </div>
        )}
      </fieldset>
      <div className="mt-5 flex flex-wrap items-center gap-3">
        <button type="submit" className="btn-primary" disabled={pending || !!disabledReason} data-testid="start-scan">
          {pending ? "Starting…" : "Start scan"}
        </button>
        {disabledReason && <span className="text-sm text-slate-500">{disabledReason}</span>}
        {error && !error.issues?.some((i) => i.path === "subscriptions" || i.path === "vaults") && (
          <span className="text-sm text-red-600 dark:text-red-400" role="alert" data-testid="start-scan-error">
            {error.message}
          </span>
        )}
      </div>
    </form>
  );
}
