"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { revokeSession } from "../actions";

export function RevokeButton({ sessionId, own }: { sessionId: string; own: boolean }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        className="btn-danger py-1.5"
        disabled={pending}
        data-testid={`revoke-${sessionId}`}
        onClick={() => {
          if (own && !confirm("This is your current session. Revoking it signs you out. Continue?")) return;
          start(async () => {
            const r = await revokeSession({ sessionId });
            if (!r.ok) setError(r.error.message);
            else if (own) router.push("/signin");
          });
        }}
      >
        {pending ? "Revoking…" : "Revoke"}
      </button>
      {error && (
        <span className="text-xs text-red-600" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
