// Control surface: faults (with the real SDKs' retry behaviour), throttling, latency, counters/log, mutations, HTTP API.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import crypto from "node:crypto";
import https from "node:https";
import { DefaultAzureCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { CertificateClient } from "@azure/keyvault-certificates";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { SecretsManagerClient, ListSecretsCommand } from "@aws-sdk/client-secrets-manager";
import { startCloud, type LocalCloud } from "../../cloud";

let cloud: LocalCloud;
let cred: DefaultAzureCredential;
let v0: string;

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      })
      .on("error", reject);
  });
}

beforeAll(async () => {
  cloud = await startCloud({ estate: "tiny", throttling: false });
  Object.assign(process.env, cloud.env);
  cred = new DefaultAzureCredential();
  v0 = cloud.control.vaults()[0].name;
});
afterAll(async () => {
  await cloud?.stop();
});
beforeEach(() => {
  cloud.control.reset();
});

const secrets = (retries = 3) =>
  new SecretClient(cloud.endpoints.vaults[v0], cred, {
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: retries, retryDelayInMs: 50, maxRetryDelayInMs: 100 },
  });

describe("faults", () => {
  test("429 with Retry-After: Azure SDK retries and succeeds", async () => {
    cloud.control.addFault({
      service: "kv",
      op: "kv.secrets.list",
      kind: "status",
      status: 429,
      retryAfterMs: 50,
      times: 2,
    });
    const names = [];
    for await (const p of secrets().listPropertiesOfSecrets()) names.push(p.name);
    expect(names.length).toBeGreaterThan(0);
    expect(cloud.control.faults()[0].fired).toBe(2);
    expect(cloud.control.log({ op: "kv.secrets.list" }).map((e) => e.status)).toEqual([429, 429, 200]);
  });

  test("429 WITHOUT Retry-After: Azure SDK gives up at once (the product must handle it)", async () => {
    cloud.control.addFault({ service: "kv", op: "kv.secrets.list", kind: "status", status: 429, times: 1 });
    const err = await secrets()
      .listPropertiesOfSecrets()
      .next()
      .catch((e) => e);
    expect(err.statusCode).toBe(429);
    expect(err.code).toBe("Throttled");
  });

  test("503 / 500 are retried with backoff; connection reset and timeout are retried", async () => {
    cloud.control.addFault({ vault: v0, op: "kv.secrets.get", kind: "status", status: 503, times: 1 });
    cloud.control.addFault({ vault: v0, op: "kv.secrets.get", kind: "reset", times: 1, after: 1 });
    cloud.control.addFault({ vault: v0, op: "kv.secrets.get", kind: "timeout", hangMs: 100, times: 1, after: 2 });
    const name = cloud.control.objects(v0, "secrets")[0];
    const s = await secrets().getSecret(name);
    expect(s.value).toBe(cloud.control.secretValue(v0, name));
    expect(cloud.control.count("kv.secrets.get")).toBe(4);
    expect(cloud.control.log({ op: "kv.secrets.get" }).map((e) => e.fault ?? "ok")).toEqual([
      "status",
      "reset",
      "timeout",
      "ok",
    ]);
  });

  test("malformed JSON surfaces as an SDK error; rate 0 never fires; rule removal", async () => {
    const id = cloud.control.addFault({ service: "kv", op: "kv.certificates.list", kind: "malformed" });
    const c = new CertificateClient(cloud.endpoints.vaults[v0], cred, {
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 0 },
    });
    await expect(c.listPropertiesOfCertificates().next()).rejects.toThrow();
    cloud.control.removeFault(id);
    cloud.control.addFault({ service: "kv", kind: "status", status: 500, rate: 0 });
    expect((await c.listPropertiesOfCertificates().next()).done).toBe(false);
  });

  test("ARM and AWS faults", async () => {
    const arm = new KeyVaultManagementClient(cred, cloud.estate.subscriptions[0].subscriptionId, {
      endpoint: cloud.env.AZURE_ARM_ENDPOINT,
      credentials: { scopes: ["https://management.azure.com/.default"] },
      retryOptions: { maxRetries: 0 },
    });
    cloud.control.addFault({ service: "arm", op: "arm.vaults.list", kind: "status", status: 500, times: 1 });
    await expect(arm.vaults.listBySubscription().next()).rejects.toMatchObject({ statusCode: 500 });
    const aws = new SecretsManagerClient({
      endpoint: cloud.env.AWS_SECRETS_MANAGER_ENDPOINT,
      region: "eu-west-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
      maxAttempts: 3,
      retryStrategy: undefined,
    });
    cloud.control.addFault({
      service: "aws",
      op: "aws.ListSecrets",
      kind: "status",
      status: 429,
      retryAfter: 0,
      times: 1,
    });
    const r = await aws.send(new ListSecretsCommand({}));
    expect(r.SecretList!.length).toBeGreaterThan(0);
    expect(cloud.control.count("aws.ListSecrets")).toBe(2);
    aws.destroy();
  });
});

