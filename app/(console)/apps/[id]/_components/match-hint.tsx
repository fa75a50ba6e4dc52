"use client";

import { useState, useTransition } from "react";
import { matchByHintAction } from "../actions";

type Result = Extract<Awaited<ReturnType<typeof matchByHintAction>>, { ok: true }>["data"];

/** "Match by hint": an Operator's explicit, audited value read of candidate secrets (only when an Admin allowed it). */
export function MatchHint({ appObjectId, allowed }: { appObjectId: string; allowed: boolean }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  if (!allowed)
    return (
      <p className="mt-3 text-xs text-muted">
        Can&apos;t find where this app&apos;s secret is stored? &ldquo;Match by hint&rdquo; compares Graph&apos;s
        3-character hint with candidate secrets&apos; values; it reads values, so an Admin must allow it in Settings →
        Rotation.
      </p>
    );
  return (
    <div className="mt-3 space-y-2 text-sm" data-testid="match-hint">
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          className="btn-secondary"
          disabled={pending}
          onClick={() =>
            start(async () => {
              const r = await matchByHintAction({ appObjectId });
              setError(r.ok ? null : r.error.message);
              setResult(r.ok ? r.data : null);
            })
          }
        >
          {pending ? "Reading candidates…" : "Match by hint"}
        </button>
        <span className="text-xs text-muted">
          Reads up to 50 candidate secrets&apos; current values in memory, keeps only whether each starts with a client
          secret&apos;s hint, and records the read in the audit log. Matches appear above as suggestions to confirm.
        </span>
      </div>
      {error && (
        <p role="alert" className="text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
      {result && (
        <p role="status">
          Read {result.read} of {result.candidates} candidate{result.candidates === 1 ? "" : "s"}:{" "}
          {result.matches.length
            ? `${result.matches.length} match${result.matches.length === 1 ? "" : "es"} (${result.matches.map((m) => `${m.vaultName}/${m.secretName}`).join(", ")})`
            : "no match"}
          {result.unreadable.length ? `; ${result.unreadable.length} could not be read` : ""}.
        </p>
      )}
    </div>
  );
}
