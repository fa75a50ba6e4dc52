import { DataTable, type Column } from "@/app/_components/data-table";
import { formatDateTime, formatRelative } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { listActiveSessions, type ActiveSession } from "@/lib/auth/session-store";
import { requirePage } from "@/lib/web/page-guard";
import { Breadcrumb } from "../../_components/detail";
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
      <Breadcrumb items={[{ href: "/settings", label: "Settings" }, { label: "Sessions" }]} />
      <PageHeader
        title="Active sessions"
        description="Everyone signed in to this console. Revoking a session signs that browser out on its next request; the revocation is audited."
      />
      <DataTable
        label="Active sessions"
        testId="sessions-table"
        columns={sessionColumns(ctx.actor)}
        rows={sessions}
        rowKey={(s) => s.id}
        rowAttributes={(s) => ({ "data-testid": "session-row", "data-upn": s.upn })}
        empty="No active sessions."
      />
    </>
  );
}

function sessionColumns(me: { sessionId?: string; oid: string }): Column<ActiveSession>[] {
  return [
    {
      header: "User",
      cell: (s) => (
        <div className="font-medium">
          {s.name} <SessionBadge current={s.id === me.sessionId} own={s.userOid === me.oid} />
        </div>
      ),
      detail: (s) => `${s.upn} · ${s.roles.map((r) => r.replace("CertifyClouds.", "")).join(", ") || "no role"}`,
    },
    { header: "Client", cell: (s) => describeAgent(s.userAgent), detail: (s) => s.ip ?? "unknown address" },
    { header: "Signed in", className: "whitespace-nowrap", cell: (s) => formatDateTime(s.createdAt) },
    { header: "Last active", className: "whitespace-nowrap", cell: (s) => formatRelative(s.lastSeenAt) },
    { header: "Ends", className: "whitespace-nowrap", cell: (s) => formatDateTime(s.expires) },
    {
      header: "Action",
      align: "right",
      cell: (s) => <RevokeButton sessionId={s.id} own={s.id === me.sessionId} />,
    },
  ];
}

/** Marks the admin's own sessions: revoking "this session" signs them out. */
function SessionBadge({ current, own }: { current: boolean; own: boolean }) {
  if (current)
    return (
      <span className="badge ml-1 bg-brand-50 text-brand-700 dark:bg-brand-500/15 dark:text-blue-300">
        this session
      </span>
    );
  if (own)
    return (
      <span className="badge ml-1 bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300">
        you, elsewhere
      </span>
    );
  return null;
}