describe("throttling and latency", () => {
  test("Key Vault per-vault limit → 429 with Retry-After", async () => {
    cloud.control.setThrottling({ enabled: true, kv: { perVaultPer10s: 5 } });
    const token = cloud.control.token("https://vault.azure.net");
    const statuses = [];
    for (let i = 0; i < 7; i++)
      statuses.push(
        await get(`${cloud.endpoints.vaults[v0]}/secrets?api-version=7.5`, { authorization: `Bearer ${token}` }),
      );
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(Number(statuses[5].headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(statuses[5].body).error.code).toBe("Throttled");
    cloud.control.setThrottling(false);
  });

  test("ARM token bucket per subscription: remaining-reads header counts down, then 429", async () => {
    cloud.control.setThrottling({ enabled: true, arm: { readBurst: 3, readRefillPerSec: 0.001 } });
    const token = cloud.control.token("https://management.azure.com");
    const sid = cloud.estate.subscriptions[0].subscriptionId;
    const rs = [];
    for (let i = 0; i < 4; i++)
      rs.push(
        await get(
          `${cloud.env.AZURE_ARM_ENDPOINT}/subscriptions/${sid}/providers/Microsoft.KeyVault/vaults?api-version=2023-07-01`,
          { authorization: `Bearer ${token}` },
        ),
      );
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(rs.map((r) => r.headers["x-ms-ratelimit-remaining-subscription-reads"])).toEqual(["2", "1", "0", "0"]);
    expect(Number(rs[3].headers["retry-after"])).toBeGreaterThan(0);
    cloud.control.setThrottling(false);
  });

  test("fixed latency applies", async () => {
    cloud.control.setLatency({ fixedMs: 120, jitterMs: 0 });
    const token = cloud.control.token("https://vault.azure.net");
    const t0 = Date.now();
    await get(`${cloud.endpoints.vaults[v0]}/keys?api-version=7.5`, { authorization: `Bearer ${token}` });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
    cloud.control.setLatency({ fixedMs: 0 });
  });
});

describe("mutations between scans", () => {
  test("expire a certificate: attributes and the DER change together", async () => {
    const name = cloud.control.objects(v0, "certificates")[0];
    cloud.control.expireCertificate(v0, name);
    const c = await new CertificateClient(cloud.endpoints.vaults[v0], cred, {
      disableChallengeResourceVerification: true,
    }).getCertificate(name);
    expect(c.properties.expiresOn!.getTime()).toBeLessThan(Date.now());
    const x = new crypto.X509Certificate(Buffer.from(c.cer!));
    expect(Date.parse(x.validTo)).toBe(c.properties.expiresOn!.getTime());
  });

  test("add a vault; change network rules; delete a secret; add an app credential; reset restores", async () => {
    const added = await cloud.control.addVault({
      name: "kv-added-test",
      rbac: true,
      access: "full",
      diagnostics: true,
    });
    const arm = new KeyVaultManagementClient(cred, added.subscriptionId, {
      endpoint: cloud.env.AZURE_ARM_ENDPOINT,
      credentials: { scopes: ["https://management.azure.com/.default"] },
    });
    const names = [];
    for await (const v of arm.vaults.listBySubscription()) names.push(v.name);
    expect(names).toContain("kv-added-test");
    cloud.control.setSecret("kv-added-test", "hello", "CCCANARY-helloaddedvault");
    const c = new SecretClient(added.vaultUri, cred, { disableChallengeResourceVerification: true });
    expect((await c.getSecret("hello")).value).toBe("CCCANARY-helloaddedvault");

    cloud.control.setNetworkRules("kv-added-test", { firewall: "blocked" });
    await expect(c.getSecret("hello")).rejects.toMatchObject({ statusCode: 403 });
    cloud.control.setNetworkRules("kv-added-test", { firewall: "private", privateLinkReachable: false });
    const e = await c.getSecret("hello").catch((x) => x);
    expect(e.statusCode).toBe(403);
    expect(e.message).toContain("Public network access is disabled");

    const sname = cloud.control.objects(v0, "secrets")[0];
    cloud.control.deleteSecret(v0, sname);
    await expect(secrets(0).getSecret(sname)).rejects.toMatchObject({ statusCode: 404 });
    expect(cloud.control.deletedObjects(v0)).toContain(sname);

    const app = cloud.control.apps()[0];
    const cred2 = cloud.control.addAppCredential(app.id, {
      displayName: "added",
      endDateTime: new Date(Date.now() + 86400_000).toISOString(),
    });
    expect(cred2.secretText).toContain("CCCANARY-");
    expect(cloud.control.app(app.id).passwordCredentials.some((p) => p.keyId === cred2.keyId)).toBe(true);

    cloud.control.reset();
    expect(cloud.control.vaults().map((v) => v.name)).not.toContain("kv-added-test");
    expect(cloud.control.objects(v0, "secrets")).toContain(sname);
    expect(cloud.control.app(app.id).passwordCredentials.some((p) => p.keyId === cred2.keyId)).toBe(false);
  });
});

describe("control over HTTP", () => {
  test("counters, log, faults, rpc, secret value", async () => {
    const base = cloud.env.LOCAL_CLOUD_CONTROL_URL;
    const token = cloud.control.token("https://vault.azure.net");
    await get(`${cloud.endpoints.vaults[v0]}/secrets?api-version=7.5`, { authorization: `Bearer ${token}` });
    const counters = (await (await fetch(`${base}/control/counters`)).json()) as {
      byOp: Record<string, number>;
      byVault: Record<string, Record<string, number>>;
    };
    expect(counters.byOp["kv.secrets.list"]).toBe(1);
    expect(counters.byVault[v0]["kv.secrets.list"]).toBe(1);
    expect(((await (await fetch(`${base}/control/counters?op=kv.secrets.*`)).json()) as { count: number }).count).toBe(
      1,
    );
    const log = (await (await fetch(`${base}/control/log?service=kv`)).json()) as { op: string }[];
    expect(log[0].op).toBe("kv.secrets.list");
    const f = (await (
      await fetch(`${base}/control/faults`, {
        method: "POST",
        body: JSON.stringify({ service: "kv", kind: "status", status: 503 }),
      })
    ).json()) as { id: string };
    expect(f.id).toBeTruthy();
    expect(
      (await get(`${cloud.endpoints.vaults[v0]}/secrets?api-version=7.5`, { authorization: `Bearer ${token}` })).status,
    ).toBe(503);
    await fetch(`${base}/control/faults`, { method: "DELETE" });
    const name = cloud.control.objects(v0, "secrets")[0];
    const val = (await (await fetch(`${base}/control/vaults/${v0}/secrets/${name}/value`)).json()) as { value: string };
    expect(val.value).toBe(cloud.control.secretValue(v0, name));
    const rpc = (await (
      await fetch(`${base}/control/rpc`, {
        method: "POST",
        body: JSON.stringify({ method: "count", args: ["kv.secrets.list"] }),
      })
    ).json()) as { result: number };
    expect(rpc.result).toBe(2);
    expect(
      (await fetch(`${base}/control/rpc`, { method: "POST", body: JSON.stringify({ method: "constructor" }) })).status,
    ).toBe(400);
    await fetch(`${base}/control/reset`, { method: "POST" });
    expect(cloud.control.count("kv.*")).toBe(0);
  });
});
