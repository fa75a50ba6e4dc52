/**
 * The only reader of process.env in the product. Every variable is validated with zod the first time
 * configuration is requested (instrumentation.ts does that at start-up), and a bad value fails fast with
 * a message naming the variable. Documented in README.md and .env.example.
 */
import path from "node:path";
import { z } from "zod";
import { AZURE_CLOUD_ENDPOINTS } from "./azure-clouds";
import { ConfigError } from "./config-error";
import { ROLES } from "./roles";
import { decodeSecretKey, devSecretKey, devSecretKeyPath, readSecretKeyFile } from "./secret-key";

export { devSecretKeyPath, readSecretKeyFile };

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "true" || v === "1" || v === "yes"));

const int = (fallback: number, min: number, max: number) =>
  z.coerce
    .number()
    .int()
    .min(min)
    .max(max)
    .optional()
    .transform((v) => v ?? fallback);

const url = z.string().url();

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).optional(),
  /** production refuses dev-only conveniences; demo and development allow a generated SECRET_KEY. */
  APP_ENV: z.enum(["production", "development", "demo", "test"]).optional(),
  APP_URL: url.optional(),
  PORT: int(3000, 1, 65535),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional().default("info"),
  SECRET_KEY: z.string().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DATABASE_POOL_MAX: int(10, 1, 200),
  /** Where local state lives (embedded database, generated dev key); `npm start` pins it to the checkout's .data. */
  DATA_DIR: z.string().optional().default(".data"),
  PGLITE_DIR: z.string().optional(),
  DB_AUTO_MIGRATE: bool(true),

  /** Shown in the console header; defaults to the tenant id. */
  TENANT_DISPLAY_NAME: z.string().max(100).optional(),
  ENTRA_TENANT_ID: z.string().min(1).optional(),
  ENTRA_CLIENT_ID: z.string().min(1).optional(),
  ENTRA_CLIENT_SECRET: z.string().min(1).optional(),
  ENTRA_AUTHORITY_HOST: url.optional().default("https://login.microsoftonline.com"),
  /** Development flag: permit an authority on loopback (the local identity provider). Refused in production otherwise. */
  ALLOW_LOOPBACK_AUTHORITY: bool(false),
  /** JSON object: Entra group object id → app role name. */
  ROLE_GROUP_MAP: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return {} as Record<string, (typeof ROLES)[number]>;
      try {
        const map = z.record(z.guid(), z.enum(ROLES)).parse(JSON.parse(s));
        // Entra sends group object ids in lower case.
        return Object.fromEntries(Object.entries(map).map(([k, v]) => [k.toLowerCase(), v]));
      } catch {
        ctx.addIssue({
          code: "custom",
          message: `must be JSON like {"<group-object-id>":"CertifyClouds.Viewer"} with roles ${ROLES.join(", ")}`,
        });
        return z.NEVER;
      }
    }),

  SESSION_MAX_AGE_MINUTES: int(480, 5, 60 * 24 * 30),
  SESSION_IDLE_TIMEOUT_MINUTES: int(30, 1, 60 * 24),
  SIGNIN_RATE_LIMIT_MAX: int(10, 1, 10_000),
  SIGNIN_RATE_LIMIT_WINDOW_SECONDS: int(300, 1, 86_400),
  SIGNIN_LOCKOUT_SECONDS: int(900, 1, 86_400),
  /** Trust X-Forwarded-For / X-Forwarded-Proto from a reverse proxy (Container Apps ingress, App Gateway). */
  TRUST_PROXY: bool(false),

  AZURE_CLOUD: z.enum(["AzurePublic", "AzureUSGovernment", "AzureChina", "Custom"]).optional().default("AzurePublic"),
  AZURE_ARM_ENDPOINT: url.optional(),
  AZURE_RESOURCE_GRAPH_ENDPOINT: url.optional(),
  AZURE_GRAPH_ENDPOINT: url.optional(),
  AZURE_AUTHORITY_HOST: url.optional(),
  AZURE_TENANT_ID: z.string().optional(),
  /** Loopback-only switch: skip the Key Vault challenge-resource check for vaults on 127.0.0.0/8 (the local cloud). */
  AZURE_KEYVAULT_ALLOW_LOOPBACK: bool(false),
  AWS_SECRETS_MANAGER_ENDPOINT: url.optional(),
  AWS_REGION: z.string().optional(),
  GCP_SECRET_MANAGER_ENDPOINT: url.optional(),
  GCP_PROJECT_ID: z.string().optional(),

  SCHEDULER_IN_PROCESS: bool(false),
  /** The standalone scheduler's /healthz port. */
  SCHEDULER_HEALTH_PORT: int(8081, 0, 65535),
  /** The scan lease: its length, how often it is renewed, how many interruptions a scan survives (docs/discovery.md). */
  SCAN_LEASE_MS: int(30_000, 1_000, 600_000),
  SCAN_HEARTBEAT_MS: int(2_000, 100, 60_000),
  SCAN_MAX_INTERRUPTIONS: int(3, 0, 100),
});

/**
 * All clients together may use this many times one client's sign-in limit per window: far above what a team signs in
 * with, low enough that minting fresh browser cookies does not lift the brute-force bound (docs/adr/0004).
 */
const SIGNIN_GLOBAL_CEILING_FACTOR = 30;

type Raw = z.infer<typeof schema>;

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
  };
  aws: { secretsManagerEndpoint?: string; region?: string };
  gcp: { secretManagerEndpoint?: string; projectId?: string };
  schedulerInProcess: boolean;
  scheduler: { healthPort: number };
  /** The scan lease (see docs/discovery.md, "Resume after an interruption"). */
  scan: { leaseMs: number; heartbeatMs: number; maxInterruptions: number };
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
    },
    aws: { secretsManagerEndpoint: r.AWS_SECRETS_MANAGER_ENDPOINT, region: r.AWS_REGION },
    gcp: { secretManagerEndpoint: r.GCP_SECRET_MANAGER_ENDPOINT, projectId: r.GCP_PROJECT_ID },
    schedulerInProcess: r.SCHEDULER_IN_PROCESS,
    scheduler: { healthPort: r.SCHEDULER_HEALTH_PORT },
    scan: { leaseMs: r.SCAN_LEASE_MS, heartbeatMs: r.SCAN_HEARTBEAT_MS, maxInterruptions: r.SCAN_MAX_INTERRUPTIONS },
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
