"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { updateRule } from "../../compliance/actions";

type Param = number | string | string[] | boolean;

/** One rule's switch and parameters. Lists are comma-separated; numbers are whole days, sizes or months. */
export function RuleForm({
  ruleId,
  enabled,
  params,
  canWrite,
}: {
  ruleId: string;
  enabled: boolean;
  params: Record<string, Param>;
  canWrite: boolean;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <form
      className="flex flex-wrap items-end gap-3"
      data-testid={`rule-form-${ruleId}`}
      onSubmit={(e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        const next: Record<string, Param> = {};
        for (const [k, v] of Object.entries(params)) {
          const raw = String(fd.get(k) ?? "");
          next[k] = Array.isArray(v)
            ? raw
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean)
            : typeof v === "number"
              ? Number(raw)
              : raw;
        }
        start(async () => {
          const r = await updateRule({ ruleId, enabled: fd.get("enabled") === "on", params: next });
          setMessage(
            r.ok
              ? { ok: true, text: "Saved (audited). Applies at the next evaluation." }
              : { ok: false, text: r.error.message },
          );
          if (r.ok) router.refresh();
        });
      }}
    >
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="enabled" defaultChecked={enabled} disabled={!canWrite} />
        Enabled
      </label>
      {Object.entries(params).map(([k, v]) => (
        <div key={k}>
          <label className="label" htmlFor={`${ruleId}-${k}`}>
            {k}
          </label>
          <input
            id={`${ruleId}-${k}`}
            name={k}
            className="input w-48 py-1 text-xs"
            defaultValue={Array.isArray(v) ? v.join(", ") : String(v)}
            inputMode={typeof v === "number" ? "numeric" : undefined}
            disabled={!canWrite}
          />
        </div>
      ))}
      {canWrite && (
        <button type="submit" className="btn-secondary py-1" disabled={pending}>
          {pending ? "Saving…" : "Save"}
        </button>
      )}
      {message && (
        <span
          role={message.ok ? "status" : "alert"}
          className={`text-xs ${message.ok ? "text-emerald-700 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}`}
        >
          {message.text}
        </span>
      )}
    </form>
  );
}
