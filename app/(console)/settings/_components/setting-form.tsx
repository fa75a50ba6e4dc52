"use client";

import { useRouter } from "next/navigation";
import { createContext, useContext, useState, useTransition } from "react";
import { CheckboxGrid } from "@/app/_components/checkbox-grid";
import type { ActionResult } from "@/lib/web/action";

type Issues = Record<string, string>;
const IssuesCtx = createContext<Issues>({});

/** A settings form posting FormData to one server action; shows the action's field errors next to each field. */
export function SettingForm({
  action,
  children,
  testId,
  submitLabel = "Save",
}: {
  action: (fd: FormData) => Promise<ActionResult<unknown>>;
  children: React.ReactNode;
  testId: string;
  submitLabel?: string;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [issues, setIssues] = useState<Issues>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <form
      data-testid={testId}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        setMessage(null);
        start(async () => {
          const r = await action(fd);
          if (r.ok) {
            setIssues({});
            setMessage({ ok: true, text: "Saved. The change is recorded in the audit log." });
            router.refresh();
          } else {
            setIssues(Object.fromEntries((r.error.issues ?? []).map((i) => [i.path.split(".")[0], i.message])));
            setMessage({ ok: false, text: r.error.issues?.length ? "Fix the highlighted fields." : r.error.message });
          }
        });
      }}
    >
      <IssuesCtx.Provider value={issues}>{children}</IssuesCtx.Provider>
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <button type="submit" className="btn-primary" disabled={pending}>
          {pending ? "Saving…" : submitLabel}
        </button>
        {message && (
          <span
            className={`text-sm ${message.ok ? "text-emerald-700 dark:text-emerald-300" : "text-red-600 dark:text-red-400"}`}
            role={message.ok ? "status" : "alert"}
          >
            {message.text}
          </span>
        )}
      </div>
    </form>
  );
}

/** The error for a field name, rendered under it; also marks the input invalid for assistive tech. */
export function FieldError({ name }: { name: string }) {
  const issues = useContext(IssuesCtx);
  if (!issues[name]) return null;
  return (
    <p
      className="mt-1 text-xs text-red-600 dark:text-red-400"
      id={`${name}-error`}
      role="alert"
      data-testid={`error-${name}`}
    >
      {issues[name]}
    </p>
  );
}

export function useFieldInvalid(name: string): boolean {
  return !!useContext(IssuesCtx)[name];
}

export function TextField({
  name,
  label,
  defaultValue,
  type = "text",
  hint,
  mono,
  inputMode,
}: {
  name: string;
  label: string;
  defaultValue?: string | number;
  type?: string;
  hint?: string;
  mono?: boolean;
  inputMode?: "numeric" | "text";
}) {
  const invalid = useFieldInvalid(name);
  return (
    <div>
      <label className="label" htmlFor={`f-${name}`}>
        {label}
      </label>
      <input
        id={`f-${name}`}
        name={name}
        type={type}
        inputMode={inputMode}
        defaultValue={defaultValue}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${name}-error` : hint ? `${name}-hint` : undefined}
        className={`input ${mono ? "font-mono" : ""} ${invalid ? "border-red-400 focus:border-red-500 focus:ring-red-500/20 dark:border-red-500" : ""}`}
      />
      {hint && !invalid && (
        <p className="mt-1 text-xs text-muted" id={`${name}-hint`}>
          {hint}
        </p>
      )}
      <FieldError name={name} />
    </div>
  );
}

/**
 * Subscriptions in scope, picked by name from those discovered; ids not discovered yet (a new subscription, a fresh
 * install) can be added by id. Posts one `allowList` value (ids, one per line) as the action expects.
 */
export function AllowListField({
  subscriptions,
  allowed,
}: {
  subscriptions: { id: string; name: string }[];
  allowed: string[];
}) {
  const invalid = useFieldInvalid("allowList");
  const known = new Set(subscriptions.map((s) => s.id.toLowerCase()));
  const [selected, setSelected] = useState(allowed.filter((id) => known.has(id.toLowerCase())));
  const [extra, setExtra] = useState(allowed.filter((id) => !known.has(id.toLowerCase())).join("\n"));
  const value = [...selected, ...extra.split(/[\s,;]+/).filter(Boolean)].join("\n");
  return (
    <div data-testid="allowlist-picker">
      <CheckboxGrid
        label="Subscriptions in scope"
        columns={1}
        items={subscriptions.map((s) => ({ ...s, hint: s.id.slice(0, 8) }))}
        selected={selected}
        onChange={setSelected}
        emptyText="No subscriptions discovered yet: run a scan of everything first, or add ids below."
      />
      <p className="mt-1 text-xs text-muted">None ticked and none added = every subscription the scanner can see.</p>
      <label className="label mt-3" htmlFor="f-allowList-extra">
        Other subscription ids (not discovered yet)
      </label>
      <textarea
        id="f-allowList-extra"
        rows={2}
        value={extra}
        onChange={(e) => setExtra(e.target.value)}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? "allowList-error" : undefined}
        className={`input font-mono text-xs ${invalid ? "border-red-400 dark:border-red-500" : ""}`}
      />
      <input type="hidden" name="allowList" value={value} />
      <FieldError name="allowList" />
    </div>
  );
}
