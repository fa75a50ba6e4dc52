import { portalLinks, type PortalLinks } from "@/lib/azure-portal";
import { getConfig } from "@/lib/config";

/** Portal links for this installation's cloud and tenant; null on a Custom cloud. */
export function consolePortal(): PortalLinks | null {
  const cfg = getConfig();
  return portalLinks(cfg.azure.cloud, cfg.azure.tenantId ?? cfg.auth.tenantId);
}

/** "Open in Azure portal ↗": a new tab on the thing's blade in the configured cloud's portal (none for Custom). */
export function PortalLink({ href, label = "Open in Azure portal" }: { href?: string | null; label?: string }) {
  if (!href) return null;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className="btn-secondary py-1.5" data-testid="portal-link">
      {label}
      <span aria-hidden="true">↗</span>
      <span className="sr-only"> (opens in a new tab)</span>
    </a>
  );
}
