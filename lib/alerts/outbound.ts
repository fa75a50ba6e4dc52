/**
 * The one way an alert leaves by HTTP: the target checked (scheme, every resolved address) and then connected to
 * the address that was checked (no second lookup a DNS rebinding could change), a timeout, no redirect followed, and
 * only a short excerpt of the response kept.
 */
import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { getConfig } from "../config";
import { addressRefusal, hostAllowed } from "./address-policy";

export const EXCERPT_CHARS = 200;

export interface OutboundResult {
  ok: boolean;
  status?: number;
  /** why it failed, short and free of the URL's secret parts */
  error?: string;
  /** whether trying again later may succeed */
  retryable: boolean;
  excerpt?: string;
}

export class OutboundRefused extends Error {}

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;
const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/** Checks `url` and returns the address to connect to; throws OutboundRefused with a reason a person can act on. */
export async function vetTarget(
  url: URL,
  resolve: Resolver = systemResolver,
): Promise<{ address: string; family: number }> {
  const cfg = getConfig();
  const allow = cfg.alerts.outboundAllow;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new OutboundRefused("only http(s) URLs are allowed");
  if (url.protocol === "http:" && cfg.env === "production" && !hostAllowed(host, allow))
    throw new OutboundRefused("HTTPS is required in production");
  if (url.username || url.password) throw new OutboundRefused("credentials in the URL are not allowed");
  return vetHost(host, resolve);
}

/**
 * The address policy for a host name or literal (webhooks, and the SMTP relay): every address it resolves to must be
 * allowed; returns the one to connect to, so the connection goes where the check looked (no second lookup to rebind).
 */
export async function vetHost(
  host: string,
  resolve: Resolver = systemResolver,
): Promise<{ address: string; family: number }> {
  const allow = getConfig().alerts.outboundAllow;
  const addrs = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolve(host);
  if (!addrs.length) throw new OutboundRefused(`${host} does not resolve`);
  for (const a of addrs) {
    const why = addressRefusal(host, a.address, allow);
    if (why) throw new OutboundRefused(why);
  }
  return addrs[0];
}

function excerpt(body: string): string {
  return body.replace(/\s+/g, " ").trim().slice(0, EXCERPT_CHARS);
}

export async function postJson(
  target: string,
  /** an object is sent as JSON; a string is sent as it is (a signed body must be the bytes that were signed) */
  body: unknown,
  headers: Record<string, string> = {},
  timeoutMs = getConfig().alerts.outboundTimeoutMs,
): Promise<OutboundResult> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return { ok: false, error: "not a valid URL", retryable: false };
  }
  let pinned: { address: string; family: number };
  try {
    pinned = await vetTarget(url);
  } catch (e) {
    if (e instanceof OutboundRefused) return { ok: false, error: `refused: ${e.message}`, retryable: false };
    return { ok: false, error: `${url.hostname} could not be resolved`, retryable: true };
  }
  const payload = Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  const pin: LookupFunction = (_h, opts, cb) => {
    if ((opts as { all?: boolean }).all) (cb as (e: null, a: unknown[]) => void)(null, [pinned]);
    else cb(null, pinned.address, pinned.family);
  };
  return new Promise<OutboundResult>((resolve) => {
    const req = (url.protocol === "https:" ? https : http).request(
      url,
      {
        method: "POST",
        lookup: pin,
        headers: { "content-type": "application/json", "content-length": String(payload.length), ...headers },
        timeout: timeoutMs,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          if (text.length < 4 * EXCERPT_CHARS) text += c;
        });
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const ex = excerpt(text);
          if (status >= 200 && status < 300) return resolve({ ok: true, status, retryable: false, excerpt: ex });
          if (status >= 300 && status < 400)
            return resolve({ ok: false, status, error: "redirect not followed", retryable: false, excerpt: ex });
          const retryable = status === 408 || status === 429 || status >= 500;
          resolve({ ok: false, status, error: `HTTP ${status}${ex ? `: ${ex}` : ""}`, retryable, excerpt: ex });
        });
        res.on("error", () =>
          resolve({ ok: false, status: res.statusCode, error: "response aborted", retryable: true }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e: NodeJS.ErrnoException) =>
      resolve({
        ok: false,
        error:
          e.message === "timeout" ? `no answer within ${timeoutMs} ms` : `connection failed (${e.code ?? "error"})`,
        retryable: true,
      }),
    );
    req.end(payload);
  });
}
