/**
 * How the scanner's Key Vault reads reach the network: one GET, the whole (small, JSON) body as text. undici directly
 * when no proxy is configured — a list page or metadata GET then costs a fraction of the CPU of the generated SDK
 * clients' pipeline, and ~30 % less than Node's https client (docs/adr/0008) — and Azure's core HTTP client with its
 * proxy policy when HTTPS_PROXY/HTTP_PROXY/ALL_PROXY is set, so a proxied estate behaves as it did with the SDKs.
 */
import { Agent, type Dispatcher } from "undici";
import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  proxyPolicy,
  type HttpClient,
  type Pipeline,
} from "@azure/core-rest-pipeline";
import { getConfig } from "../config";
import { sharedSecureContext } from "./lean-pipeline";

export interface RawResponse {
  status: number;
  /** header names in lower case */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Where a request goes: the vault's origin (`https://host[:port]`) and a path with its query. */
export interface Target {
  origin: string;
  hostname: string;
  port: string;
  path: string;
}

export type Transport = (
  to: Target,
  headers: Record<string, string>,
  signal: AbortSignal,
  connections?: Dispatcher,
) => Promise<RawResponse>;

/** A metadata response is a few KB; anything near this is not Key Vault talking. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

class ResponseTooLargeError extends Error {
  constructor() {
    super(`the response exceeded ${MAX_BODY_BYTES} bytes`);
    this.name = "ResponseTooLargeError";
  }
}

/** Requests without a vault's own connections (one-off reads, tests): one process-wide keep-alive agent. */
let shared: Agent | undefined;

const directTransport: Transport = async (to, headers, signal, connections) => {
  shared ??= vaultConnections(8);
  const res = await (connections ?? shared).request({
    origin: to.origin,
    path: to.path,
    method: "GET",
    headers,
    signal,
  });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of res.body as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > MAX_BODY_BYTES) throw new ResponseTooLargeError();
      chunks.push(c);
    }
  } catch (e) {
    res.body.destroy();
    throw e;
  }
  return {
    status: res.statusCode,
    headers: res.headers,
    body: chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8"),
  };
};

/**
 * A vault's own keep-alive connections (`connections` at most): the scanner closes them when the vault is done — a
 * shared pool would keep thousands of idle TLS sockets, one set per vault origin. One TLS context for all of them.
 */
export function vaultConnections(connections: number): Agent {
  return new Agent({ connections, connect: { secureContext: sharedSecureContext() } });
}

let proxied: { pipeline: Pipeline; client: HttpClient } | undefined;

const pipelineTransport: Transport = async (to, headers, signal) => {
  if (!proxied) {
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(proxyPolicy());
    proxied = { pipeline, client: createDefaultHttpClient() };
  }
  const req = createPipelineRequest({
    url: to.origin + to.path,
    method: "GET",
    headers: createHttpHeaders(headers),
    abortSignal: signal,
  });
  const res = await proxied.pipeline.sendRequest(proxied.client, req);
  const body = res.bodyAsText ?? "";
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new ResponseTooLargeError();
  return { status: res.status, headers: res.headers.toJSON({ preserveCase: false }), body };
};

export function vaultTransport(): Transport {
  return getConfig().azure.proxyConfigured ? pipelineTransport : directTransport;
}
