"use client";

import { useState, useTransition } from "react";
import { setAppAutoRotationAction } from "../actions";

type Choice = "rules" | "always" | "never";

const LABEL: Record<Choice, string> = {
  rules: "Follow the patterns in Settings → Automatic rotation",
  always: "Always: rotate when due, whatever the patterns say",
  never: "Never: leave this app to manual rotation",
};

/** The app's automatic-rotation switch: Admins change it; everyone else sees it. */
export function AutoSwitch({
  appObjectId,
  value,
  canChange,
}: {
  appObjectId: string;
  value: Choice;
  canChange: boolean;
}) {
  const [pending, start] = useTransition();
  const [choice, setChoice] = useState<Choice>(value);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (!canChange)
    return (
      <p className="text-sm" data-testid="auto-switch">
        {LABEL[value]}.
      </p>
    );
  return (
    <form
      className="flex flex-wrap items-end gap-3 text-sm"
      data-testid="auto-switch"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await setAppAutoRotationAction({ appObjectId, auto: choice });
          setMessage(r.ok ? { ok: true, text: "Saved." } : { ok: false, text: r.error.message });
        });
      }}
    >
      <label className="flex flex-col gap-1">
        <span className="text-muted">Automatic rotation of this app</span>
        <select
          className="input"
          value={choice}
          onChange={(e) => setChoice(e.target.value as Choice)}
          disabled={pending}
          name="auto"
        >
          {(Object.keys(LABEL) as Choice[]).map((k) => (
            <option key={k} value={k}>
              {LABEL[k]}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="btn-secondary" disabled={pending || choice === value}>
        {pending ? "Saving…" : "Save"}
      </button>
      {message && (
        <span
          role={message.ok ? "status" : "alert"}
          className={message.ok ? "text-muted" : "text-red-700 dark:text-red-300"}
        >
          {message.text}
        </span>
      )}
    </form>
  );
}
