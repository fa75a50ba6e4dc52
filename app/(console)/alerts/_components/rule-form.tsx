"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { createRule, deleteRule, previewRule, updateRule } from "../actions";
import { readRule } from "./read-rule";
import { RulePreview, type Preview } from "./rule-preview";
import { ScopeFields, ScoreFields } from "./rule-fields";
import type { RuleFormValue } from "./rule-value";

export type { RuleFormValue };

export function RuleForm({
  initial,
  types,
  channels,
}: {
  initial: RuleFormValue;
  types: { id: string; label: string }[];
  channels: { id: string; name: string; kindLabel: string }[];
}) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const [mode, setMode] = useState(initial.mode);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [pending, start] = useTransition();
  const editing = !!initial.id;

  const run = (fn: () => Promise<void>) =>
    start(async () => {
      setError(null);
      await fn();
    });

  return (
    <form
      ref={form}
      className="space-y-4"
      data-testid="rule-form"
      onSubmit={(e) => {
        e.preventDefault();
        const rule = readRule(e.currentTarget);
        run(async () => {
          const r = editing
            ? await updateRule({ id: initial.id!, rule: rule as never })
            : await createRule(rule as never);
          if (!r.ok) setError(r.error.message);
          else router.push("/alerts");
        });
      }}
    >
      <div className="card grid gap-4 p-5 sm:grid-cols-2">
        <div className="space-y-1 sm:col-span-2">
          <label htmlFor="name" className="block text-sm font-medium">
            Name
          </label>
          <input id="name" name="name" className="input" required maxLength={100} defaultValue={initial.name} />
        </div>
        <fieldset className="space-y-1 sm:col-span-2">
          <legend className="text-sm font-medium">Alert types</legend>
          <div className="grid gap-1 sm:grid-cols-2">
            {types.map((t) => (
              <label key={t.id} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="types" value={t.id} defaultChecked={initial.types.includes(t.id)} />
                {t.label}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="space-y-1">
          <label htmlFor="thresholds" className="block text-sm font-medium">
            Day thresholds
          </label>
          <input id="thresholds" name="thresholds" className="input" defaultValue={initial.thresholds.join(", ")} />
          <p className="text-xs text-muted">An item alerts once as it crosses each, and once when it expires.</p>
        </div>
        <ScoreFields scoreBelow={initial.scoreBelow} scoreDrop={initial.scoreDrop} />
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Channels</legend>
          {channels.length === 0 && <p className="text-sm text-muted">No channels yet.</p>}
          {channels.map((c) => (
            <label key={c.id} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                name="channelIds"
                value={c.id}
                defaultChecked={initial.channelIds.includes(c.id)}
              />
              {c.name} <span className="text-xs text-muted">{c.kindLabel}</span>
            </label>
          ))}
        </fieldset>
      </div>
      <ScopeFields initial={initial} />
      <div className="card grid gap-4 p-5 sm:grid-cols-3">
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Delivery</legend>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name="mode"
              value="immediate"
              checked={mode === "immediate"}
              onChange={() => setMode("immediate")}
            />
            Immediately
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name="mode"
              value="digest"
              checked={mode === "digest"}
              onChange={() => setMode("digest")}
            />
            Digest on a schedule
          </label>
        </fieldset>
        {mode === "digest" && (
          <>
            <div className="space-y-1">
              <label htmlFor="digestCron" className="block text-sm font-medium">
                Cron (minute hour day month weekday)
              </label>
              <input
                id="digestCron"
                name="digestCron"
                className="input"
                defaultValue={initial.digestCron ?? "0 8 * * 1-5"}
              />
            </div>
            <div className="space-y-1">
              <label htmlFor="digestTimezone" className="block text-sm font-medium">
                Time zone
              </label>
              <input
                id="digestTimezone"
                name="digestTimezone"
                className="input"
                defaultValue={initial.digestTimezone ?? "UTC"}
              />
            </div>
          </>
        )}
        <label className="flex items-center gap-2 text-sm sm:col-span-3">
          <input type="checkbox" name="enabled" defaultChecked={initial.enabled} /> Enabled
        </label>
      </div>
      {error && (
        <p className="text-sm text-red-700 dark:text-red-300" role="alert">
          {error}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <button className="btn-primary" type="submit" disabled={pending} data-testid="save-rule">
          {pending ? "Saving…" : "Save rule"}
        </button>
        <button
          type="button"
          className="btn-secondary"
          disabled={pending}
          data-testid="preview-rule"
          onClick={() =>
            run(async () => {
              const r = await previewRule(readRule(form.current!));
              if (!r.ok) setError(r.error.message);
              else setPreview(r.data as Preview);
            })
          }
        >
          Preview
        </button>
        {editing && (
          <button
            type="button"
            className="btn-danger"
            disabled={pending}
            onClick={() => {
              if (!confirm("Delete this rule?")) return;
              run(async () => {
                const r = await deleteRule({ id: initial.id! });
                if (!r.ok) setError(r.error.message);
                else router.push("/alerts");
              });
            }}
          >
            Delete
          </button>
        )}
      </div>
      {preview && <RulePreview preview={preview} />}
    </form>
  );
}
