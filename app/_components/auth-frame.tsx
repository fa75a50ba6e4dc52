import { Logo } from "./logo";

/** The centred card used by the sign-in, no-access and error pages. */
export function AuthFrame({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-b from-slate-100 to-slate-50 px-4 py-12 dark:from-slate-950 dark:to-slate-900">
      <div className="w-full max-w-md">
        <div className="mb-6 flex items-center justify-center gap-2 text-lg font-semibold tracking-tight">
          <Logo className="h-9 w-9" />
          CertifyClouds
        </div>
        <div className="card p-8">{children}</div>
        <p className="mt-6 text-center text-xs text-muted">
          Self-hosted Azure Key Vault governance · metadata only, nothing leaves your tenant
        </p>
      </div>
    </main>
  );
}
