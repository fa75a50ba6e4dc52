import type { AnchorHTMLAttributes } from "react";

/**
 * The console's link: a plain anchor. A click on it navigates client-side through the one document listener that
 * ClientNavigation (root layout) installs — one RSC request, the shared layout not rendered again — and it never
 * prefetches: every console page is dynamic and per user, so a prefetch renders the linked page on the server for a
 * click that mostly never comes (one inventory view once cost 14 extra page renders; docs/benchmarks.md, "What a page
 * view costs"). Being a plain element, it renders in server and client components alike at the cost of an <a>.
 */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  return <a {...props} />;
}
