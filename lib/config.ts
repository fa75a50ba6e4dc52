/**
 * The only reader of process.env in the product. Every variable is validated with zod the first time
 * configuration is requested (instrumentation.ts does that at start-up), and a bad value fails fast with
 * a message naming the variable. Documented in README.md and .env.example.
 */
import path from "node:path";
import { AZURE_CLOUD_ENDPOINTS } from "./azure-clouds";
import { ConfigError } from "./config-error";
import { schema, type Raw } from "./config-schema";
import { ROLES } from "./roles";
import { decodeSecretKey, devSecretKey, devSecretKeyPath, readSecretKeyFile } from "./secret-key";

export { devSecretKeyPath, readSecretKeyFile };

/**
 * All clients together may use this many times one client's sign-in limit per window: far above what a team signs in
 * with, low enough that minting fresh browser cookies does not lift the brute-force bound (docs/adr/0004).
 */
const SIGNIN_GLOBAL_CEILING_FACTOR = 30;

export interface AppConfig {
  env: "production" | "development" | "demo" | "test";
  /** `next dev` needs 'unsafe-eval' in the CSP; nothing else depends on NODE_ENV. */
  devServer: boolean;
  appUrl: string;
  secureCookies: boolean;
  port: number;
  logLevel: Raw["LOG_LEVEL"];
  /** Throws when `secretKeySource` is "unavailable" (only with loadConfig's devKey: "read"). */
  secretKey: Buffer;
  secretKeySource: "env" | "generated-dev-key" | "unavailable";
  /** SECRET_KEY_PREVIOUS: opens what was sealed under the replaced key, until it is resealed (alerts' channel secrets). */
  previousSecretKey?: Buffer;
  /** Local state: the embedded database (by default) and, outside production, the generated key. */
  dataDir: string;
  database: { url?: string; poolMax: number; pgliteDir: string; autoMigrate: boolean };
  tenantDisplayName?: string;
  auth: {
    tenantId?: string;
    clientId?: string;
    clientSecret?: string;
    authorityHost: string;
    allowLoopbackAuthority: boolean;
    roleGroupMap: Record<string, (typeof ROLES)[number]>;
    sessionMaxAgeSeconds: number;
    sessionIdleTimeoutSeconds: number;
    /** Per client (browser, or address behind a trusted proxy); `globalMax` caps all clients together. */
    signinRateLimit: { max: number; windowSeconds: number; lockoutSeconds: number; globalMax: number };
    trustProxy: boolean;
  };
  azure: {
    cloud: Raw["AZURE_CLOUD"];
    armEndpoint: string;
    resourceGraphEndpoint: string;
    graphEndpoint: string;
    authorityHost: string;
    tenantId?: string;
    keyVaultAllowLoopback: boolean;
    /** a proxy variable is set: the scanner's Key Vault reader sends through Azure's proxy policy (ADR 0008) */
    proxyConfigured: boolean;
  };
  aws: { secretsManagerEndpoint?: string; region?: string };
  gcp: { secretManagerEndpoint?: string; projectId?: string };
  /** ADR 0007: the chain head's anchor, a Key Vault secret whose version history the database administrator cannot rewrite. */
  auditAnchor: { vaultUrl?: string; secretName: string };
  schedulerInProcess: boolean;
  /** lib/web/heap-policy.ts: percent past the live set the console's heap may grow (0: V8's own choice). */
  heapGrowingPercent: number;
  scheduler: { healthPort: number };
  /** The scan lease (see docs/discovery.md, "Resume after an interruption"). */
  scan: { leaseMs: number; heartbeatMs: number; maxInterruptions: number };
  rotation: { leaseMs: number };
  /** Alert channels' outbound requests (docs/alerts.md, "Outbound safety"). */
  alerts: { outboundAllow: string[]; outboundTimeoutMs: number };
  /** Set by `npm run demo` (tests/demo/run.ts); always empty outside APP_ENV=demo. */
  demo: { mailboxSmtpPort?: number };
}

export { ConfigError } from "./config-error";

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

export interface LoadOptions {
  /**
   * "create" (the application): without SECRET_KEY outside production, use the development key, generating it once.
   * "read" (tools that inspect an installation, e.g. audit:verify): use that key only if it exists, never create one;
   * without either the key is "unavailable".
   */
  devKey?: "create" | "read";
}

