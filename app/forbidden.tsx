import { Link } from "@/app/_components/link";

/**
 * Rendered inside the console shell (a console page called forbidden()): a plain card in the page, not the sign-in
 * frame — that one brings its own logo, full-height background and <main>, which nested inside the console.
 */
export default function Forbidden() {
  return (
    <div className="mx-auto mt-8 max-w-md">
      <div className="card p-8">
        <p className="text-sm font-semibold text-red-700 dark:text-red-400">403 · Forbidden</p>
        <h1 className="mt-1 text-xl font-semibold" data-testid="forbidden">
          Your role does not include this page
        </h1>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          The attempt has been recorded in the audit log. If you need access, ask an administrator to assign you a
          CertifyClouds app role that includes it (see Settings → Roles and permissions).
        </p>
        <Link href="/" className="btn-primary mt-6 w-full">
          Back to the dashboard
        </Link>
      </div>
    </div>
  );
}
