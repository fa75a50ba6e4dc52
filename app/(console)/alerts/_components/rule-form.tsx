"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { createRule, deleteRule, previewRule, updateRule } from "../actions";
import { readRule } from "./read-rule";
import { RulePreview, type Preview } from "./rule-preview";

export interface RuleFormValue {
  id?: string;
  name: string;
  types: string[];
  thresholds: number[];
  scoreBelow: number;
  scoreDrop: number;
  channelIds: string[];
  scope: { subscriptions?: string[]; vaults?: string[]; tags?: Record<string, string[]>; severities?: string[] };
  ownerTag: string | null;
  fallbackRecipients: string[];
  mode: "immediate" | "digest";
  digestCron: string | null;
  digestTimezone: string | null;
  enabled: boolean;
}

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
  const tagText = Object.entries(initial.scope.tags ?? {})
    .map(([k, v]) => `${k}=${v.join(",")}`)
    .join("\n");

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
        <div className="grid grid-cols-2 gap-3">
          <div className="space-y-1">
            <label htmlFor="scoreBelow" className="block text-sm font-medium">
              Score below
            </label>
            <input
              id="scoreBelow"
              name="scoreBelow"
              type="number"
              min={1}
              max={100}
              className="input"
              defaultValue={initial.scoreBelow}
            />
          </div>
          <div className="space-y-1">
            <label htmlFor="scoreDrop" className="block text-sm font-medium">
              Score drop (points)
            </label>
            <input
              id="scoreDrop"
              name="scoreDrop"
              type="number"
              min={1}
              max={100}
              className="input"
              defaultValue={initial.scoreDrop}
            />
          </div>
          <p className="col-span-2 text-xs text-muted">
            For the compliance score types: alert once as the score crosses below, or when one evaluation lowers it by
            at least the drop.
          </p>
        </div>
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
      <div className="card grid gap-4 p-5 sm:grid-cols-2">
        <h2 className="text-base font-semibold sm:col-span-2">Scope and routing</h2>
        <div className="space-y-1">
          <label htmlFor="subscriptions" className="block text-sm font-medium">
            Subscriptions (ids, empty: all)
          </label>
          <input
            id="subscriptions"
            name="subscriptions"
            className="input"
            defaultValue={(initial.scope.subscriptions ?? []).join(", ")}
          />
        </div>
        <div className="space-y-1">
          <label htmlFor="vaults" className="block text-sm font-medium">
            Vaults (names, empty: all)
          </label>
          <input id="vaults" name="vaults" className="input" defaultValue={(initial.scope.vaults ?? []).join(", ")} />
        </div>
        <div className="space-y-1">
          <label htmlFor="tags" className="block text-sm font-medium">
            Tags (one per line: environment=prod,staging)
          </label>
          <textarea id="tags" name="tags" rows={2} className="input" defaultValue={tagText} />
        </div>
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Severities (none: all)</legend>
          <div className="flex flex-wrap gap-3">
            {["critical", "high", "medium", "low"].map((s) => (
              <label key={s} className="flex items-center gap-1 text-sm">
                <input
                  type="checkbox"
                  name="severities"
                  value={s}
                  defaultChecked={initial.scope.severities?.includes(s)}
                />
                {s}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="space-y-1">
          <label htmlFor="ownerTag" className="block text-sm font-medium">
            Owner tag
          </label>
          <input
            id="ownerTag"
            name="ownerTag"
            className="input"
            placeholder="owner"
            defaultValue={initial.ownerTag ?? ""}
          />
          <p className="text-xs text-muted">An email address in this tag receives the item&apos;s email alerts.</p>
        </div>
        <div className="space-y-1">
          <label htmlFor="fallbackRecipients" className="block text-sm font-medium">
            Fallback recipients
          </label>
          <input
            id="fallbackRecipients"
            name="fallbackRecipients"
            className="input"
            defaultValue={initial.fallbackRecipients.join(", ")}
          />
          <p className="text-xs text-muted">For items without an owner; empty: the channel&apos;s own recipients.</p>
        </div>
      </div>
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