export function loadConfig(
  source: Record<string, string | undefined> = process.env,
  { devKey = "create" }: LoadOptions = {},
): AppConfig {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const r = parsed.data;
  const env =
    r.APP_ENV ?? (r.NODE_ENV === "production" ? "production" : r.NODE_ENV === "test" ? "test" : "development");
  const appUrl = (r.APP_URL ?? `http://localhost:${r.PORT}`).replace(/\/$/, "");

  let secretKey: Buffer | undefined;
  let secretKeySource: AppConfig["secretKeySource"] = "env";
  if (r.SECRET_KEY) {
    secretKey = decodeSecretKey(r.SECRET_KEY);
  } else if (devKey === "read") {
    secretKey = env === "production" ? undefined : readSecretKeyFile(devSecretKeyPath(r.DATA_DIR));
    secretKeySource = secretKey ? "generated-dev-key" : "unavailable";
  } else if (env === "production") {
    throw new ConfigError(
      "Invalid configuration:\n  SECRET_KEY: required in production (at least 32 random bytes, e.g. `openssl rand -base64 32`)",
    );
  } else {
    secretKey = devSecretKey(r.DATA_DIR);
    secretKeySource = "generated-dev-key";
  }

  let previousSecretKey: Buffer | undefined;
  if (r.SECRET_KEY_PREVIOUS) {
    try {
      previousSecretKey = decodeSecretKey(r.SECRET_KEY_PREVIOUS);
    } catch {
      throw new ConfigError(
        "Invalid configuration:\n  SECRET_KEY_PREVIOUS: must be a key as SECRET_KEY is (32+ random bytes)",
      );
    }
  }

  const authorityHost = r.ENTRA_AUTHORITY_HOST.replace(/\/$/, "");
  const allowLoopbackAuthority = r.ALLOW_LOOPBACK_AUTHORITY;
  if (isLoopbackHost(new URL(authorityHost).hostname) && env === "production" && !allowLoopbackAuthority) {
    throw new ConfigError(
      "Invalid configuration:\n  ENTRA_AUTHORITY_HOST: a loopback authority is refused in production; set ALLOW_LOOPBACK_AUTHORITY=true only for local development",
    );
  }
  if (env === "production" && (!r.ENTRA_TENANT_ID || !r.ENTRA_CLIENT_ID || !r.ENTRA_CLIENT_SECRET)) {
    const missing = ["ENTRA_TENANT_ID", "ENTRA_CLIENT_ID", "ENTRA_CLIENT_SECRET"].filter((k) => !source[k]);
    throw new ConfigError(
      `Invalid configuration:\n${missing.map((k) => `  ${k}: required in production (the Entra app registration used for sign-in)`).join("\n")}`,
    );
  }

  let cloud: { arm: string; graph: string; authority: string };
  if (r.AZURE_CLOUD === "Custom") {
    const missing = ["AZURE_ARM_ENDPOINT", "AZURE_GRAPH_ENDPOINT", "AZURE_AUTHORITY_HOST"].filter((k) => !source[k]);
    if (missing.length)
      throw new ConfigError(
        `Invalid configuration:\n${missing.map((k) => `  ${k}: required when AZURE_CLOUD=Custom`).join("\n")}`,
      );
    cloud = { arm: r.AZURE_ARM_ENDPOINT!, graph: r.AZURE_GRAPH_ENDPOINT!, authority: r.AZURE_AUTHORITY_HOST! };
  } else {
    const d = AZURE_CLOUD_ENDPOINTS[r.AZURE_CLOUD];
    cloud = {
      arm: r.AZURE_ARM_ENDPOINT ?? d.arm,
      graph: r.AZURE_GRAPH_ENDPOINT ?? d.graph,
      authority: r.AZURE_AUTHORITY_HOST ?? d.authority,
    };
  }
  const strip = (u: string) => u.replace(/\/$/, "");
  // Two renewals may fail before the lease lapses; a worker stops itself one heartbeat before it would.
  if (r.SCAN_HEARTBEAT_MS * 3 > r.SCAN_LEASE_MS)
    throw new ConfigError(
      `Invalid configuration:\n  SCAN_HEARTBEAT_MS: must be at most a third of SCAN_LEASE_MS (${r.SCAN_LEASE_MS} ms)`,
    );

  const config: Omit<AppConfig, "secretKey"> = {
    env,
    devServer: r.NODE_ENV === "development",
    appUrl,
    secureCookies: appUrl.startsWith("https://"),
    port: r.PORT,
    logLevel: r.LOG_LEVEL,
    secretKeySource,
    previousSecretKey,
    dataDir: r.DATA_DIR,
    database: {
      url: r.DATABASE_URL,
      poolMax: r.DATABASE_POOL_MAX,
      pgliteDir: r.PGLITE_DIR ?? path.join(r.DATA_DIR, "pglite"),
      autoMigrate: r.DB_AUTO_MIGRATE,
    },
    tenantDisplayName: r.TENANT_DISPLAY_NAME,
    auth: {
      tenantId: r.ENTRA_TENANT_ID,
      clientId: r.ENTRA_CLIENT_ID,
      clientSecret: r.ENTRA_CLIENT_SECRET,
      authorityHost,
      allowLoopbackAuthority,
      roleGroupMap: r.ROLE_GROUP_MAP,
      sessionMaxAgeSeconds: r.SESSION_MAX_AGE_MINUTES * 60,
      sessionIdleTimeoutSeconds: r.SESSION_IDLE_TIMEOUT_MINUTES * 60,
      signinRateLimit: {
        max: r.SIGNIN_RATE_LIMIT_MAX,
        windowSeconds: r.SIGNIN_RATE_LIMIT_WINDOW_SECONDS,
        lockoutSeconds: r.SIGNIN_LOCKOUT_SECONDS,
        globalMax: r.SIGNIN_RATE_LIMIT_MAX * SIGNIN_GLOBAL_CEILING_FACTOR,
      },
      trustProxy: r.TRUST_PROXY,
    },
    azure: {
      cloud: r.AZURE_CLOUD,
      armEndpoint: strip(cloud.arm),
      resourceGraphEndpoint: strip(r.AZURE_RESOURCE_GRAPH_ENDPOINT ?? cloud.arm),
      graphEndpoint: strip(cloud.graph),
      authorityHost: strip(cloud.authority),
      tenantId: r.AZURE_TENANT_ID,
      keyVaultAllowLoopback: r.AZURE_KEYVAULT_ALLOW_LOOPBACK,
      proxyConfigured: [r.HTTPS_PROXY, r.https_proxy, r.HTTP_PROXY, r.http_proxy, r.ALL_PROXY, r.all_proxy].some(
        Boolean,
      ),
    },
    aws: { secretsManagerEndpoint: r.AWS_SECRETS_MANAGER_ENDPOINT, region: r.AWS_REGION },
    gcp: { secretManagerEndpoint: r.GCP_SECRET_MANAGER_ENDPOINT, projectId: r.GCP_PROJECT_ID },
    auditAnchor: {
      vaultUrl: r.AUDIT_ANCHOR_VAULT_URL,
      secretName: r.AUDIT_ANCHOR_SECRET_NAME,
    },
    schedulerInProcess: r.SCHEDULER_IN_PROCESS,
    heapGrowingPercent: r.HEAP_GROWING_PERCENT,
    scheduler: { healthPort: r.SCHEDULER_HEALTH_PORT },
    scan: { leaseMs: r.SCAN_LEASE_MS, heartbeatMs: r.SCAN_HEARTBEAT_MS, maxInterruptions: r.SCAN_MAX_INTERRUPTIONS },
    rotation: { leaseMs: r.ROTATION_LEASE_MS },
    alerts: { outboundAllow: r.ALERTS_OUTBOUND_ALLOW, outboundTimeoutMs: r.ALERTS_OUTBOUND_TIMEOUT_MS },
    demo: { mailboxSmtpPort: env === "demo" && r.DEMO_MAILBOX_SMTP_PORT > 0 ? r.DEMO_MAILBOX_SMTP_PORT : undefined },
  };
  const key = secretKey;
  return Object.defineProperty(config, "secretKey", {
    enumerable: true,
    get: () => {
      if (!key) throw new ConfigError("SECRET_KEY is not available (not set, and no development key file)");
      return key;
    },
  }) as AppConfig;
}

let cached: AppConfig | undefined;

export function getConfig(): AppConfig {
  return cached ?? initConfig();
}

/** Loads the configuration once, with options; a tool that must not create the dev key calls this before anything. */
export function initConfig(options: LoadOptions = {}): AppConfig {
  cached = loadConfig(process.env, options);
  // next-auth 4 reads its public URL from NEXTAUTH_URL itself; APP_URL is the one variable operators set.
  process.env.NEXTAUTH_URL = cached.appUrl;
  return cached;
}

/** Tests change the environment between suites; production never calls this. */
export function resetConfigForTests(): void {
  cached = undefined;
}
