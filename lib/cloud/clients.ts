/**
 * Credential and client factories. Endpoints come from config so the same code runs against Azure and the local cloud.
 * Every SDK's own retry is set to zero: lib/cloud/retry.ts is the one policy (per page / per call).
 */
import https from "node:https";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type PipelinePolicy,
} from "@azure/core-rest-pipeline";
import { SecretClient } from "@azure/keyvault-secrets";
import { CertificateClient } from "@azure/keyvault-certificates";
import { KeyClient } from "@azure/keyvault-keys";
import { Client as GraphClient } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials";
import { getConfig, isLoopbackHost, type AppConfig } from "../config";
import { httpErrorFromBody, registerErrorBodyLookup } from "./errors";
import { leanPipeline, sharedSecureContext } from "./lean-pipeline";
import { cachingCredential } from "./token-cache";

const NO_SDK_RETRY = { maxRetries: 0 } as const;

/**
 * Error bodies of failed data-plane requests, keyed by request. The Key Vault paging helpers throw
 * "Pagination failed with unexpected statusCode 403" without the body, and the body is what tells a firewall denial
 * (ForbiddenByFirewall) from a missing permission. Only error responses (4xx/5xx) are kept, and only their error object.
 */
const errorBodies = new WeakMap<object, string>();

export function errorBodyFor(request: unknown): string | undefined {
  return request && typeof request === "object" ? errorBodies.get(request) : undefined;
}

registerErrorBodyLookup(errorBodyFor);

const captureErrorBody: PipelinePolicy = {
  name: "certifycloudsCaptureErrorBody",
  async sendRequest(req, next) {
    const res = await next(req);
    if (res.status >= 400 && res.bodyAsText) {
      try {
        const b = JSON.parse(res.bodyAsText) as { error?: unknown };
        if (b.error) errorBodies.set(req, JSON.stringify({ error: b.error }).slice(0, 4000));
      } catch {
        /* not JSON */
      }
    }
    return res;
  },
};
const USER_AGENT = { userAgentPrefix: "CertifyClouds-discovery" };

interface Factory {
  cfg: AppConfig["azure"];
  credential: TokenCredential;
  armScope: string;
  graphScope: string;
  httpClient: HttpClient;
  armPipeline?: Pipeline;
  graph?: GraphClient;
  rg?: ResourceGraphClient;
}

let current: { config: AppConfig; f: Factory } | undefined;

function factory(): Factory {
  const config = getConfig();
  if (current?.config === config) return current.f;
  const cfg = config.azure;
  const custom = cfg.cloud === "Custom";
  const f: Factory = {
    cfg,
    // DefaultAzureCredential honours AZURE_TOKEN_CREDENTIALS, IDENTITY_ENDPOINT/IDENTITY_HEADER, workload identity … itself.
    credential: cachingCredential(
      new DefaultAzureCredential(
        cfg.tenantId
          ? { tenantId: cfg.tenantId, authorityHost: cfg.authorityHost }
          : { authorityHost: cfg.authorityHost },
      ),
    ),
    armScope: custom ? "https://management.azure.com/.default" : `${cfg.armEndpoint}/.default`,
    graphScope: custom ? "https://graph.microsoft.com/.default" : `${cfg.graphEndpoint}/.default`,
    httpClient: createDefaultHttpClient(),
  };
  current = { config, f };
  return f;
}

export function getCredential(): TokenCredential {
  return factory().credential;
}

export function azureConfig(): AppConfig["azure"] {
  return factory().cfg;
}

/** Key Vault Management (ARM) client for one subscription. */
export function keyVaultManagementClient(subscriptionId: string): KeyVaultManagementClient {
  const f = factory();
  return new KeyVaultManagementClient(f.credential, subscriptionId, {
    endpoint: f.cfg.armEndpoint,
    credentials: { scopes: [f.armScope] },
    httpClient: f.httpClient,
    retryOptions: NO_SDK_RETRY,
    userAgentOptions: USER_AGENT,
  });
}

/** Resource Graph (ms-rest-js generation): its own retry policies (incl. the ~30 s 5xx wait) are disabled. */
export function resourceGraphClient(): ResourceGraphClient {
  const f = factory();
  f.rg ??= new ResourceGraphClient(f.credential, {
    baseUri: f.cfg.resourceGraphEndpoint,
    noRetryPolicy: true,
    longRunningOperationRetryTimeout: 0,
  });
  return f.rg;
}

/**
 * A vault's own keep-alive agent: its secrets/certificates/keys clients share connections, and the scanner destroys the
 * agent when the vault is done (a shared agent would keep thousands of idle TLS sockets — one set per vault origin).
 */
export function vaultAgent(maxSockets: number): https.Agent {
  return new https.Agent({
    keepAlive: true,
    maxSockets,
    maxFreeSockets: maxSockets,
    secureContext: sharedSecureContext(),
  });
}

