"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { decideRotationAction } from "../../apps/[id]/actions";

/** Approve / Reject for a rotation awaiting approval (shown to Admins who did not request it). */
export function DecideButtons({ rotationId }: { rotationId: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const decide = (decision: "approve" | "reject") =>
    start(async () => {
      setError(null);
      const r = await decideRotationAction({ rotationId, decision });
      if (r.ok) router.refresh();
      else setError(r.error.message);
    });
  return (
    <div>
      <div className="flex gap-2">
        {(["approve", "reject"] as const).map((d) => (
          <button
            key={d}
            type="button"
            className={d === "approve" ? "btn-primary" : "btn-secondary"}
            disabled={pending}
            data-testid={`${d}-rotation`}
            onClick={() => decide(d)}
          >
            {d === "approve" ? "Approve" : "Reject"}
          </button>
        ))}
      </div>
      {error && (
        <p role="alert" className="mt-1 text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}
