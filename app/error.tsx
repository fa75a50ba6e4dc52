"use client";

import { AuthFrame } from "./_components/auth-frame";

/** Never shows the error's message: only the digest, which matches the server log line. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <AuthFrame>
      <p className="text-sm font-semibold text-amber-700 dark:text-amber-400">Something went wrong</p>
      <h1 className="mt-1 text-xl font-semibold">This page could not be loaded</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        Try again. If it keeps failing, give your administrator this reference so they can find it in the server log:
      </p>
      <code className="mt-3 block rounded-lg bg-slate-100 px-3 py-2 font-mono text-xs dark:bg-slate-800">
        {error.digest ?? "no reference"}
      </code>
      <button type="button" className="btn-primary mt-6 w-full" onClick={reset}>
        Try again
      </button>
    </AuthFrame>
  );
}
