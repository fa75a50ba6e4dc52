// The local cloud: startCloud() boots every service on 127.0.0.1 and returns endpoints, the env for the app, a control
// object and stop(). See docs/local-cloud.md.
import http from "node:http";
import https from "node:https";
import net from "node:net";
import crypto from "node:crypto";
import { ensureCa } from "./ensure-ca.mjs";
import { Runtime, type DeepPartial, type FaultRule, type LatencyConfig, type ThrottlingConfig } from "./core";
import { generateEstate, type Estate, type EstateInput, type Identity, type VaultDef } from "./estate";
import { CloudState, type VaultRuntime } from "./state";
import { Control } from "./control";
import { createKvHandler } from "./services/keyvault";
import { createMiHandler } from "./services/mi";
import { createArmHandler } from "./services/arm";
import { createGraphHandler } from "./services/graph";
import { createAwsHandler } from "./services/aws";
import { createGcpHandler } from "./services/gcp";
import { createControlHandler } from "./services/control-http";

export { CANARY_PREFIX, CANARY_REGEX, ESTATES, generateEstate, materialiseVault, ROLE_DATA_ACTIONS } from "./estate";
export type { Estate, EstateInput, EstateSpec, EstateName, VaultDef, AppDef } from "./estate";
export type { FaultRule, LatencyConfig, ThrottlingConfig, LogEntry, ServiceName } from "./core";
export { DEFAULT_THROTTLING } from "./core";
export type { Control, VaultSummary, AddVaultInput } from "./control";
export { ensureCa } from "./ensure-ca.mjs";

export interface StartCloudOptions {
  /** named estate ('tiny' | 'demo' | 'large' | 'xl') or a spec (partial, with optional base) — default 'tiny' */
  estate?: EstateInput;
  /** 'now' the estate's expiry distribution is relative to (default: real now) */
  now?: Date | number;
  /** added delay per request (default none) */
  latency?: Partial<LatencyConfig>;
  /** documented Key Vault / ARM / Resource Graph / Graph limits; true (default) = on, false = off, or a partial config */
  throttling?: boolean | DeepPartial<ThrottlingConfig>;
  /** fault rules active from the start */
  faults?: FaultRule[];
  /** fixed ports: ARM=base, Graph=base+1, MI=base+2, AWS=base+3, GCP=base+4, control=base+5, vault i = base+100+i. Default: ephemeral */
  basePort?: number;
  /** request log capacity (ring buffer, default 2000; 0 disables the log — counters stay on) */
  logCapacity?: number;
  /** value the MI endpoint expects in X-IDENTITY-HEADER (default random) */
  identityHeader?: string;
  /** page sizes: ARM lists (default 100), Resource Graph (default 100; options.$top overrides), Graph (default 100; $top overrides) */
  pageSizes?: { arm?: number; rg?: number; graph?: number };
  /** how many unmodified vaults keep their materialised contents (LRU; evicted ones regenerate identically). Default 1500 */
  maxMaterialisedVaults?: number;
  /** where the CA lives (default <repo>/.data/local-cloud or $LOCAL_CLOUD_DATA_DIR) */
  dataDir?: string;
}

export interface CloudEndpoints {
  arm: string;
  resourceGraph: string;
  graph: string;
  identity: string;
  imds: string;
  aws: string;
  gcp: string;
  control: string;
  /** vault name → data-plane origin (https://127.0.0.1:port) */
  vaults: Record<string, string>;
}

export interface LocalCloud {
  endpoints: CloudEndpoints;
  /** environment for the app (exact names of the product contract) */
  env: Record<string, string>;
  control: Control;
  estate: Estate;
  ca: { caPath: string; caPem: string; bundlePath: string };
  stop(): Promise<void>;
}

type Tracked = { server: net.Server; sockets: Set<net.Socket> };

