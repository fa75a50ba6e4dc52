"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { clientNavigationTarget } from "@/lib/web/client-navigation";

/**
 * One click listener for the whole document: a plain click on a console link navigates client-side (one RSC request,
 * the shared layout is not rendered again), as next/link would, without a next/link instance per anchor. The inventory's
 * 50 rows carry 200 links; as next/link components they cost ~1.4 ms of server CPU per document, and each was hydrated
 * in the browser (docs/benchmarks.md, "Links as plain anchors"). Rendered once, in the root layout.
 */
export function ClientNavigation() {
  const router = useRouter();
  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      const anchor = e.target instanceof Element ? e.target.closest("a[href]") : null;
      if (!(anchor instanceof HTMLAnchorElement)) return;
      const to = clientNavigationTarget(
        e,
        { href: anchor.href, target: anchor.getAttribute("target"), hasDownload: anchor.hasAttribute("download") },
        new URL(window.location.href),
      );
      if (to === null) return;
      e.preventDefault();
      router.push(to);
    };
    document.addEventListener("click", onClick);
    return () => document.removeEventListener("click", onClick);
  }, [router]);
  return null;
}
