/**
 * Which clicks on an anchor the console turns into a client-side navigation (see app/_components/client-navigation.tsx).
 * The rules are next/link's, applied to any page link of the console: a plain primary click on a same-origin page
 * address. Everything else keeps the browser's behaviour — a new tab or window (modifier keys, middle button, a
 * target), a download, a route handler under /api/ (exports, reports), a jump within the page (#content), another
 * site — as does a click some handler already took care of (defaultPrevented).
 */
export interface ClickFacts {
  button: number;
  metaKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  defaultPrevented: boolean;
}

export interface AnchorFacts {
  /** the anchor's resolved address (HTMLAnchorElement.href) */
  href: string;
  /** the target attribute, if any */
  target: string | null;
  hasDownload: boolean;
}

/** The address to push (path, query and hash), or null when the browser should handle the click. */
export function clientNavigationTarget(click: ClickFacts, anchor: AnchorFacts, current: URL): string | null {
  if (click.defaultPrevented || click.button !== 0) return null;
  if (click.metaKey || click.ctrlKey || click.shiftKey || click.altKey) return null;
  if (anchor.hasDownload || (anchor.target !== null && anchor.target !== "" && anchor.target !== "_self")) return null;
  let url: URL;
  try {
    url = new URL(anchor.href, current);
  } catch {
    return null;
  }
  // also refuses mailto:, javascript: and the like: their origin is "null"
  if (url.origin !== current.origin) return null;
  if (url.pathname === "/api" || url.pathname.startsWith("/api/")) return null;
  // Same page, only the fragment differs: the browser scrolls (the skip link), nothing to render.
  if (url.hash && url.pathname === current.pathname && url.search === current.search) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}
