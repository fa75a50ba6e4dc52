/** The dashboard's exports: objects (the inventory), app credentials, vault posture and findings, each a CSV download. */
const EXPORTS = [
  { href: "/api/inventory/export", label: "Objects", hint: "secrets, certificates, keys" },
  { href: "/api/apps/export", label: "App credentials", hint: "client secrets and certificates" },
  { href: "/api/vaults/export", label: "Vault posture", hint: "access, network, protection" },
  { href: "/api/findings/export", label: "Findings", hint: "compliance rule results, evaluated now" },
] as const;

export function ExportMenu() {
  return (
    <details className="relative" data-testid="export-menu">
      <summary className="btn-secondary cursor-pointer list-none [&::-webkit-details-marker]:hidden">
        Export CSV <span aria-hidden="true">▾</span>
      </summary>
      <ul className="card absolute right-0 z-30 mt-1 w-64 p-1 text-sm">
        {EXPORTS.map((e) => (
          <li key={e.href}>
            <a href={e.href} download className="block rounded-md px-3 py-2 hover:bg-slate-100 dark:hover:bg-slate-800">
              <span className="font-medium">{e.label}</span>
              <span className="block text-xs text-muted">{e.hint}</span>
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}
