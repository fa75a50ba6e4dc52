// Real Azure SDKs (managed identity → DefaultAzureCredential, ARM, Resource Graph, Key Vault data plane) against the
// local cloud. One cloud per file: @azure/identity caches the MI source process-wide, so env is set before first use.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import crypto from "node:crypto";
import https from "node:https";
import forge from "node-forge";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { createDefaultHttpClient, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import { SecretClient } from "@azure/keyvault-secrets";
import { CertificateClient } from "@azure/keyvault-certificates";
import { KeyClient } from "@azure/keyvault-keys";
import { startCloud, CANARY_PREFIX, type LocalCloud } from "../../cloud";

let cloud: LocalCloud;
let cred: TokenCredential;
let arm: KeyVaultManagementClient;
const httpClient = createDefaultHttpClient();
const kvOpts = { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } };

function vaultNamed(i: number) {
  return cloud.control.vaults()[i];
}

async function armGet(
  path: string,
): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, string> }> {
  const res = await arm.pipeline.sendRequest(
    httpClient,
    createPipelineRequest({ url: `${cloud.env.AZURE_ARM_ENDPOINT}${path}`, method: "GET" }),
  );
  return { status: res.status, body: JSON.parse(res.bodyAsText ?? "{}"), headers: res.headers.toJSON() };
}

