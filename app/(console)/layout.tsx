import { Link } from "@/app/_components/link";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { Logo } from "@/app/_components/logo";
import { NavLink } from "@/app/_components/nav-link";
import { SignOutButton } from "@/app/_components/sign-out-button";
import { ThemeToggle } from "@/app/_components/theme-toggle";
import { primaryRole, roleLabel, rolesGrant } from "@/lib/auth/permissions";
import { getConfig } from "@/lib/config";
import { THEME_COOKIE } from "@/lib/web/cookies";
import { currentCtx } from "@/lib/web/session";

/** The console shell: header with tenant and identity, navigation listing only the modules this role can use. */
export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const ctx = await currentCtx();
  if (ctx.actor.type !== "user") redirect("/signin");
  const { actor } = ctx;
  if (actor.roles.length === 0) redirect("/no-access");
  const cfg = getConfig();
  const role = primaryRole(actor.roles);
  const theme = ((await cookies()).get(THEME_COOKIE)?.value ?? "system") as "light" | "dark" | "system";
  const canRead = rolesGrant(actor.roles, "dashboard:read");
  const nav = [
    {
      href: "/",
      label: "Dashboard",
      icon: "M3 10.5 10 4l7 6.5V17a1 1 0 0 1-1 1h-4v-5H8v5H4a1 1 0 0 1-1-1v-6.5Z",
      show: canRead,
      exact: true,
    },
    {
      href: "/inventory",
      label: "Inventory",
      icon: "M4 5h12M4 10h12M4 15h12M2 5h.01M2 10h.01M2 15h.01",
      show: canRead,
    },
    {
      href: "/vaults",
      label: "Vaults",
      icon: "M4 3h12a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1Zm6 4a3 3 0 1 0 0 6 3 3 0 0 0 0-6Zm0 3h.01",
      show: canRead,
    },
    {
      href: "/apps",
      label: "App registrations",
      icon: "M10 3a3 3 0 1 1 0 6 3 3 0 0 1 0-6ZM4 17a6 6 0 0 1 12 0",
      show: canRead,
    },
    {
      href: "/compliance",
      label: "Compliance",
      icon: "M10 2 4 4.5v5c0 4 2.6 7.2 6 8.5 3.4-1.3 6-4.5 6-8.5v-5L10 2Zm-3 8 2 2 4-4",
      show: canRead,
    },
    { href: "/scans", label: "Scans", icon: "M3 10a7 7 0 1 0 2-4.9M3 3v3.5h3.5M10 6.5V10l2.5 2", show: canRead },
    {
      href: "/rotations",
      label: "Rotations",
      icon: "M4 10a6 6 0 0 1 10.5-4M16 10a6 6 0 0 1-10.5 4M14 3v3h-3M6 17v-3h3",
      show: canRead,
    },
    {
      href: "/alerts",
      label: "Alerts",
      icon: "M10 3a5 5 0 0 0-5 5v3l-1.5 3h13L15 11V8a5 5 0 0 0-5-5Zm-2 14a2 2 0 0 0 4 0",
      show: rolesGrant(actor.roles, "alerts:write"),
    },
    {
      href: "/audit",
      label: "Audit log",
      icon: "M6 3h8l3 3v11a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1Zm2 6h6M8 12h6M8 15h4",
      show: rolesGrant(actor.roles, "audit:read"),
    },
    {
      href: "/reports",
      label: "Reports",
      icon: "M5 3h7l4 4v10a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1Zm7 0v4h4M7 11h6M7 14h6",
      show: rolesGrant(actor.roles, "evidence:export"),
    },
    {
      href: "/settings",
      label: "Settings",
      icon: "M10 7a3 3 0 1 0 0 6 3 3 0 0 0 0-6Zm7 3-1.6-.6a5.6 5.6 0 0 0-.5-1.2l.7-1.5-1.4-1.4-1.5.7a5.6 5.6 0 0 0-1.2-.5L11 3H9l-.6 1.6c-.4.1-.8.3-1.2.5l-1.5-.7-1.4 1.4.7 1.5c-.2.4-.4.8-.5 1.2L3 9v2l1.6.6c.1.4.3.8.5 1.2l-.7 1.5 1.4 1.4 1.5-.7c.4.2.8.4 1.2.5L9 17h2l.6-1.6c.4-.1.8-.3 1.2-.5l1.5.7 1.4-1.4-.7-1.5c.2-.4.4-.8.5-1.2L17 11v-2Z",
      show: true,
    },
  ].filter((n) => n.show);

  return (
    <div className="flex min-h-screen flex-col">
      <a href="#content" className="skip-link">
        Skip to content
      </a>
      <header className="sticky top-0 z-20 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-950/90">
        <div className="flex h-14 items-center gap-4 px-4 sm:px-6">
          <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
            <Logo />
            <span className="hidden sm:inline">CertifyClouds</span>
          </Link>
          <span className="hidden h-6 w-px bg-slate-200 dark:bg-slate-800 md:block" />
          <div className="hidden min-w-0 md:block" data-testid="tenant">
            <div className="truncate text-sm font-medium">{cfg.tenantDisplayName ?? "Entra tenant"}</div>
            <div className="truncate font-mono text-[11px] text-muted">{cfg.auth.tenantId ?? "not configured"}</div>
          </div>
          <div className="ml-auto flex items-center gap-2 sm:gap-3">
            <ThemeToggle initial={theme} />
            <div className="hidden text-right sm:block" data-testid="identity">
              <div className="text-sm font-medium leading-tight">{actor.name}</div>
              <div className="text-xs leading-tight text-muted">{actor.upn}</div>
            </div>
            <span
              className="badge bg-brand-50 text-brand-700 ring-1 ring-brand-100 dark:bg-brand-500/15 dark:text-blue-300 dark:ring-brand-500/30"
              data-testid="role-badge"
            >
              {roleLabel(role)}
            </span>
            <SignOutButton className="btn-secondary hidden py-1.5 sm:inline-flex" />
          </div>
        </div>
      </header>
      <div className="flex flex-1 flex-col md:flex-row">
        <nav
          aria-label="Main"
          className="border-b border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-950 md:w-56 md:shrink-0 md:border-b-0 md:border-r md:py-4"
        >
          <ul className="flex gap-1 overflow-x-auto md:flex-col" data-testid="nav">
            {nav.map((n) => (
              <li key={n.href}>
                <NavLink href={n.href} exact={n.exact}>
                  <svg
                    viewBox="0 0 20 20"
                    className="h-4.5 w-4.5 shrink-0"
                    fill="none"
                    stroke="currentColor"
                    strokeWidth="1.5"
                    strokeLinejoin="round"
                    strokeLinecap="round"
                    aria-hidden="true"
                  >
                    <path d={n.icon} />
                  </svg>
                  {n.label}
                </NavLink>
              </li>
            ))}
            <li className="sm:hidden">
              <SignOutButton className="btn-secondary py-1.5" />
            </li>
          </ul>
        </nav>
        <main id="content" tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 focus:outline-none sm:px-8">
          {children}
        </main>
      </div>
    </div>
  );
}
