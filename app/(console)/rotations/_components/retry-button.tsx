"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { retryRotationAction } from "../../apps/[id]/actions";

export function RetryButton({ rotationId }: { rotationId: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      <button
        type="button"
        className="btn-primary"
        disabled={pending}
        data-testid="retry-rotation"
        onClick={() =>
          start(async () => {
            const r = await retryRotationAction({ rotationId });
            if (r.ok) router.refresh();
            else setError(r.error.message);
          })
        }
      >
        {pending ? "Retrying…" : "Retry"}
      </button>
      {error && (
        <p role="alert" className="mt-1 text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}