/** Skip the challenge-resource check only for loopback vault hosts and only when the loopback switch is on. */
export function keyVaultClientOptions(vaultUri: string) {
  const f = factory();
  const host = new URL(vaultUri).hostname;
  const loopback = f.cfg.keyVaultAllowLoopback && isLoopbackHost(host);
  return {
    httpClient: f.httpClient,
    retryOptions: NO_SDK_RETRY,
    userAgentOptions: USER_AGENT,
    additionalPolicies: [{ policy: captureErrorBody, position: "perCall" as const }],
    ...(loopback ? { disableChallengeResourceVerification: true } : {}),
  };
}

export interface KeyVaultClients {
  secrets: SecretClient;
  certificates: CertificateClient;
  keys: KeyClient;
}

/**
 * The SDK clients of one vault, for rotation and certificate renewal (the writes; the scanner reads through
 * VaultReader). Cached per vault URI: a client learns the vault's challenge on its first request and keeps its token.
 */
const KV_CLIENT_CACHE_MAX = 1000;
const kvClientCache = new Map<string, { clients: KeyVaultClients; config: AppConfig }>();

export function keyVaultClients(vaultUri: string): KeyVaultClients {
  const f = factory();
  const config = current!.config;
  let hit = kvClientCache.get(vaultUri);
  if (hit && hit.config !== config) {
    kvClientCache.delete(vaultUri);
    hit = undefined;
  }
  if (!hit) {
    const o = keyVaultClientOptions(vaultUri);
    hit = {
      clients: {
        secrets: leanPipeline(new SecretClient(vaultUri, f.credential, o)),
        certificates: leanPipeline(new CertificateClient(vaultUri, f.credential, o)),
        keys: leanPipeline(new KeyClient(vaultUri, f.credential, o)),
      },
      config,
    };
    if (kvClientCache.size < KV_CLIENT_CACHE_MAX) kvClientCache.set(vaultUri, hit);
  }
  return hit.clients;
}

/** Microsoft Graph client; the product's retry replaces Graph's RetryHandler per request (see graph.ts). */
export function graphClient(): GraphClient {
  const f = factory();
  if (!f.graph) {
    const host = new URL(f.cfg.graphEndpoint).hostname;
    f.graph = GraphClient.initWithMiddleware({
      authProvider: new TokenCredentialAuthenticationProvider(f.credential, { scopes: [f.graphScope] }),
      baseUrl: f.cfg.graphEndpoint,
      defaultVersion: "v1.0",
      ...(f.cfg.cloud === "Custom" || isLoopbackHost(host) ? { customHosts: new Set([host]) } : {}),
    });
  }
  return f.graph;
}

function armPipeline(): Pipeline {
  const f = factory();
  if (!f.armPipeline) {
    const p = createPipelineFromOptions({ retryOptions: NO_SDK_RETRY, userAgentOptions: USER_AGENT });
    p.addPolicy(bearerTokenAuthenticationPolicy({ credential: f.credential, scopes: [f.armScope] }));
    f.armPipeline = p;
  }
  return f.armPipeline;
}

/** GET an ARM path (or absolute nextLink) and return parsed JSON; non-2xx → HttpError. */
export function armGetJson<T = unknown>(pathOrUrl: string, signal?: AbortSignal): Promise<T> {
  return armJson<T>("GET", pathOrUrl, signal);
}

/** POST without a body (ARM's `…/list` actions) and return parsed JSON; non-2xx → HttpError. */
export function armPostJson<T = unknown>(path: string, signal?: AbortSignal): Promise<T> {
  return armJson<T>("POST", path, signal);
}

/**
 * PUT or PATCH a JSON body (rotation's reference updates: the only ARM writes). The body may carry app settings'
 * values; it is sent and dropped, and an error keeps only ARM's code and message.
 */
export function armWriteJson<T = unknown>(
  method: "PUT" | "PATCH",
  path: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<T> {
  return armJson<T>(method, path, signal, JSON.stringify(body));
}

async function armJson<T>(
  method: "GET" | "POST" | "PUT" | "PATCH",
  pathOrUrl: string,
  signal?: AbortSignal,
  body?: string,
): Promise<T> {
  const f = factory();
  const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${f.cfg.armEndpoint}${pathOrUrl}`;
  const req = createPipelineRequest({ url, method, abortSignal: signal, body });
  if (body !== undefined) req.headers.set("content-type", "application/json");
  const res = await armPipeline().sendRequest(f.httpClient, req);
  const text = res.bodyAsText ?? "";
  if (res.status >= 400) throw httpErrorFromBody("ARM", res.status, text, res.headers.toJSON());
  return (text ? JSON.parse(text) : {}) as T;
}
