"use client";

import { useRouter } from "next/navigation";
import { createContext, useContext, useState, useTransition } from "react";
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
        <p className="mt-1 text-xs text-slate-500" id={`${name}-hint`}>
          {hint}
        </p>
      )}
      <FieldError name={name} />
    </div>
  );
}

export function AllowListField({ defaultValue }: { defaultValue: string }) {
  const invalid = useFieldInvalid("allowList");
  return (
    <div>
      <label className="label" htmlFor="f-allowList">
        Subscription ids (one per line)
      </label>
      <textarea
        id="f-allowList"
        name="allowList"
        rows={5}
        defaultValue={defaultValue}
        placeholder="Empty = every subscription the scanner identity can see"
        aria-invalid={invalid || undefined}
        className={`input font-mono text-xs ${invalid ? "border-red-400 dark:border-red-500" : ""}`}
      />
      <FieldError name="allowList" />
    </div>
  );
}
