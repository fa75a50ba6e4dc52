import NextLink from "next/link";
import type { ComponentProps } from "react";

/**
 * The console's link: next/link without prefetch. Every console page is dynamic and per user, so a prefetch renders
 * the linked page on the server for a click that mostly never comes; with prefetch on, one inventory view cost 14
 * extra page renders, 8-9x the page itself (docs/benchmarks.md, "What a page view costs"). A click still navigates
 * client-side: one RSC request, the shared layout is not rendered again.
 */
export function Link(props: Omit<ComponentProps<typeof NextLink>, "prefetch">) {
  return <NextLink {...props} prefetch={false} />;
}
