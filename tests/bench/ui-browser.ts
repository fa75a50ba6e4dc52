/**
 * What bench:ui needs a real browser for: the request a client-side navigation sends (captured from Chromium, so the
 * bench replays exactly what Next's router asks for), and what one page view costs the server in total (the document
 * and every request the page makes after it, prefetches included).
 */
import { chromium, type Browser, type BrowserContext } from "@playwright/test";
import { processCpuMs } from "./proc";

export interface NavRequest {
  url: string;
  headers: Record<string, string>;
}

export interface PageView {
  path: string;
  /** server CPU per view: the document and everything the page fetched until the network was idle */
  cpuMs: number;
  /** requests per view that the server renders or answers dynamically (not /_next/static, not the icon) */
  dynamicRequests: number;
  /** one view's dynamic requests, for the report when there is more than the document */
  requests: string[];
}

async function openConsole(appUrl: string, cookie: string): Promise<{ browser: Browser; context: BrowserContext }> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
  const context = await browser.newContext();
  const [name, ...value] = cookie.split("=");
  await context.addCookies([{ name, value: value.join("="), url: appUrl }]);
  return { browser, context };
}

/**
 * The RSC request Chromium sends when the navigation link `link` is clicked on `from`, for each pair. Its `_rsc` value
 * is a hash of the router headers, not of the address, so the same headers serve any query of the target page.
 */
export async function captureNavigations(
  appUrl: string,
  cookie: string,
  clicks: { from: string; link: string }[],
): Promise<NavRequest[]> {
  const { browser, context } = await openConsole(appUrl, cookie);
  try {
    const page = await context.newPage();
    const out: NavRequest[] = [];
    for (const { from, link } of clicks) {
      await page.goto(appUrl + from, { waitUntil: "networkidle" });
      const captured = page.waitForRequest((r) => r.headers()["rsc"] === "1" && !r.headers()["next-router-prefetch"]);
      await page.getByTestId("nav").getByRole("link", { name: link, exact: true }).click();
      const req = await captured;
      const headers = { ...req.headers() };
      delete headers["cookie"];
      out.push({ url: req.url(), headers });
    }
    return out;
  } finally {
    await browser.close();
  }
}

/** `path` (with its query) as the navigation `nav` would ask for it. */
export function navigationTo(appUrl: string, nav: NavRequest, path: string): NavRequest {
  const rsc = new URL(nav.url).searchParams.get("_rsc");
  if (!rsc) throw new Error(`captured navigation has no _rsc parameter: ${nav.url}`);
  const url = new URL(path, appUrl);
  url.searchParams.set("_rsc", rsc);
  return { url: url.toString(), headers: nav.headers };
}

const isStatic = (url: string) => /\/_next\/static\/|\/icon\.svg|\/favicon/.test(url);

/** Server CPU and dynamic requests per page view in Chromium, `views` sequential views of each path after a warm-up. */
export async function measurePageViews(
  appUrl: string,
  cookie: string,
  serverPid: number,
  paths: string[],
  views = 10,
): Promise<PageView[]> {
  const { browser, context } = await openConsole(appUrl, cookie);
  try {
    const page = await context.newPage();
    let seen: string[] = [];
    page.on("request", (r) => {
      if (!isStatic(r.url()))
        seen.push(`${r.headers()["next-router-prefetch"] ? "prefetch " : ""}${r.url().slice(appUrl.length)}`);
    });
    for (const p of paths) await page.goto(appUrl + p, { waitUntil: "networkidle" });
    const out: PageView[] = [];
    for (const p of paths) {
      let cpu = 0;
      let requests = 0;
      let last: string[] = [];
      for (let i = 0; i < views; i++) {
        seen = [];
        const before = processCpuMs(serverPid);
        await page.goto(appUrl + p, { waitUntil: "networkidle" });
        // the server may still be finishing a response the browser has already read
        await new Promise((r) => setTimeout(r, 200));
        cpu += processCpuMs(serverPid) - before;
        requests += seen.length;
        last = seen;
      }
      out.push({ path: p, cpuMs: cpu / views, dynamicRequests: requests / views, requests: last });
    }
    return out;
  } finally {
    await browser.close();
  }
}
