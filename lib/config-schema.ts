/**
 * The environment variables the product reads, as one zod schema: names, defaults, bounds. lib/config.ts applies it to the
 * environment (it stays the only reader) and derives the typed configuration from the result.
 */
import { z } from "zod";
import { ROLES } from "./roles";

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

export const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).optional(),
  /** production refuses dev-only conveniences; demo and development allow a generated SECRET_KEY. */
  APP_ENV: z.enum(["production", "development", "demo", "test"]).optional(),
  APP_URL: url.optional(),
  PORT: int(3000, 1, 65535),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional().default("info"),
  SECRET_KEY: z.string().optional(),
  /** The key SECRET_KEY replaced, while channel secrets sealed under it are resealed (docs/alerts.md, "Secrets at rest"). */
  SECRET_KEY_PREVIOUS: z.string().optional(),
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
  /** Outbound proxy for the Azure SDKs and the scanner's Key Vault reader (read by Azure's proxy policy itself). */
  HTTPS_PROXY: z.string().optional(),
  https_proxy: z.string().optional(),
  HTTP_PROXY: z.string().optional(),
  http_proxy: z.string().optional(),
  ALL_PROXY: z.string().optional(),
  all_proxy: z.string().optional(),
  AWS_SECRETS_MANAGER_ENDPOINT: url.optional(),
  AWS_REGION: z.string().optional(),
  GCP_SECRET_MANAGER_ENDPOINT: url.optional(),
  GCP_PROJECT_ID: z.string().optional(),

  /** Where the audit chain head is anchored (ADR 0007): a vault the product's identity may write one secret in. */
  AUDIT_ANCHOR_VAULT_URL: url.optional(),
  AUDIT_ANCHOR_SECRET_NAME: z
    .string()
    .regex(/^[0-9a-zA-Z-]{1,127}$/, "must be a Key Vault secret name (letters, digits, hyphens)")
    .optional()
    .default("certifyclouds-audit-anchor"),

  SCHEDULER_IN_PROCESS: bool(false),
  /**
   * The console's heap may grow this many percent past its live data before a full collection (lib/web/heap-policy.ts);
   * 0 leaves it to V8 (up to 300 %, faster, more memory).
   */
  HEAP_GROWING_PERCENT: int(50, 0, 300),
  /** The standalone scheduler's /healthz port. */
  SCHEDULER_HEALTH_PORT: int(8081, 0, 65535),
  /** The scan lease: its length, how often it is renewed, how many interruptions a scan survives (docs/discovery.md). */
  SCAN_LEASE_MS: int(30_000, 1_000, 600_000),
  SCAN_HEARTBEAT_MS: int(2_000, 100, 60_000),
  SCAN_MAX_INTERRUPTIONS: int(3, 0, 100),
  /** The rotation lease (docs/rotation.md): a rotation whose worker died is resumed once it lapses. */
  ROTATION_LEASE_MS: int(60_000, 1_000, 600_000),

  /**
   * Alert channels: hosts and address ranges (CIDR) a channel may reach although they are loopback, private, link-local
   * or metadata addresses, comma-separated (e.g. "127.0.0.1/32,relay.internal"). Empty: only public addresses.
   */
  ALERTS_OUTBOUND_ALLOW: z
    .string()
    .optional()
    .transform((s) =>
      (s ?? "")
        .split(",")
        .map((x) => x.trim().toLowerCase())
        .filter(Boolean),
    ),
  /** Per request to a channel (connect + response). */
  ALERTS_OUTBOUND_TIMEOUT_MS: int(10_000, 100, 120_000),

  /** `npm run demo` only: its mail catcher's SMTP port, for the demo's alert channel (0: none). Ignored unless APP_ENV=demo. */
  DEMO_MAILBOX_SMTP_PORT: int(0, 0, 65535),
});

export type Raw = z.infer<typeof schema>;