function raw(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: init.method ?? "GET", headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

beforeAll(async () => {
  cloud = await startCloud({ estate: "tiny", throttling: false, pageSizes: { arm: 2 } });
  Object.assign(process.env, cloud.env);
  cred = new DefaultAzureCredential();
  arm = new KeyVaultManagementClient(cred, cloud.estate.subscriptions[0].subscriptionId, {
    endpoint: cloud.env.AZURE_ARM_ENDPOINT,
    credentials: { scopes: ["https://management.azure.com/.default"] },
  });
});
afterAll(async () => {
  await cloud?.stop();
});

describe("managed identity", () => {
  test("DefaultAzureCredential (pinned to MI) gets a token carrying the product identity oid and expires_on", async () => {
    const t = (await cred.getToken("https://vault.azure.net/.default"))!;
    expect(t.token).toBeTruthy();
    expect(t.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3600_000);
    const claims = JSON.parse(Buffer.from(t.token.split(".")[1], "base64url").toString());
    expect(claims.oid).toBe(cloud.estate.productIdentity.oid);
    expect(claims.aud).toBe("https://vault.azure.net");
    expect(claims.tid).toBe(cloud.estate.tenantId);
    expect(cloud.control.count("mi.token")).toBeGreaterThanOrEqual(1);
  });

  test("token endpoint rejects a wrong X-IDENTITY-HEADER", async () => {
    const r = await fetch(`${cloud.env.IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=https://vault.azure.net`, {
      headers: { "X-IDENTITY-HEADER": "nope" },
    });
    expect(r.status).toBe(401);
  });
});

describe("ARM", () => {
  test("subscriptions list (generic ARM call)", async () => {
    const r = await armGet("/subscriptions?api-version=2022-12-01");
    expect(r.status).toBe(200);
    const subs = r.body.value as { subscriptionId: string; displayName: string; tenantId: string }[];
    expect(subs.map((s) => s.subscriptionId)).toEqual(cloud.estate.subscriptions.map((s) => s.subscriptionId));
    expect(subs[0].displayName).toBe("Contoso Production");
    expect(r.headers["x-ms-ratelimit-remaining-subscription-reads"]).toBeDefined();
  });

  test("KeyVaultManagementClient.vaults.listBySubscription pages through nextLink and returns every property", async () => {
    const all = [];
    for (const sub of cloud.estate.subscriptions) {
      const c = new KeyVaultManagementClient(cred, sub.subscriptionId, {
        endpoint: cloud.env.AZURE_ARM_ENDPOINT,
        credentials: { scopes: ["https://management.azure.com/.default"] },
      });
      for await (const v of c.vaults.listBySubscription()) all.push(v);
    }
    expect(all.map((v) => v.name).sort()).toEqual(
      cloud.control
        .vaults()
        .map((v) => v.name)
        .sort(),
    );
    // page size 2 → subscription 0 has 3 vaults → 2 pages
    expect(cloud.control.count("arm.vaults.list")).toBeGreaterThanOrEqual(3);
    const v0 = all.find((v) => v.name === vaultNamed(0).name)!;
    expect(v0.properties.sku.name).toMatch(/standard|premium/);
    expect(v0.properties.tenantId).toBe(cloud.estate.tenantId);
    expect(v0.properties.enableRbacAuthorization).toBe(true);
    expect(v0.properties.enableSoftDelete).toBe(true);
    expect(v0.properties.enablePurgeProtection).toBe(true);
    expect(v0.properties.softDeleteRetentionInDays).toBeGreaterThan(0);
    expect(v0.properties.publicNetworkAccess).toBe("Enabled");
    expect(v0.properties.vaultUri).toBe(`${cloud.endpoints.vaults[v0.name!]}/`);
    const v1 = all.find((v) => v.name === vaultNamed(1).name)!;
    expect(v1.properties.enableRbacAuthorization).toBe(false);
    expect(
      v1.properties.accessPolicies!.some(
        (p) => p.objectId === cloud.estate.productIdentity.oid && p.permissions.secrets!.includes("get"),
      ),
    ).toBe(true);
    expect(v1.properties.networkAcls?.defaultAction).toBe("Deny");
    expect(v1.properties.networkAcls?.ipRules?.[0].value).toBe("127.0.0.1/32");
    const v4 = all.find((v) => v.name === vaultNamed(4).name)!;
    expect(v4.properties.enableSoftDelete).toBe(false);
  });

  test("single vault GET, 404 for unknown", async () => {
    const v = vaultNamed(2);
    const c = new KeyVaultManagementClient(cred, v.subscriptionId, {
      endpoint: cloud.env.AZURE_ARM_ENDPOINT,
      credentials: { scopes: ["https://management.azure.com/.default"] },
    });
    const got = await c.vaults.get(v.resourceGroup, v.name);
    expect(got.id).toBe(v.id);
    await expect(c.vaults.get(v.resourceGroup, "kv-does-not-exist")).rejects.toMatchObject({
      statusCode: 404,
      code: "ResourceNotFound",
    });
  });

  test("diagnostic settings per vault (generic ARM call): on for vault 0, off for vault 1", async () => {
    const on = await armGet(
      `${vaultNamed(0).id}/providers/Microsoft.Insights/diagnosticSettings?api-version=2021-05-01-preview`,
    );
    expect(on.status).toBe(200);
    const settings = on.body.value as { properties: { workspaceId: string; logs: { enabled: boolean }[] } }[];
    expect(settings.length).toBe(1);
    expect(settings[0].properties.workspaceId).toContain("Microsoft.OperationalInsights/workspaces");
    expect(settings[0].properties.logs.some((l) => l.enabled)).toBe(true);
    const off = await armGet(
      `${vaultNamed(1).id}/providers/Microsoft.Insights/diagnosticSettings?api-version=2021-05-01-preview`,
    );
    expect(off.body.value).toEqual([]);
    expect(cloud.control.count("arm.diagnosticSettings.list")).toBe(2);
  });

  test("Defender for Key Vault pricing", async () => {
    const sid = cloud.estate.subscriptions[0].subscriptionId;
    const r = await armGet(
      `/subscriptions/${sid}/providers/Microsoft.Security/pricings/KeyVaults?api-version=2024-01-01`,
    );
    expect(r.body.name).toBe("KeyVaults");
    expect(["Standard", "Free"]).toContain((r.body.properties as { pricingTier: string }).pricingTier);
  });

  test("Web sites and app settings with @Microsoft.KeyVault references to local vault origins", async () => {
    const sid = cloud.estate.subscriptions[0].subscriptionId;
    const r = await armGet(`/subscriptions/${sid}/providers/Microsoft.Web/sites?api-version=2023-12-01`);
    const sites = r.body.value as { id: string; kind: string }[];
    expect(sites.length).toBe(1);
    const res = await arm.pipeline.sendRequest(
      httpClient,
      createPipelineRequest({
        url: `${cloud.env.AZURE_ARM_ENDPOINT}${sites[0].id}/config/appsettings/list?api-version=2023-12-01`,
        method: "POST",
      }),
    );
    const body = JSON.parse(res.bodyAsText!);
    const refs = Object.values(body.properties as Record<string, string>).filter((x) =>
      x.startsWith("@Microsoft.KeyVault("),
    );
    expect(refs.length).toBeGreaterThanOrEqual(3);
    const uri = refs.map((x) => /SecretUri=([^)]+)\)/.exec(x)?.[1]).find(Boolean)!;
    expect(Object.values(cloud.endpoints.vaults).some((o) => uri.startsWith(o + "/secrets/"))).toBe(true);
  });
});

