/**
 * How the scanner's Key Vault reads reach the network: one GET, the whole (small, JSON) body as text. Node's https
 * client directly when no proxy is configured — a list page or metadata GET then costs a third of the CPU of the
 * generated SDK clients' pipeline (docs/adr/0008) — and Azure's core HTTP client with its proxy policy when
 * HTTPS_PROXY/HTTP_PROXY/ALL_PROXY is set, so a proxied estate behaves as it did with the SDKs.
 */
import https from "node:https";
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
  agent?: https.Agent,
) => Promise<RawResponse>;

/** A metadata response is a few KB; anything near this is not Key Vault talking. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A connection that closed before the whole response arrived: retried like any reset. */
class TruncatedResponseError extends Error {
  readonly code = "ECONNRESET";
  constructor() {
    super("the connection closed before the response was complete");
    this.name = "TruncatedResponseError";
  }
}

class ResponseTooLargeError extends Error {
  constructor() {
    super(`the response exceeded ${MAX_BODY_BYTES} bytes`);
    this.name = "ResponseTooLargeError";
  }
}

const nodeTransport: Transport = (to, headers, signal, agent) =>
  new Promise<RawResponse>((resolve, reject) => {
    const req = https.request(
      { hostname: to.hostname, port: to.port, path: to.path, method: "GET", headers, agent, signal },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) res.destroy(new ResponseTooLargeError());
          else chunks.push(c);
        });
        res.on("error", reject);
        res.on("end", () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8"),
          });
        });
        res.on("close", () => {
          if (!res.complete) reject(new TruncatedResponseError());
        });
      },
    );
    req.on("error", reject);
    req.end();
  });

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
  return getConfig().azure.proxyConfigured ? pipelineTransport : nodeTransport;
}
