import { redirect } from "next/navigation";
import { AuthFrame } from "@/app/_components/auth-frame";
import { SignOutButton } from "@/app/_components/sign-out-button";
import { ROLES } from "@/lib/auth/permissions";
import { currentCtx } from "@/lib/web/session";

export const metadata = { title: "No access" };

const WHAT: Record<string, string> = {
  "CertifyClouds.Viewer": "read dashboards and inventory",
  "CertifyClouds.Auditor": "also read the audit log and export evidence",
  "CertifyClouds.Operator": "also run scans, rotations and syncs",
  "CertifyClouds.Admin": "also change settings, alert channels, credentials and sessions",
};

/** Signed in, but no CertifyClouds app role: say exactly what to ask for. The denial was audited at sign-in. */
export default async function NoAccessPage() {
  const ctx = await currentCtx();
  if (ctx.actor.type !== "user") redirect("/signin");
  if (ctx.actor.roles.length > 0) redirect("/");
  return (
    <AuthFrame>
      <h1 className="text-xl font-semibold" data-testid="no-access">
        You don&apos;t have access yet
      </h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        You are signed in as <strong>{ctx.actor.upn}</strong>, but no CertifyClouds app role is assigned to you. Ask an
        administrator of your Microsoft Entra tenant to assign one of these app roles to your account (or to a group you
        belong to) on the CertifyClouds enterprise application:
      </p>
      <ul className="mt-4 space-y-2 text-sm">
        {ROLES.map((r) => (
          <li key={r} className="rounded-lg bg-slate-50 px-3 py-2 dark:bg-slate-800/60">
            <code className="font-mono text-xs font-semibold">{r}</code>
            <div className="text-xs text-muted">{WHAT[r]}</div>
          </li>
        ))}
      </ul>
      <p className="mt-4 text-xs text-muted">
        After the role is assigned, sign out and sign in again. This attempt has been recorded in the audit log.
      </p>
      <div className="mt-6">
        <SignOutButton className="btn-secondary w-full" />
      </div>
    </AuthFrame>
  );
}
