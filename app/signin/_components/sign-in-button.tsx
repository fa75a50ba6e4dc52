"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";

export function SignInButton({ callbackUrl }: { callbackUrl: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="btn-primary w-full py-2.5"
      disabled={busy}
      data-testid="sign-in"
      onClick={() => {
        setBusy(true);
        void signIn("azure-ad", { callbackUrl }).catch(() => setBusy(false));
      }}
    >
      <svg viewBox="0 0 21 21" className="h-4 w-4" aria-hidden="true">
        <rect x="1" y="1" width="9" height="9" fill="#f25022" />
        <rect x="11" y="1" width="9" height="9" fill="#7fba00" />
        <rect x="1" y="11" width="9" height="9" fill="#00a4ef" />
        <rect x="11" y="11" width="9" height="9" fill="#ffb900" />
      </svg>
      {busy ? "Redirecting to Microsoft…" : "Sign in with Microsoft"}
    </button>
  );
}
