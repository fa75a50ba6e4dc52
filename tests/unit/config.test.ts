import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, isLoopbackHost, loadConfig } from "@/lib/config";

/** 32 random-looking bytes as base64: a valid SECRET_KEY, so loadConfig never writes .data/dev-secret-key. */
const KEY_BYTES = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff));
const KEY = KEY_BYTES.toString("base64");

const PROD = {
  APP_ENV: "production",
  SECRET_KEY: KEY,
  ENTRA_TENANT_ID: "11111111-2222-3333-4444-555555555555",
  ENTRA_CLIENT_ID: "cc-client",
  ENTRA_CLIENT_SECRET: "cc-client-secret",
};

/** The ConfigError message thrown for `env`; fails the test when loadConfig accepts it. */
function configError(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("local state folder", () => {
  it("puts the embedded database under DATA_DIR unless PGLITE_DIR says otherwise", () => {
    expect(loadConfig({ SECRET_KEY: KEY, DATA_DIR: "/srv/cc" }).database.pgliteDir).toBe("/srv/cc/pglite");
    expect(loadConfig({ SECRET_KEY: KEY, DATA_DIR: "/srv/cc", PGLITE_DIR: "/db" }).database.pgliteDir).toBe("/db");
  });
});

describe("loadConfig defaults", () => {
  it("fills every default from an env holding only SECRET_KEY", () => {
    const c = loadConfig({ SECRET_KEY: KEY });
    expect(c.env).toBe("development");
    expect(c.devServer).toBe(false);
    expect(c.port).toBe(3000);
    expect(c.appUrl).toBe("http://localhost:3000");
    expect(c.secureCookies).toBe(false);
    expect(c.logLevel).toBe("info");
    expect(c.secretKeySource).toBe("env");
    expect(c.secretKey.equals(KEY_BYTES)).toBe(true);
    expect(c.database).toEqual({ url: undefined, poolMax: 10, pgliteDir: ".data/pglite", autoMigrate: true });
    expect(c.auth).toEqual({
      tenantId: undefined,
      clientId: undefined,
      clientSecret: undefined,
      authorityHost: "https://login.microsoftonline.com",
      allowLoopbackAuthority: false,
      roleGroupMap: {},
      sessionMaxAgeSeconds: 480 * 60,
      sessionIdleTimeoutSeconds: 30 * 60,
      signinRateLimit: { max: 10, windowSeconds: 300, lockoutSeconds: 900, globalMax: 300 },
      trustProxy: false,
    });
    expect(c.azure).toEqual({
      cloud: "AzurePublic",
      armEndpoint: "https://management.azure.com",
      resourceGraphEndpoint: "https://management.azure.com",
      graphEndpoint: "https://graph.microsoft.com",
      authorityHost: "https://login.microsoftonline.com",
      tenantId: undefined,
      keyVaultAllowLoopback: false,
      proxyConfigured: false,
    });
    expect(c.aws).toEqual({ secretsManagerEndpoint: undefined, region: undefined });
    expect(c.gcp).toEqual({ secretManagerEndpoint: undefined, projectId: undefined });
    expect(c.schedulerInProcess).toBe(false);
  });

  it("derives env from NODE_ENV when APP_ENV is absent, and APP_ENV wins when present", () => {
    expect(loadConfig({ ...PROD, APP_ENV: undefined, NODE_ENV: "production" }).env).toBe("production");
    expect(loadConfig({ SECRET_KEY: KEY, NODE_ENV: "test" }).env).toBe("test");
    const dev = loadConfig({ SECRET_KEY: KEY, NODE_ENV: "development" });
    expect(dev.env).toBe("development");
    expect(dev.devServer).toBe(true);
    expect(loadConfig({ SECRET_KEY: KEY, NODE_ENV: "production", APP_ENV: "demo" }).env).toBe("demo");
  });

  it("parses explicit values: port, https APP_URL, booleans, numbers, group map", () => {
    const c = loadConfig({
      SECRET_KEY: KEY,
      PORT: "8080",
      APP_URL: "https://certify.contoso.example/",
      DATABASE_URL: "postgresql://cc@db:5432/cc",
      DATABASE_POOL_MAX: "25",
      DB_AUTO_MIGRATE: "no",
      TRUST_PROXY: "yes",
      SCHEDULER_IN_PROCESS: "1",
      AZURE_KEYVAULT_ALLOW_LOOPBACK: "true",
      https_proxy: "http://proxy.contoso.example:3128",
      SESSION_MAX_AGE_MINUTES: "60",
      SESSION_IDLE_TIMEOUT_MINUTES: "5",
      SIGNIN_RATE_LIMIT_MAX: "3",
      SIGNIN_RATE_LIMIT_WINDOW_SECONDS: "60",
      SIGNIN_LOCKOUT_SECONDS: "120",
      ROLE_GROUP_MAP: JSON.stringify({ "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d": "CertifyClouds.Operator" }),
      ENTRA_AUTHORITY_HOST: "https://login.microsoftonline.com/",
    });
    expect(c.port).toBe(8080);
    expect(c.appUrl).toBe("https://certify.contoso.example");
    expect(c.secureCookies).toBe(true);
    expect(c.database).toEqual({
      url: "postgresql://cc@db:5432/cc",
      poolMax: 25,
      pgliteDir: ".data/pglite",
      autoMigrate: false,
    });
    expect(c.auth.trustProxy).toBe(true);
    expect(c.schedulerInProcess).toBe(true);
    expect(c.azure.keyVaultAllowLoopback).toBe(true);
    expect(c.azure.proxyConfigured).toBe(true);
    expect(c.auth.sessionMaxAgeSeconds).toBe(3600);
    expect(c.auth.sessionIdleTimeoutSeconds).toBe(300);
    expect(c.auth.signinRateLimit).toEqual({ max: 3, windowSeconds: 60, lockoutSeconds: 120, globalMax: 90 });
    expect(c.auth.roleGroupMap).toEqual({ "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d": "CertifyClouds.Operator" });
    expect(c.auth.authorityHost).toBe("https://login.microsoftonline.com");
  });

  it("treats an empty DATABASE_URL as unset (PGlite)", () => {
    expect(loadConfig({ SECRET_KEY: KEY, DATABASE_URL: "" }).database.url).toBeUndefined();
  });
});

describe("loadConfig rejects bad values, naming the variable", () => {
  it.each([
    ["PORT", "abc"],
    ["PORT", "0"],
    ["PORT", "65536"],
    ["PORT", "80.5"],
    ["DATABASE_URL", "mysql://root@db/cc"],
    ["DATABASE_POOL_MAX", "0"],
    ["LOG_LEVEL", "verbose"],
    ["APP_URL", "not a url"],
    ["TRUST_PROXY", "maybe"],
    ["SESSION_IDLE_TIMEOUT_MINUTES", "0"],
    ["SESSION_MAX_AGE_MINUTES", "1"],
    ["SIGNIN_RATE_LIMIT_MAX", "-1"],
    ["AZURE_CLOUD", "AzureMoon"],
    ["APP_ENV", "staging"],
    ["ENTRA_AUTHORITY_HOST", "login.microsoftonline.com"],
    ["ROLE_GROUP_MAP", "{not json"],
    ["ROLE_GROUP_MAP", JSON.stringify({ "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d": "CertifyClouds.Owner" })],
    ["ROLE_GROUP_MAP", JSON.stringify({ "not-a-guid": "CertifyClouds.Viewer" })],
    ["ROLE_GROUP_MAP", JSON.stringify(["CertifyClouds.Viewer"])],
  ])("%s=%s", (name, value) => {
    const msg = configError({ SECRET_KEY: KEY, [name]: value });
    expect(msg).toMatch(/^Invalid configuration:/);
    expect(msg).toContain(`${name}:`);
  });

  it("names every bad variable at once", () => {
    const msg = configError({ SECRET_KEY: KEY, PORT: "abc", LOG_LEVEL: "loud" });
    expect(msg).toContain("PORT:");
    expect(msg).toContain("LOG_LEVEL:");
  });

  it("explains the expected ROLE_GROUP_MAP shape and the allowed roles", () => {
    const msg = configError({ SECRET_KEY: KEY, ROLE_GROUP_MAP: "nope" });
    expect(msg).toContain("CertifyClouds.Viewer");
    expect(msg).toContain("CertifyClouds.Admin");
  });
});

describe("SECRET_KEY", () => {
  it("is required in production", () => {
    const msg = configError({ ...PROD, SECRET_KEY: undefined });
    expect(msg).toMatch(/SECRET_KEY: required in production/);
  });

  it.each(["short", "dG9vLXNob3J0", "0123456789abcdef0123456789abcdef", "x".repeat(42)])(
    "refuses the too-short key %s (any env)",
    (key) => {
      expect(configError({ ...PROD, SECRET_KEY: key })).toMatch(/SECRET_KEY must hold at least 32 random bytes/);
      expect(configError({ SECRET_KEY: key })).toMatch(/SECRET_KEY/);
    },
  );

  it("accepts hex, base64 and long passphrases, yielding 32+ bytes", () => {
    const hex = KEY_BYTES.toString("hex");
    expect(loadConfig({ ...PROD, SECRET_KEY: hex }).secretKey.equals(KEY_BYTES)).toBe(true);
    expect(loadConfig({ ...PROD, SECRET_KEY: KEY }).secretKey.equals(KEY_BYTES)).toBe(true);
    const pass = loadConfig({ ...PROD, SECRET_KEY: "correct horse battery staple, 43+ chars long!!" }).secretKey;
    expect(pass.length).toBe(32);
  });

  it("outside production, generates a dev key once under .data/ in the working directory", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cc-config-"));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      const a = loadConfig({});
      expect(a.secretKeySource).toBe("generated-dev-key");
      expect(a.secretKey.length).toBe(32);
      const file = path.join(dir, ".data", "dev-secret-key");
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(Buffer.from(readFileSync(file, "utf8"), "base64").equals(a.secretKey)).toBe(true);
      const b = loadConfig({ APP_ENV: "demo" });
      expect(b.secretKey.equals(a.secretKey)).toBe(true);
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("production sign-in settings", () => {
  it("requires all three ENTRA_* variables, naming each missing one", () => {
    const msg = configError({ APP_ENV: "production", SECRET_KEY: KEY });
    for (const k of ["ENTRA_TENANT_ID", "ENTRA_CLIENT_ID", "ENTRA_CLIENT_SECRET"])
      expect(msg).toContain(`${k}: required in production`);
  });

  it("names only the missing ENTRA_* variable", () => {
    const msg = configError({ ...PROD, ENTRA_CLIENT_SECRET: undefined });
    expect(msg).toContain("ENTRA_CLIENT_SECRET");
    expect(msg).not.toContain("ENTRA_TENANT_ID");
    expect(msg).not.toContain("ENTRA_CLIENT_ID:");
  });

  it("does not require ENTRA_* outside production", () => {
    expect(loadConfig({ APP_ENV: "development", SECRET_KEY: KEY }).auth.tenantId).toBeUndefined();
  });

  it.each(["http://127.0.0.1:8443", "https://localhost:9443/", "http://[::1]:8443", "http://127.4.5.6"])(
    "refuses the loopback authority %s in production unless ALLOW_LOOPBACK_AUTHORITY=true",
    (host) => {
      expect(configError({ ...PROD, ENTRA_AUTHORITY_HOST: host })).toMatch(
        /ENTRA_AUTHORITY_HOST: a loopback authority is refused in production/,
      );
      expect(configError({ ...PROD, ENTRA_AUTHORITY_HOST: host, ALLOW_LOOPBACK_AUTHORITY: "false" })).toMatch(
        /ENTRA_AUTHORITY_HOST/,
      );
      const ok = loadConfig({ ...PROD, ENTRA_AUTHORITY_HOST: host, ALLOW_LOOPBACK_AUTHORITY: "true" });
      expect(ok.auth.allowLoopbackAuthority).toBe(true);
      expect(ok.auth.authorityHost).toBe(host.replace(/\/$/, ""));
    },
  );

  it("allows a loopback authority outside production", () => {
    expect(
      loadConfig({ SECRET_KEY: KEY, APP_ENV: "development", ENTRA_AUTHORITY_HOST: "http://127.0.0.1:8443" }).auth
        .authorityHost,
    ).toBe("http://127.0.0.1:8443");
  });

  it("accepts a full production configuration", () => {
    const c = loadConfig(PROD);
    expect(c.env).toBe("production");
    expect(c.auth).toMatchObject({
      tenantId: PROD.ENTRA_TENANT_ID,
      clientId: "cc-client",
      clientSecret: "cc-client-secret",
    });
  });
});

describe("isLoopbackHost", () => {
  it.each([
    ["localhost", true],
    ["127.0.0.1", true],
    ["127.255.0.9", true],
    ["::1", true],
    ["[::1]", true],
    ["login.microsoftonline.com", false],
    ["10.0.0.1", false],
    ["128.0.0.1", false],
    ["localhost.contoso.example", false],
  ])("%s → %s", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe("Azure clouds", () => {
  it("AzureUSGovernment defaults to the US Government endpoints", () => {
    expect(loadConfig({ SECRET_KEY: KEY, AZURE_CLOUD: "AzureUSGovernment" }).azure).toMatchObject({
      cloud: "AzureUSGovernment",
      armEndpoint: "https://management.usgovcloudapi.net",
      resourceGraphEndpoint: "https://management.usgovcloudapi.net",
      graphEndpoint: "https://graph.microsoft.us",
      authorityHost: "https://login.microsoftonline.us",
    });
  });

  it("AzureChina defaults to the China endpoints", () => {
    expect(loadConfig({ SECRET_KEY: KEY, AZURE_CLOUD: "AzureChina" }).azure).toMatchObject({
      armEndpoint: "https://management.chinacloudapi.cn",
      graphEndpoint: "https://microsoftgraph.chinacloudapi.cn",
      authorityHost: "https://login.chinacloudapi.cn",
    });
  });

  it("an explicit endpoint overrides the sovereign default", () => {
    const c = loadConfig({
      SECRET_KEY: KEY,
      AZURE_CLOUD: "AzureUSGovernment",
      AZURE_ARM_ENDPOINT: "https://arm.local:8443/",
    });
    expect(c.azure.armEndpoint).toBe("https://arm.local:8443");
    expect(c.azure.resourceGraphEndpoint).toBe("https://arm.local:8443");
    expect(c.azure.graphEndpoint).toBe("https://graph.microsoft.us");
  });

  it("Custom requires the ARM, Graph and authority endpoints, naming each missing one", () => {
    const msg = configError({ SECRET_KEY: KEY, AZURE_CLOUD: "Custom" });
    for (const k of ["AZURE_ARM_ENDPOINT", "AZURE_GRAPH_ENDPOINT", "AZURE_AUTHORITY_HOST"])
      expect(msg).toContain(`${k}: required when AZURE_CLOUD=Custom`);
    const one = configError({
      SECRET_KEY: KEY,
      AZURE_CLOUD: "Custom",
      AZURE_ARM_ENDPOINT: "https://arm.local",
      AZURE_GRAPH_ENDPOINT: "https://graph.local",
    });
    expect(one).toContain("AZURE_AUTHORITY_HOST");
    expect(one).not.toContain("AZURE_ARM_ENDPOINT");
  });

  it("Custom uses the given endpoints (trailing slash stripped, Resource Graph defaults to ARM)", () => {
    const c = loadConfig({
      SECRET_KEY: KEY,
      AZURE_CLOUD: "Custom",
      AZURE_ARM_ENDPOINT: "https://127.0.0.1:7443/",
      AZURE_GRAPH_ENDPOINT: "https://127.0.0.1:7444",
      AZURE_AUTHORITY_HOST: "https://127.0.0.1:7445/",
    });
    expect(c.azure).toMatchObject({
      cloud: "Custom",
      armEndpoint: "https://127.0.0.1:7443",
      resourceGraphEndpoint: "https://127.0.0.1:7443",
      graphEndpoint: "https://127.0.0.1:7444",
      authorityHost: "https://127.0.0.1:7445",
    });
    const rg = loadConfig({
      SECRET_KEY: KEY,
      AZURE_CLOUD: "Custom",
      AZURE_ARM_ENDPOINT: "https://arm.local",
      AZURE_GRAPH_ENDPOINT: "https://graph.local",
      AZURE_AUTHORITY_HOST: "https://login.local",
      AZURE_RESOURCE_GRAPH_ENDPOINT: "https://rg.local/",
    });
    expect(rg.azure.resourceGraphEndpoint).toBe("https://rg.local");
  });

  it("rejects a non-URL endpoint, naming it", () => {
    expect(configError({ SECRET_KEY: KEY, AZURE_ARM_ENDPOINT: "management" })).toContain("AZURE_ARM_ENDPOINT:");
  });
});

describe("scan lease", () => {
  it("defaults to a 30 s lease renewed every 2 s, and 3 interruptions", () => {
    expect(loadConfig({ SECRET_KEY: KEY }).scan).toEqual({ leaseMs: 30_000, heartbeatMs: 2_000, maxInterruptions: 3 });
  });

  it("takes SCAN_LEASE_MS, SCAN_HEARTBEAT_MS and SCAN_MAX_INTERRUPTIONS", () => {
    const c = loadConfig({
      SECRET_KEY: KEY,
      SCAN_LEASE_MS: "3000",
      SCAN_HEARTBEAT_MS: "1000",
      SCAN_MAX_INTERRUPTIONS: "0",
    });
    expect(c.scan).toEqual({ leaseMs: 3000, heartbeatMs: 1000, maxInterruptions: 0 });
  });

  it.each([
    ["SCAN_LEASE_MS", "999"],
    ["SCAN_HEARTBEAT_MS", "50"],
    ["SCAN_MAX_INTERRUPTIONS", "-1"],
  ])("rejects %s=%s", (name, value) => {
    expect(configError({ SECRET_KEY: KEY, [name]: value })).toContain(`${name}:`);
  });

  it("refuses a heartbeat longer than a third of the lease: two renewals may fail before it lapses", () => {
    expect(configError({ SECRET_KEY: KEY, SCAN_LEASE_MS: "3000", SCAN_HEARTBEAT_MS: "1001" })).toContain(
      "SCAN_HEARTBEAT_MS: must be at most a third of SCAN_LEASE_MS",
    );
  });
});

describe("demo mailbox", () => {
  it("takes DEMO_MAILBOX_SMTP_PORT only in the demo", () => {
    expect(loadConfig({ SECRET_KEY: KEY, APP_ENV: "demo", DEMO_MAILBOX_SMTP_PORT: "2525" }).demo).toEqual({
      mailboxSmtpPort: 2525,
    });
    expect(loadConfig({ SECRET_KEY: KEY, APP_ENV: "development", DEMO_MAILBOX_SMTP_PORT: "2525" }).demo).toEqual({});
    expect(loadConfig({ SECRET_KEY: KEY, APP_ENV: "demo" }).demo.mailboxSmtpPort).toBeUndefined();
  });

  it("rejects a port that is not one", () => {
    expect(configError({ SECRET_KEY: KEY, APP_ENV: "demo", DEMO_MAILBOX_SMTP_PORT: "70000" })).toContain(
      "DEMO_MAILBOX_SMTP_PORT:",
    );
  });
});

describe("SECRET_KEY_PREVIOUS", () => {
  it("is decoded like SECRET_KEY, and a bad one is named", () => {
    const previous = Buffer.alloc(32, 9);
    expect(loadConfig({ SECRET_KEY: KEY, SECRET_KEY_PREVIOUS: previous.toString("base64") }).previousSecretKey).toEqual(
      previous,
    );
    expect(loadConfig({ SECRET_KEY: KEY }).previousSecretKey).toBeUndefined();
    expect(configError({ SECRET_KEY: KEY, SECRET_KEY_PREVIOUS: "short" })).toContain("SECRET_KEY_PREVIOUS:");
  });
});

describe("heap growing percent", () => {
  it("defaults to 50 (the console's heap grows at most half past its live data) and takes 0 for V8's own choice", () => {
    expect(loadConfig({ SECRET_KEY: KEY }).heapGrowingPercent).toBe(50);
    expect(loadConfig({ SECRET_KEY: KEY, HEAP_GROWING_PERCENT: "0" }).heapGrowingPercent).toBe(0);
  });

  it.each(["-1", "301", "many"])("rejects HEAP_GROWING_PERCENT=%s", (value) => {
    expect(configError({ SECRET_KEY: KEY, HEAP_GROWING_PERCENT: value })).toContain("HEAP_GROWING_PERCENT:");
  });
});
