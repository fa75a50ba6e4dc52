"use client";

import { useState, useTransition } from "react";
import { decideLinkAction } from "../actions";

/** Confirm or reject one suggested (or rejected) link. */
export function LinkDecision(props: { appObjectId: string; vaultId: string; secretName: string; active: boolean }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const decide = (decision: "confirmed" | "rejected") =>
    start(async () => {
      const r = await decideLinkAction({ ...props, decision });
      setError(r.ok ? null : r.error.message);
    });
  return (
    <div className="flex gap-2">
      {!props.active && (
        <button type="button" className="btn-secondary text-xs" disabled={pending} onClick={() => decide("confirmed")}>
          Confirm<span className="sr-only"> link of {props.secretName}</span>
        </button>
      )}
      {props.active && (
        <button type="button" className="btn-secondary text-xs" disabled={pending} onClick={() => decide("rejected")}>
          Reject<span className="sr-only"> link of {props.secretName}</span>
        </button>
      )}
      {error && (
        <span role="alert" className="text-xs text-red-700 dark:text-red-300">
          {error}
        </span>
      )}
    </div>
  );
}