describe("Resource Graph", () => {
  test("vault listing query with $skipToken paging (options.skipToken)", async () => {
    const rg = new ResourceGraphClient(cred, {
      baseUri: cloud.env.AZURE_RESOURCE_GRAPH_ENDPOINT,
      longRunningOperationRetryTimeout: 0,
    });
    const query =
      "resources | where type =~ 'microsoft.keyvault/vaults' | project id, name, location, resourceGroup, subscriptionId, tenantId, properties, tags";
    const subs = cloud.estate.subscriptions.map((s) => s.subscriptionId);
    const rows: Record<string, unknown>[] = [];
    let skipToken: string | undefined;
    let pages = 0;
    do {
      const r = await rg.resources({ subscriptions: subs, query, options: { top: 2, skipToken } });
      rows.push(...(r.data as Record<string, unknown>[]));
      expect(r.totalRecords).toBe(5);
      skipToken = r.skipToken;
      pages++;
    } while (skipToken && pages < 10);
    expect(pages).toBe(3);
    expect(rows.map((r) => r.name).sort()).toEqual(
      cloud.control
        .vaults()
        .map((v) => v.name)
        .sort(),
    );
    expect(Object.keys(rows[0]).sort()).toEqual([
      "id",
      "location",
      "name",
      "properties",
      "resourceGroup",
      "subscriptionId",
      "tags",
      "tenantId",
    ]);
    expect((rows[0].properties as { vaultUri: string }).vaultUri).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
  });

  test("unrecognised query → 400", async () => {
    const rg = new ResourceGraphClient(cred, { baseUri: cloud.env.AZURE_RESOURCE_GRAPH_ENDPOINT });
    await expect(rg.resources({ query: "resources | summarize count() by type" })).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});

describe("Key Vault data plane", () => {
  test("unauthenticated request gets the real challenge", async () => {
    const r = await raw(`${cloud.endpoints.vaults[vaultNamed(0).name]}/secrets?api-version=7.5`);
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toBe(
      `Bearer authorization="https://login.microsoftonline.com/${cloud.estate.tenantId}", resource="https://vault.azure.net"`,
    );
  });

  test("secrets: list (≤25 per page + nextLink), versions, get, set, update", async () => {
    const v = vaultNamed(0);
    const client = new SecretClient(cloud.endpoints.vaults[v.name], cred, kvOpts);
    cloud.control.addRoleAssignment(v.name, cloud.estate.productIdentity.oid, "Key Vault Secrets Officer");
    for (let i = 0; i < 30; i++)
      cloud.control.setSecret(v.name, `bulk-${String(i).padStart(2, "0")}`, `${CANARY_PREFIX}bulk${i}xxxxxxxxxxxx`);
    cloud.control.resetCounters();
    const names: string[] = [];
    for await (const p of client.listPropertiesOfSecrets()) names.push(p.name);
    const expected = cloud.control.objects(v.name, "secrets", { includeManaged: true });
    expect(names.sort()).toEqual(expected);
    expect(cloud.control.count("kv.secrets.list")).toBe(Math.ceil(expected.length / 25));
    expect(cloud.control.count("kv.secrets.get")).toBe(0);

    const first = cloud.control.objects(v.name, "secrets").find((n) => !n.startsWith("bulk-"))!;
    const versions = [];
    for await (const p of client.listPropertiesOfSecretVersions(first)) versions.push(p.version);
    expect(versions.length).toBe(cloud.control.object(v.name, "secrets", first).versions.length);

    const set = await client.setSecret("new-secret", `${CANARY_PREFIX}newvalue123456`, {
      contentType: "text/plain",
      tags: { owner: "me" },
      expiresOn: new Date(Date.now() + 86400_000),
    });
    expect(set.value).toBe(`${CANARY_PREFIX}newvalue123456`);
    const got = await client.getSecret("new-secret");
    expect(got.value).toBe(set.value);
    expect(got.properties.contentType).toBe("text/plain");
    expect(cloud.control.secretValue(v.name, "new-secret")).toBe(set.value);
    const upd = await client.updateSecretProperties("new-secret", got.properties.version!, {
      tags: { owner: "you" },
      enabled: true,
    });
    expect(upd.tags).toEqual({ owner: "you" });
    await expect(client.getSecret("nope-nope")).rejects.toMatchObject({ statusCode: 404, code: "SecretNotFound" });
    expect(cloud.control.count("kv.secrets.get")).toBe(2);
  });

  test("secrets: delete → deleted list → recover; purge; purge protection", async () => {
    const v1 = vaultNamed(1); // soft delete, no purge protection, access policies with get/list only → use admin-like access
    cloud.control.setAccessPolicy(v1.name, cloud.estate.productIdentity.oid, {
      secrets: ["get", "list", "set", "delete", "recover", "purge"],
      keys: ["get", "list"],
      certificates: ["get", "list"],
    });
    const c1 = new SecretClient(cloud.endpoints.vaults[v1.name], cred, kvOpts);
    await c1.setSecret("to-delete", `${CANARY_PREFIX}todelete12345678`);
    const del = await (await c1.beginDeleteSecret("to-delete", { intervalInMs: 10 })).pollUntilDone();
    expect(del.recoveryId).toContain("/deletedsecrets/to-delete");
    expect(del.scheduledPurgeDate!.getTime()).toBeGreaterThan(Date.now());
    const deleted: string[] = [];
    for await (const d of c1.listDeletedSecrets()) deleted.push(d.name);
    expect(deleted).toContain("to-delete");
    await expect(c1.getSecret("to-delete")).rejects.toMatchObject({ statusCode: 404 });
    await expect(c1.setSecret("to-delete", "x")).rejects.toMatchObject({ statusCode: 409, code: "Conflict" });
    await (await c1.beginRecoverDeletedSecret("to-delete", { intervalInMs: 10 })).pollUntilDone();
    expect((await c1.getSecret("to-delete")).value).toBe(`${CANARY_PREFIX}todelete12345678`);
    await (await c1.beginDeleteSecret("to-delete", { intervalInMs: 10 })).pollUntilDone();
    await c1.purgeDeletedSecret("to-delete");
    expect(cloud.control.deletedObjects(v1.name)).not.toContain("to-delete");

    const v0 = vaultNamed(0); // purge protection on; product has Secrets User + Reader only → give officer
    cloud.control.addRoleAssignment(v0.name, cloud.estate.productIdentity.oid, "Key Vault Secrets Officer");
    const c0 = new SecretClient(cloud.endpoints.vaults[v0.name], cred, kvOpts);
    await c0.setSecret("protected", "CCCANARY-protectedvalue1");
    await (await c0.beginDeleteSecret("protected", { intervalInMs: 10 })).pollUntilDone();
    await expect(c0.purgeDeletedSecret("protected")).rejects.toMatchObject({ statusCode: 403, code: "Forbidden" });

    const v4 = vaultNamed(4); // soft delete off → delete is final, no recoveryId
    cloud.control.setAccessPolicy(v4.name, cloud.estate.productIdentity.oid, {
      secrets: ["get", "list", "set", "delete"],
      keys: [],
      certificates: [],
    });
    const c4 = new SecretClient(cloud.endpoints.vaults[v4.name], cred, kvOpts);
    await c4.setSecret("gone", "CCCANARY-gonegonegone12");
    const d4 = await (await c4.beginDeleteSecret("gone", { intervalInMs: 10 })).pollUntilDone();
    expect(d4.recoveryId).toBeUndefined();
    expect(d4.properties.recoveryLevel).toBe("Purgeable");
    cloud.control.setAccess(v4.name, "metadata");
  });

  test("certificates: list with x5t, versions, get with policy (real DER matching nbf/exp), policy, import", async () => {
    const v = vaultNamed(0);
    const client = new CertificateClient(cloud.endpoints.vaults[v.name], cred, kvOpts);
    const props = [];
    for await (const p of client.listPropertiesOfCertificates()) props.push(p);
    expect(props.length).toBe(cloud.control.objects(v.name, "certificates").length);
    for (const p of props) expect(p.x509Thumbprint).toBeInstanceOf(Uint8Array);
    const c = await client.getCertificate(props[0].name!);
    const der = Buffer.from(c.cer!);
    const x = new crypto.X509Certificate(der);
    expect(Math.floor(Date.parse(x.validTo) / 1000)).toBe(Math.floor(c.properties.expiresOn!.getTime() / 1000));
    expect(Math.floor(Date.parse(x.validFrom) / 1000)).toBe(Math.floor(c.properties.notBefore!.getTime() / 1000));
    expect(Buffer.from(c.properties.x509Thumbprint!).toString("hex")).toBe(
      crypto.createHash("sha1").update(der).digest("hex"),
    );
    expect(c.policy?.subject).toMatch(/^CN=/);
    const pol = await client.getCertificatePolicy(props[0].name!);
    expect(pol.issuerName).toBeTruthy();
    const vers = [];
    for await (const p of client.listPropertiesOfCertificateVersions(props[0].name!)) vers.push(p);
    expect(vers.length).toBe(cloud.control.object(v.name, "certificates", props[0].name!).versions.length);

    // import a PFX made with node-forge
    cloud.control.addRoleAssignment(v.name, cloud.estate.productIdentity.oid, "Key Vault Certificates Officer");
    const keys = forge.pki.rsa.generateKeyPair({ bits: 1024 });
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = "0a";
    cert.validity.notBefore = new Date(Date.now() - 86400_000);
    cert.validity.notAfter = new Date(Date.now() + 10 * 86400_000);
    cert.setSubject([{ name: "commonName", value: "imported.contoso.com" }]);
    cert.setIssuer([{ name: "commonName", value: "imported.contoso.com" }]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    const p12 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], "pw", { algorithm: "3des" });
    const pfx = Buffer.from(forge.asn1.toDer(p12).getBytes(), "binary");
    const imported = await client.importCertificate("imported-cert", pfx, { password: "pw" });
    expect(imported.properties.expiresOn!.getTime()).toBe(Math.floor(cert.validity.notAfter.getTime() / 1000) * 1000);
    expect(imported.name).toBe("imported-cert");
    const again = await client.getCertificate("imported-cert");
    expect(
      Buffer.from(again.cer!).equals(
        Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary"),
      ),
    ).toBe(true);
  });

  test("keys: list, versions, get, rotation policy", async () => {
    const v = vaultNamed(0);
    const client = new KeyClient(cloud.endpoints.vaults[v.name], cred, kvOpts);
    const names = [];
    for await (const p of client.listPropertiesOfKeys()) names.push(p.name);
    expect(names.sort()).toEqual(cloud.control.objects(v.name, "keys", { includeManaged: true }));
    const own = cloud.control.objects(v.name, "keys")[0];
    const k = await client.getKey(own);
    expect(k.key?.kty).toMatch(/RSA|EC/);
    const vers = [];
    for await (const p of client.listPropertiesOfKeyVersions(own)) vers.push(p);
    expect(vers.length).toBeGreaterThanOrEqual(1);
    const rp = await client.getKeyRotationPolicy(own);
    expect(rp.lifetimeActions?.length).toBeGreaterThanOrEqual(1);
  });

  test("firewall-blocked vault → 403 ForbiddenByFirewall", async () => {
    const v = vaultNamed(2);
    const client = new SecretClient(cloud.endpoints.vaults[v.name], cred, kvOpts);
    // paged list: the SDK builds its own message ("Pagination failed…") but keeps status and code
    const err = await client
      .listPropertiesOfSecrets()
      .next()
      .catch((e) => e);
    expect(err).toBeInstanceOf(RestError);
    expect(err.statusCode).toBe(403);
    expect(err.code).toBe("Forbidden");
    const err2 = await client.getSecret("anything").catch((e) => e);
    expect(err2).toMatchObject({ statusCode: 403, code: "Forbidden" });
    expect(err2.message).toContain("Client address is not authorized and caller is not a trusted service.");
    const token = (await cred.getToken("https://vault.azure.net/.default"))!.token;
    const r = await raw(`${cloud.endpoints.vaults[v.name]}/secrets?api-version=7.5`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = JSON.parse(r.body);
    expect(body.error.innererror.code).toBe("ForbiddenByFirewall");
    expect(body.error.message).toBe(
      `Client address is not authorized and caller is not a trusted service.\r\nClient address: 127.0.0.1\r\nCaller: appid=${cloud.estate.productIdentity.clientId};oid=${cloud.estate.productIdentity.oid};iss=https://sts.windows.net/${cloud.estate.tenantId}/\r\nVault: ${v.name};location=${v.location}`,
    );
  });

  test("RBAC vault without role → 403 ForbiddenByRbac; access-policy vault without get → AccessDenied", async () => {
    const token = (await cred.getToken("https://vault.azure.net/.default"))!.token;
    const v3 = vaultNamed(3);
    const c3 = new SecretClient(cloud.endpoints.vaults[v3.name], cred, kvOpts);
    const e3 = await c3
      .listPropertiesOfSecrets()
      .next()
      .catch((e) => e);
    expect(e3).toMatchObject({ statusCode: 403, code: "Forbidden" });
    const e3b = await c3.getSecret("db-password").catch((e) => e);
    expect(e3b).toMatchObject({ statusCode: 403, code: "Forbidden" });
    expect(e3b.message).toContain("Caller is not authorized to perform action on resource.");
    expect(e3b.message).toContain("Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'");
    const r3 = JSON.parse(
      (
        await raw(`${cloud.endpoints.vaults[v3.name]}/secrets?api-version=7.5`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).body,
    );
    expect(r3.error.innererror.code).toBe("ForbiddenByRbac");
    expect(r3.error.message).toContain("Action: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'");

    const v4 = vaultNamed(4);
    const c4 = new SecretClient(cloud.endpoints.vaults[v4.name], cred, kvOpts);
    const listed = [];
    for await (const p of c4.listPropertiesOfSecrets()) listed.push(p.name);
    expect(listed.length).toBeGreaterThan(0);
    const e4 = await c4.getSecret(listed[0]).catch((e) => e);
    expect(e4).toMatchObject({ statusCode: 403, code: "Forbidden" });
    expect(e4.message).toContain("does not have secrets get permission on key vault");
    const r4 = JSON.parse(
      (
        await raw(`${cloud.endpoints.vaults[v4.name]}/secrets/${listed[0]}?api-version=7.5`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).body,
    );
    expect(r4.error.innererror.code).toBe("AccessDenied");
  });

  test("metadata-only discovery over every vault makes zero secret-value reads", async () => {
    cloud.control.resetCounters();
    let reachable = 0;
    for (const v of cloud.control.vaults()) {
      const client = new SecretClient(cloud.endpoints.vaults[v.name], cred, kvOpts);
      try {
        for await (const p of client.listPropertiesOfSecrets()) void p;
        reachable++;
      } catch (e) {
        expect((e as RestError).statusCode).toBe(403);
      }
    }
    expect(reachable).toBe(3);
    expect(cloud.control.count("kv.secrets.list")).toBeGreaterThanOrEqual(5);
    expect(cloud.control.count("kv.secrets.get")).toBe(0);
    const log = cloud.control.log({ service: "kv" });
    expect(log.some((e) => e.status === 403)).toBe(true);
  });
});
