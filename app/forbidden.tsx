import Link from "next/link";
import { AuthFrame } from "./_components/auth-frame";

export default function Forbidden() {
  return (
    <AuthFrame>
      <p className="text-sm font-semibold text-red-600">403 · Forbidden</p>
      <h1 className="mt-1 text-xl font-semibold" data-testid="forbidden">
        Your role does not include this page
      </h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        The attempt has been recorded in the audit log. If you need access, ask an administrator to assign you a
        CertifyClouds app role that includes it (see Settings → Roles and permissions).
      </p>
      <Link href="/" className="btn-primary mt-6 w-full">
        Back to the overview
      </Link>
    </AuthFrame>
  );
}
