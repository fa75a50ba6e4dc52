"use client";

import { useState, useTransition } from "react";
import { sendTest } from "../actions";

export function SendTestButton({ id }: { id: string }) {
  const [pending, start] = useTransition();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        className="btn-secondary py-1.5"
        disabled={pending}
        data-testid={`send-test-${id}`}
        onClick={() =>
          start(async () => {
            const r = await sendTest({ id });
            if (!r.ok) setOutcome({ ok: false, text: r.error.message });
            else if (r.data.status === "delivered")
              setOutcome({ ok: true, text: `Delivered${r.data.responseCode ? ` (${r.data.responseCode})` : ""}` });
            else setOutcome({ ok: false, text: r.data.error ?? "Not delivered" });
          })
        }
      >
        {pending ? "Sending…" : "Send test"}
      </button>
      {outcome && (
        <span
          className={`max-w-xs text-right text-xs ${outcome.ok ? "text-emerald-700 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}`}
          role="status"
          data-testid="send-test-outcome"
        >
          {outcome.text}
        </span>
      )}
    </div>
  );
}