function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onErr = (e: Error) => reject(e);
    server.once("error", onErr);
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => {
      server.off("error", onErr);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function track(server: net.Server): Tracked {
  const sockets = new Set<net.Socket>();
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  return { server, sockets };
}

export async function startCloud(opts: StartCloudOptions = {}): Promise<LocalCloud> {
  const ca = ensureCa(opts.dataDir);
  const estate = generateEstate(opts.estate ?? "tiny", { now: opts.now });
  const rt = new Runtime(estate, {
    latency: opts.latency,
    throttling: opts.throttling,
    faults: opts.faults,
    logCapacity: opts.logCapacity,
  });
  const state = new CloudState(estate, rt);
  if (opts.maxMaterialisedVaults !== undefined) state.maxMaterialised = opts.maxMaterialisedVaults;
  const identities: Identity[] = [];
  const identityHeader = opts.identityHeader ?? crypto.randomBytes(16).toString("hex");
  const tls = { key: ca.keyPem, cert: ca.certPem };
  const base = opts.basePort ?? 0;
  const port = (off: number) => (base ? base + off : 0);
  const tracked: Tracked[] = [];
  let armOrigin = "",
    graphOrigin = "";

  const mk = (h: http.RequestListener, secure: boolean) => {
    const srv = secure
      ? https.createServer({ ...tls, keepAliveTimeout: 30_000 } as https.ServerOptions, h)
      : http.createServer({ keepAliveTimeout: 30_000 } as http.ServerOptions, h);
    tracked.push(track(srv));
    return srv;
  };
  const miPort = await listen(mk(createMiHandler(state, { identityHeader, identities }), false), port(2));
  const armPort = await listen(
    mk(
      createArmHandler(state, {
        origin: () => armOrigin,
        pageSize: opts.pageSizes?.arm ?? 100,
        rgPageSize: opts.pageSizes?.rg ?? 100,
      }),
      true,
    ),
    port(0),
  );
  armOrigin = `https://127.0.0.1:${armPort}`;
  const graphPort = await listen(
    mk(createGraphHandler(state, { origin: () => graphOrigin, pageSize: opts.pageSizes?.graph ?? 100 }), true),
    port(1),
  );
  graphOrigin = `https://127.0.0.1:${graphPort}`;
  const awsPort = await listen(mk(createAwsHandler(state), false), port(3));
  const gcpPort = await listen(mk(createGcpHandler(state), false), port(4));

  // Key Vault: one TLS/HTTP server, fed by one plain listener per vault (the vault is picked by the local port)
  const kvServer = https.createServer(
    { ...tls, keepAliveTimeout: 30_000 } as https.ServerOptions,
    createKvHandler(state),
  );
  const kvSockets = new Set<net.Socket>();
  const vaultListeners = new Map<VaultRuntime, net.Server>();
  const addVaultListener = async (def: VaultDef, p = 0): Promise<VaultRuntime> => {
    const l = net.createServer((sock) => {
      kvSockets.add(sock);
      sock.once("close", () => kvSockets.delete(sock));
      sock.setNoDelay(true);
      kvServer.emit("connection", sock);
    });
    const bound = await listen(l, p);
    const v = state.addVaultRuntime(def, bound);
    vaultListeners.set(v, l);
    return v;
  };
  const removeVaultListener = async (v: VaultRuntime) => {
    state.removeVaultRuntime(v.def.name);
    const l = vaultListeners.get(v);
    vaultListeners.delete(v);
    if (l) await new Promise<void>((r) => l.close(() => r()));
  };
  // bind vault listeners in parallel batches (xl has 5,000)
  for (let i = 0; i < estate.vaults.length; i += 256) {
    const batch = estate.vaults.slice(i, i + 256);
    const runtimes = await Promise.all(
      batch.map((d) => addVaultListener(structuredClone(d), base ? base + 100 + d.index : 0)),
    );
    void runtimes;
  }
  // keep state.vaults in estate order (parallel binding may reorder)
  state.vaults.sort((a, b) => a.def.index - b.def.index);

  // control.setDefenderPlan changes the estate's subscriptions: reset() puts the generated plans back
  const defenderPlans = estate.subscriptions.map((x) => x.defenderForKeyVault);
  const resetAll = () => {
    estate.subscriptions.forEach((x, i) => (x.defenderForKeyVault = defenderPlans[i]));
    for (const v of [...state.vaults]) {
      if (v.def.index >= 100000) {
        void removeVaultListener(v);
        continue;
      }
      v.def = structuredClone(estate.vaults[v.def.index]);
      state.forget(v);
    }
    state.resetNonVault();
    rt.resetCounters();
    rt.clearLog();
    rt.clearFaults();
    rt.resetThrottleState();
  };
  const control = new Control(state, rt, {
    addVaultListener: (d) => addVaultListener(d),
    removeVaultListener,
    identities,
    resetAll,
  });

  const info = () => ({ estate: estate.spec.name, endpoints: endpoints() });
  const controlPort = await listen(mk(createControlHandler(control, info), false), port(5));

  const endpoints = (): CloudEndpoints => ({
    arm: armOrigin,
    resourceGraph: armOrigin,
    graph: graphOrigin,
    identity: `http://127.0.0.1:${miPort}/msi/token`,
    imds: `http://127.0.0.1:${miPort}`,
    aws: `http://127.0.0.1:${awsPort}`,
    gcp: `http://127.0.0.1:${gcpPort}`,
    control: `http://127.0.0.1:${controlPort}`,
    vaults: Object.fromEntries(state.vaults.map((v) => [v.def.name, v.origin])),
  });
  const ep = endpoints();
  const env: Record<string, string> = {
    AZURE_CLOUD: "Custom",
    AZURE_ARM_ENDPOINT: ep.arm,
    AZURE_RESOURCE_GRAPH_ENDPOINT: ep.resourceGraph,
    AZURE_GRAPH_ENDPOINT: ep.graph,
    AZURE_AUTHORITY_HOST: ep.arm,
    AZURE_TENANT_ID: estate.tenantId,
    AZURE_KEYVAULT_ALLOW_LOOPBACK: "true",
    IDENTITY_ENDPOINT: ep.identity,
    IDENTITY_HEADER: identityHeader,
    AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential",
    AWS_SECRETS_MANAGER_ENDPOINT: ep.aws,
    AWS_REGION: estate.aws.region,
    AWS_ACCESS_KEY_ID: "AKIALOCALCLOUD000001",
    AWS_SECRET_ACCESS_KEY: "local-cloud-secret-access-key-not-verified",
    GCP_SECRET_MANAGER_ENDPOINT: ep.gcp,
    GCP_PROJECT_ID: estate.gcp.projectId,
    NODE_EXTRA_CA_CERTS: ca.bundlePath,
    LOCAL_CLOUD_CONTROL_URL: ep.control,
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const s of rt.hanging) s.destroy();
    const closes: Promise<void>[] = [];
    for (const t of tracked) {
      closes.push(new Promise((r) => t.server.close(() => r())));
      for (const s of t.sockets) s.destroy();
    }
    for (const l of vaultListeners.values()) closes.push(new Promise((r) => l.close(() => r())));
    for (const s of kvSockets) s.destroy();
    kvServer.close();
    await Promise.all(closes);
  };

  return {
    get endpoints() {
      return endpoints();
    },
    env,
    control,
    estate,
    ca: { caPath: ca.caPath, caPem: ca.caPem, bundlePath: ca.bundlePath },
    stop,
  };
}
