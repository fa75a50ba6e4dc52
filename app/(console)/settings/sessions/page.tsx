import Link from "next/link";
import { PageHeader } from "@/app/_components/page-header";
import { formatDateTime, formatRelative } from "@/app/_components/format";
import { listActiveSessions } from "@/lib/auth/session-store";
import { requirePage } from "@/lib/web/page-guard";
import { RevokeButton } from "./_components/revoke-button";

export const metadata = { title: "Sessions" };

function describeAgent(ua: string | null): string {
  if (!ua) return "Unknown client";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Chrome\//.test(ua)
      ? "Chrome"
      : /Firefox\//.test(ua)
        ? "Firefox"
        : /Safari\//.test(ua)
          ? "Safari"
          : "Browser";
  const os = /Windows/.test(ua)
    ? "Windows"
    : /Mac OS X/.test(ua)
      ? "macOS"
      : /Linux/.test(ua)
        ? "Linux"
        : /Android|iPhone/.test(ua)
          ? "Mobile"
          : "";
  return os ? `${browser} on ${os}` : browser;
}

export default async function SessionsPage() {
  const ctx = await requirePage("sessions:manage", "/settings/sessions");
  const sessions = await listActiveSessions(ctx);
  return (
    <>
      <nav className="mb-2 text-sm text-slate-500" aria-label="Breadcrumb">
        <Link href="/settings" className="hover:underline">
          Settings
        </Link>{" "}
        / Sessions
      </nav>
      <PageHeader
        title="Active sessions"
        description="Everyone signed in to this console. Revoking a session signs that browser out on its next request; the revocation is audited."
      />
      <div className="card overflow-x-auto">
        <table className="table" data-testid="sessions-table">
          <thead>
            <tr>
              <th>User</th>
              <th>Client</th>
              <th>Signed in</th>
              <th>Last active</th>
              <th>Ends</th>
              <th className="text-right">Action</th>
            </tr>
          </thead>
          <tbody>
            {sessions.length === 0 && (
              <tr>
                <td colSpan={6} className="py-10 text-center text-slate-500">
                  No active sessions.
                </td>
              </tr>
            )}
            {sessions.map((s) => {
              const current = s.id === ctx.actor.sessionId;
              const own = s.userOid === ctx.actor.oid;
              return (
                <tr key={s.id} data-testid="session-row" data-upn={s.upn}>
                  <td>
                    <div className="font-medium">
                      {s.name}{" "}
                      {current ? (
                        <span className="badge ml-1 bg-brand-50 text-brand-700 dark:bg-brand-500/15 dark:text-blue-300">
                          this session
                        </span>
                      ) : (
                        own && (
                          <span className="badge ml-1 bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                            you, elsewhere
                          </span>
                        )
                      )}
                    </div>
                    <div className="text-xs text-slate-500">
                      {s.upn} · {s.roles.map((r) => r.replace("CertifyClouds.", "")).join(", ") || "no role"}
                    </div>
                  </td>
                  <td>
                    <div>{describeAgent(s.userAgent)}</div>
                    <div className="text-xs text-slate-500">{s.ip ?? "unknown address"}</div>
                  </td>
                  <td className="whitespace-nowrap">{formatDateTime(s.createdAt)}</td>
                  <td className="whitespace-nowrap">{formatRelative(s.lastSeenAt)}</td>
                  <td className="whitespace-nowrap">{formatDateTime(s.expires)}</td>
                  <td className="text-right">
                    <RevokeButton sessionId={s.id} own={current} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
