// Contract tests: for each official example payload used (tests/cloud/contract-examples, sources in its README), the
// local cloud's response to the same operation has the same field names and JSON types. Extra fields are allowed only
// where listed below, with why.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import forge from "node-forge";
import { startCloud, type LocalCloud } from "../../cloud";
import { EXAMPLES_DIR, example, exampleBody, shapeDiff, type ShapeRules } from "./shape";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let cloud: LocalCloud;
let v0: string; // RBAC vault, purge protection on
let v1: string; // access-policy vault, soft delete on, no purge protection
let kvToken: string, armToken: string, graphToken: string;

/** Why extra fields are allowed (documented in docs/local-cloud.md § Contract tests). */
const TRIGGER_ONE_OF = [
  // LifetimeAction.trigger is one of lifetime_percentage | days_before_expiry (Trigger schema)
  "$.policy.lifetime_actions[].trigger.lifetime_percentage",
  "$.policy.lifetime_actions[].trigger.days_before_expiry",
  "$.lifetime_actions[].trigger.lifetime_percentage",
  "$.lifetime_actions[].trigger.days_before_expiry",
];
// KeyProperties.crv (7.5 schema): present on EC certificate policies only
const EC_CURVE = ["$.policy.key_props.crv", "$.key_props.crv"];
const KV_ATTR_EXTRA = [
  // SecretAttributes/CertificateAttributes/KeyAttributes in the 7.5 spec: nbf, exp, recoveryLevel, recoverableDays are
  // part of the schema; the examples simply predate or omit them.
  "$.value[].attributes.recoveryLevel",
  "$.value[].attributes.recoverableDays",
  "$.value[].attributes.exp",
  "$.value[].attributes.nbf",
  "$.attributes.recoveryLevel",
  "$.attributes.recoverableDays",
  "$.attributes.exp",
  "$.attributes.nbf",
  // keys: 'exportable' is in KeyAttributes since 7.3
  "$.attributes.exportable",
  "$.value[].attributes.exportable",
  // tags are part of every item/bundle schema
  "$.value[].tags",
  "$.tags",
];

async function kv(vault: string, method: string, p: string, body?: unknown) {
  const r = await fetch(`${cloud.endpoints.vaults[vault]}${p}${p.includes("?") ? "&" : "?"}api-version=7.5`, {
    method,
    headers: { authorization: `Bearer ${kvToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (r.status === 204 ? null : await r.json()) as Json };
}
async function armReq(method: string, p: string, body?: unknown) {
  const r = await fetch(`${cloud.env.AZURE_ARM_ENDPOINT}${p}`, {
    method,
    headers: { authorization: `Bearer ${armToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Json };
}
async function graph(method: string, p: string, body?: unknown) {
  const r = await fetch(`${cloud.env.AZURE_GRAPH_ENDPOINT}${p}`, {
    method,
    headers: { authorization: `Bearer ${graphToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (r.status === 204 ? null : await r.json()) as Json };
}
function expectShape(expected: unknown, actual: unknown, rules?: ShapeRules) {
  expect(shapeDiff(expected, actual, rules)).toEqual([]);
}

beforeAll(async () => {
  cloud = await startCloud({ estate: "tiny", throttling: false, pageSizes: { arm: 1 } });
  [v0, v1] = cloud.control.vaults().map((v) => v.name);
  const oid = cloud.estate.productIdentity.oid;
  cloud.control.addRoleAssignment(v0, oid, "Key Vault Administrator");
  cloud.control.setAccessPolicy(v1, oid, {
    secrets: ["get", "list", "set", "delete", "recover", "purge"],
    keys: ["get", "list", "getrotationpolicy"],
    certificates: ["get", "list", "import"],
  });
  kvToken = cloud.control.token("https://vault.azure.net");
  armToken = cloud.control.token("https://management.azure.com");
  graphToken = cloud.control.token("https://graph.microsoft.com");
  // fixtures shaped like the examples' subjects
  cloud.control.setSecret(v0, "aaa-contract", "CCCANARY-contractv1aaaaaa", { contentType: "plainText" });
  cloud.control.setSecret(v0, "aaa-contract", "CCCANARY-contractv2aaaaaa", { contentType: "plainText" });
  for (const n of ["aaa-del-1", "aaa-del-2"]) {
    cloud.control.setSecret(v1, n, "CCCANARY-deletemeaaaaaaa", { contentType: "plainText" });
    cloud.control.deleteSecret(v1, n);
  }
});
afterAll(async () => {
  await cloud?.stop();
});

test("the examples are the published bytes (SHA256SUMS)", () => {
  const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  const lines = fs.readFileSync(path.join(EXAMPLES_DIR, "SHA256SUMS"), "utf8").trim().split("\n");
  const changed = lines
    .map((line) => line.split(/\s+/))
    .filter(([sum, file]) => sha256(path.join(EXAMPLES_DIR, file)) !== sum)
    .map(([, file]) => file);
  expect(changed).toEqual([]);
});

describe("Key Vault 7.5 examples", () => {
  test("GetSecrets", async () => {
    const r = await kv(v0, "GET", "/secrets?maxresults=1");
    expect(r.body.value[0].id).toMatch(/\/secrets\/aaa-contract$/);
    expectShape(exampleBody("keyvault-7.5/GetSecrets-example.json"), r.body, { extra: KV_ATTR_EXTRA });
  });
  test("GetSecret", async () => {
    const ver = cloud.control.object(v0, "secrets", "aaa-contract").versions[0].version;
    const r = await kv(v0, "GET", `/secrets/aaa-contract/${ver}`);
    expectShape(exampleBody("keyvault-7.5/GetSecret-example.json"), r.body, {
      extra: [...KV_ATTR_EXTRA, "$.contentType"],
    });
  });
  test("GetSecretVersions", async () => {
    const r = await kv(v0, "GET", "/secrets/aaa-contract/versions?maxresults=1");
    // contentType is part of SecretItem (the example's versions have none)
    expectShape(exampleBody("keyvault-7.5/GetSecretVersions-example.json"), r.body, {
      extra: [...KV_ATTR_EXTRA, "$.value[].contentType"],
    });
  });
  test("SetSecret", async () => {
    const r = await kv(
      v0,
      "PUT",
      "/secrets/contract-set",
      example("keyvault-7.5/SetSecret-example.json") && { value: "CCCANARY-setsecretaaaaaaa" },
    );
    expectShape(exampleBody("keyvault-7.5/SetSecret-example.json"), r.body, { extra: KV_ATTR_EXTRA });
  });
  test("UpdateSecret", async () => {
    const ver = cloud.control.object(v0, "secrets", "aaa-contract").versions[1].version;
    const req = (example("keyvault-7.5/UpdateSecret-example.json") as { parameters: { parameters: unknown } })
      .parameters.parameters;
    const r = await kv(v0, "PATCH", `/secrets/aaa-contract/${ver}`, req);
    expectShape(exampleBody("keyvault-7.5/UpdateSecret-example.json"), r.body, { extra: KV_ATTR_EXTRA });
  });
  test("DeleteSecret / GetDeletedSecret / GetDeletedSecrets / RecoverDeletedSecret", async () => {
    cloud.control.setSecret(v1, "contract-del", "CCCANARY-deletemebbbbbbb");
    const d = await kv(v1, "DELETE", "/secrets/contract-del");
    expectShape(exampleBody("keyvault-7.5/DeleteSecret-example.json"), d.body, { extra: KV_ATTR_EXTRA });
    const g = await kv(v1, "GET", "/deletedsecrets/contract-del");
    expectShape(exampleBody("keyvault-7.5/GetDeletedSecret-example.json"), g.body, { extra: KV_ATTR_EXTRA });
    const l = await kv(v1, "GET", "/deletedsecrets?maxresults=1");
    expectShape(exampleBody("keyvault-7.5/GetDeletedSecrets-example.json"), l.body, { extra: KV_ATTR_EXTRA });
    const rec = await kv(v1, "POST", "/deletedsecrets/contract-del/recover");
    expectShape(exampleBody("keyvault-7.5/RecoverDeletedSecret-example.json"), rec.body, { extra: KV_ATTR_EXTRA });
  });
  test("GetCertificates / GetCertificateVersions / GetCertificate / GetCertificatePolicy", async () => {
    const l = await kv(v0, "GET", "/certificates");
    expectShape(exampleBody("keyvault-7.5/GetCertificates-example.json"), l.body, {
      extra: KV_ATTR_EXTRA,
      nullable: ["$.nextLink"],
    });
    const name = cloud.control.objects(v0, "certificates")[0];
    const vs = await kv(v0, "GET", `/certificates/${name}/versions`);
    expectShape(exampleBody("keyvault-7.5/GetCertificateVersions-example.json"), vs.body, {
      extra: KV_ATTR_EXTRA,
      nullable: ["$.nextLink"],
    });
    const g = await kv(v0, "GET", `/certificates/${name}`);
    // x509_props.sans: part of X509CertificateProperties (set when the policy has SANs)
    expectShape(exampleBody("keyvault-7.5/GetCertificate-example.json"), g.body, {
      extra: [...KV_ATTR_EXTRA, ...TRIGGER_ONE_OF, ...EC_CURVE, "$.policy.x509_props.sans"],
      optional: TRIGGER_ONE_OF,
    });
    const p = await kv(v0, "GET", `/certificates/${name}/policy`);
    expectShape(exampleBody("keyvault-7.5/GetCertificatePolicy-example.json"), p.body, {
      extra: ["$.x509_props.sans", ...TRIGGER_ONE_OF, ...EC_CURVE],
      optional: TRIGGER_ONE_OF,
    });
  });
  test("ImportCertificate", async () => {
    const keys = forge.pki.rsa.generateKeyPair({ bits: 1024 });
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = "01";
    cert.validity.notBefore = new Date(Date.now() - 86400_000);
    cert.validity.notAfter = new Date(Date.now() + 86400_000 * 30);
    cert.setSubject([{ name: "commonName", value: "KeyVaultTest" }]);
    cert.setIssuer([{ name: "commonName", value: "KeyVaultTest" }]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    const pfx = forge.util.encode64(
      forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], "123")).getBytes(),
    );
    const req = (
      example("keyvault-7.5/ImportCertificate-example.json") as { parameters: { parameters: { policy: unknown } } }
    ).parameters.parameters;
    const r = await kv(v0, "POST", "/certificates/importCert01/import", { ...req, value: pfx, pwd: "123" });
    expect(r.status).toBe(200);
    expectShape(exampleBody("keyvault-7.5/ImportCertificate-example.json"), r.body, {
      extra: [...KV_ATTR_EXTRA, "$.policy.x509_props.sans"],
    });
  });
  test("GetKeys / GetKey / GetKeyVersions / GetKeyRotationPolicy", async () => {
    const l = await kv(v0, "GET", "/keys?maxresults=1");
    // 'managed' appears on keys backing a certificate (KeyItem.managed)
    expectShape(exampleBody("keyvault-7.5/GetKeys-example.json"), l.body, {
      extra: [...KV_ATTR_EXTRA, "$.value[].managed"],
    });
    const name = cloud.control
      .objects(v0, "keys")
      .find((n) => cloud.control.object(v0, "keys", n).versions.at(-1)!.kty === "RSA")!;
    cloud.control.updateObject(v0, "keys", name, { tags: { purpose: "unit test" } });
    const ver = cloud.control.object(v0, "keys", name).versions.at(-1)!.version;
    const g = await kv(v0, "GET", `/keys/${name}/${ver}`);
    expectShape(exampleBody("keyvault-7.5/GetKey-example.json"), g.body, { extra: KV_ATTR_EXTRA });
    const vs = await kv(v0, "GET", `/keys/${name}/versions?maxresults=1`);
    expectShape(exampleBody("keyvault-7.5/GetKeyVersions-example.json"), vs.body, {
      extra: KV_ATTR_EXTRA,
      nullable: ["$.nextLink"],
    });
    cloud.control.object(v0, "keys", name).rotationPolicy = {
      lifetimeActions: [
        { trigger: { timeAfterCreate: "P90D" }, action: { type: "Rotate" } },
        { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } },
      ],
      expiryTime: "P2Y",
      created: 1482188947,
      updated: 1482188948,
    };
    const rp = await kv(v0, "GET", `/keys/${name}/rotationpolicy`);
    expectShape(exampleBody("keyvault-7.5/GetKeyRotationPolicy-example.json"), rp.body);
  });
});

const VAULT_EXTRA = [
  // VaultProperties fields in the Microsoft.KeyVault schema that the (older, minimal) examples leave out
  "$.properties.softDeleteRetentionInDays",
  "$.properties.enableRbacAuthorization",
  "$.properties.enablePurgeProtection",
  "$.properties.networkAcls",
  "$.properties.privateEndpointConnections",
  "$.properties.publicNetworkAccess",
  "$.properties.enableSoftDelete",
];
const VAULT_OPTIONAL = [
  // hsmPoolResourceId is a legacy read-only field; real vaults omit it
  "$.properties.hsmPoolResourceId",
];

describe("ARM examples", () => {
  test("listVaultBySubscription (2023-02-01 example) and getVault (2023-07-01)", async () => {
    const sid = cloud.estate.subscriptions[0].subscriptionId;
    const l = await armReq("GET", `/subscriptions/${sid}/providers/Microsoft.KeyVault/vaults?api-version=2023-07-01`);
    expect(l.body.nextLink).toBeTruthy();
    const listRules = {
      extra: VAULT_EXTRA.map((x) => x.replace("$.", "$.value[].")),
      optional: VAULT_OPTIONAL.map((x) => x.replace("$.", "$.value[].")),
    };
    expectShape(exampleBody("arm-keyvault-2023-07-01/from-2023-02-01/listVaultBySubscription.json"), l.body, listRules);
    const v = cloud.control.vault(v1);
    const g = await armReq("GET", `${v.id}?api-version=2023-07-01`);
    expectShape(exampleBody("arm-keyvault-2023-07-01/getVault.json"), g.body, {
      extra: VAULT_EXTRA,
      optional: VAULT_OPTIONAL,
    });
  });
  test("GetSubscriptions / GetSubscription", async () => {
    const l = await armReq("GET", "/subscriptions?api-version=2022-12-01");
    // nextLink is only present when there is a next page (the example shows a placeholder "...")
    expectShape(exampleBody("arm-subscriptions/GetSubscriptions.json"), l.body, { optional: ["$.nextLink"] });
    const g = await armReq(
      "GET",
      `/subscriptions/${cloud.estate.subscriptions[0].subscriptionId}?api-version=2022-12-01`,
    );
    expectShape(exampleBody("arm-subscriptions/GetSubscription.json"), g.body);
  });
  test("listDiagnosticSettings / getDiagnosticSetting", async () => {
    cloud.control.setVaultProperties(v0, {
      diagnostics: [
        {
          name: "mysetting",
          storageAccountId: "/subscriptions/x/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/s",
          eventHubAuthorizationRuleId:
            "/subscriptions/x/resourceGroups/r/providers/Microsoft.EventHub/namespaces/n/authorizationrules/RootManageSharedAccessKey",
          workspaceId: "",
          metrics: [{ category: "AllMetrics", enabled: true }],
          logs: [{ categoryGroup: "allLogs", enabled: true }],
        },
      ],
    });
    const v = cloud.control.vault(v0);
    // logAnalyticsDestinationType: DiagnosticSettings schema field (null unless set);
    // marketplacePartnerId: only present when a partner solution is a destination
    const rules = {
      extra: ["$.value[].properties.logAnalyticsDestinationType", "$.properties.logAnalyticsDestinationType"],
      optional: ["$.properties.marketplacePartnerId", "$.value[].properties.marketplacePartnerId"],
    };
    const l = await armReq(
      "GET",
      `${v.id}/providers/Microsoft.Insights/diagnosticSettings?api-version=2021-05-01-preview`,
    );
    expectShape(exampleBody("monitor-diagnostic-settings/listDiagnosticSettings.json"), l.body, rules);
    const g = await armReq(
      "GET",
      `${v.id}/providers/Microsoft.Insights/diagnosticSettings/mysetting?api-version=2021-05-01-preview`,
    );
    expectShape(exampleBody("monitor-diagnostic-settings/getDiagnosticSetting.json"), g.body, rules);
  });
  test("GetPricingByName (Defender plan, 2024-01-01), Standard and Free", async () => {
    const { control, estate } = cloud;
    const sid = estate.subscriptions[0].subscriptionId;
    const was = estate.subscriptions[0].defenderForKeyVault;
    const url = `/subscriptions/${sid}/providers/Microsoft.Security/pricings/KeyVaults?api-version=2024-01-01`;
    const example = exampleBody("security-pricings-2024-01-01/GetPricingByNameDns_example.json");
    // subPlan: a Pricing schema field, set on Key Vault plans (PerKeyVault / PerTransaction); enablementTime: only
    // while the plan is on (the Free entries of ListPricings_example.json have none)
    const rules = { extra: ["$.properties.subPlan"], optional: ["$.properties.enablementTime"] };
    control.setDefenderPlan(sid, "Standard");
    const on = await armReq("GET", url);
    expectShape(example, on.body, rules);
    expect(on.body.name).toBe("KeyVaults");
    control.setDefenderPlan(sid, "Free");
    const off = await armReq("GET", url);
    expectShape(example, off.body, rules);
    expect(off.body.properties).toMatchObject({ pricingTier: "Free", resourcesCoverageStatus: "NotCovered" });
    control.setDefenderPlan(sid, was);
  });
  test("ListAppSettings", async () => {
    const site = cloud.estate.sites[0];
    const r = await armReq("POST", `${site.id}/config/appsettings/list?api-version=2023-12-01`);
    // location: present on real Microsoft.Web/sites/config responses (proxy resource carries the site's location);
    // properties: the setting names differ by nature (the example has Setting1/Setting2)
    const e = exampleBody("web-app-settings/ListAppSettings.json") as { properties: unknown };
    expectShape({ ...e, properties: {} }, { ...r.body, properties: {} }, { extra: ["$.location"] });
    expect(Object.values(r.body.properties).every((x) => typeof x === "string")).toBe(true);
  });
  test("UpdateAppSettings (PUT replaces the list; what rotation's reference update sends)", async () => {
    const site = cloud.estate.sites[1];
    const listed = await armReq("POST", `${site.id}/config/appsettings/list?api-version=2023-12-01`);
    const props = { ...(listed.body.properties as Record<string, string>), Setting1: "Value1" };
    const r = await armReq("PUT", `${site.id}/config/appsettings?api-version=2023-12-01`, { properties: props });
    const e = exampleBody("web-app-settings/UpdateAppSettings.json") as { properties: unknown };
    expectShape({ ...e, properties: {} }, { ...r.body, properties: {} }, { extra: ["$.location"] });
    const after = await armReq("POST", `${site.id}/config/appsettings/list?api-version=2023-12-01`);
    expect(after.body.properties).toEqual(props);
  });
});

describe("Container Apps examples (2024-03-01)", () => {
  test("ContainerApps_ListSecrets: every secret by name; values or Key Vault URLs as the schema allows", async () => {
    const ca = cloud.estate.containerApps[0];
    const r = await armReq("POST", `${ca.id}/listSecrets?api-version=2024-03-01`);
    // ContainerAppSecret: name, value, identity, keyVaultUrl — the example lists plain secrets by name only
    expectShape(exampleBody("container-apps-2024-03-01/ContainerApps_ListSecrets.json"), r.body, {
      extra: ["$.value[].value", "$.value[].keyVaultUrl", "$.value[].identity"],
    });
    expect((r.body.value as { keyVaultUrl?: string }[]).some((x) => x.keyVaultUrl?.includes("/secrets/"))).toBe(true);
  });
});

describe("Resource Graph examples", () => {
  test("ResourcesFirstPageQuery / ResourcesNextPageQuery (same projection, vault query family)", async () => {
    const subs = cloud.estate.subscriptions.map((s) => s.subscriptionId);
    const query = "Resources | where type =~ 'microsoft.keyvault/vaults' | project id, name, type, location";
    const first = await armReq("POST", "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01", {
      subscriptions: subs,
      query,
      options: { $top: 3, $skip: 0 },
    });
    expectShape(exampleBody("resource-graph/2024-04-01/ResourcesFirstPageQuery.json"), first.body);
    const next = await armReq("POST", "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01", {
      subscriptions: subs,
      query,
      options: { $skipToken: first.body.$skipToken, $top: 1 },
    });
    expectShape(exampleBody("resource-graph/2024-04-01/ResourcesNextPageQuery.json"), next.body);
    const basic = await armReq("POST", "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01", {
      subscriptions: subs,
      query: "Resources | where type =~ 'microsoft.keyvault/vaults' | project id, name, type, location, tags",
    });
    expectShape(exampleBody("resource-graph/2024-04-01/ResourcesBasicQuery.json"), basic.body);
  });
});

describe("Microsoft Graph examples", () => {
  test("application-list example1 ($select) / example3 ($count) / application-get example1 / serviceprincipal-list", async () => {
    const sel = "appId,identifierUris,displayName,publisherDomain,signInAudience";
    const l = await graph("GET", `/v1.0/applications?$select=${sel}`);
    expectShape(example("graph/application-list.example1.response.json"), l.body, { extra: ["$.@odata.nextLink"] });
    const c = await graph(
      "GET",
      `/v1.0/applications?$select=${sel}&$count=true&$filter=startswith(displayName,'a')&$top=1`,
    );
    expectShape(example("graph/application-list.example3.response.json"), c.body, { extra: ["$.@odata.nextLink"] });
    const app = cloud.control.apps()[0];
    const g = await graph("GET", `/v1.0/applications/${app.id}`);
    expectShape(example("graph/application-get.example1.response.json"), g.body, {
      // description, notes, serviceManagementReference, spa: application resource properties not shown in that example
      extra: ["$.description", "$.notes", "$.serviceManagementReference", "$.spa"],
      // unset optional values come back null (samlMetadataUrl, certification, verifiedPublisher.*, api.requestedAccessTokenVersion)
      nullable: [
        "$.samlMetadataUrl",
        "$.certification",
        "$.verifiedPublisher.displayName",
        "$.verifiedPublisher.verifiedPublisherId",
        "$.verifiedPublisher.addedDateTime",
        "$.api.requestedAccessTokenVersion",
      ],
    });
    const sp = await graph("GET", "/v1.0/servicePrincipals?$top=2");
    // servicePrincipalType/signInAudience: servicePrincipal properties not in that example; @odata.context/nextLink: paging
    expectShape(example("graph/serviceprincipal-list.response.json"), sp.body, {
      extra: ["$.@odata.context", "$.@odata.nextLink", "$.value[].servicePrincipalType", "$.value[].signInAudience"],
    });
  });
  test("addPassword (request from the example) / removePassword", async () => {
    const app = cloud.control.apps()[1];
    const r = await graph(
      "POST",
      `/v1.0/applications/${app.id}/addPassword`,
      example("graph/application-addpassword.request.json"),
    );
    // @odata.context is sent by the real service on this action
    expectShape(example("graph/application-addpassword.response.json"), r.body, { extra: ["$.@odata.context"] });
    const rm = await graph("POST", `/v1.0/applications/${app.id}/removePassword`, {
      ...(example("graph/application-removepassword.request.json") as object),
      keyId: r.body.keyId,
    });
    expect(rm.status).toBe(204);
  });
});

describe("AWS Secrets Manager examples (botocore examples-1.json outputs)", () => {
  const ex = () =>
    (
      example("aws-secretsmanager/examples-1.json") as {
        examples: Record<string, { input: Record<string, unknown>; output: unknown }[]>;
      }
    ).examples;
  async function call(op: string, input: unknown) {
    const r = await fetch(cloud.env.AWS_SECRETS_MANAGER_ENDPOINT, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `secretsmanager.${op}`,
        authorization: "AWS4-HMAC-SHA256 Credential=local",
      },
      body: JSON.stringify(input),
    });
    const t = await r.text();
    return { status: r.status, body: t ? JSON.parse(t) : null };
  }
  test("CreateSecret / PutSecretValue / GetSecretValue / DescribeSecret / ListSecrets / TagResource / UpdateSecret / DeleteSecret", async () => {
    const e = ex();
    const created = await call("CreateSecret", e.CreateSecret[0].input);
    expect(created.status).toBe(200);
    expectShape(e.CreateSecret[0].output, created.body);
    const put = await call("PutSecretValue", { ...e.PutSecretValue[0].input, SecretId: "MyTestDatabaseSecret" });
    expectShape(e.PutSecretValue[0].output, put.body);
    const get = await call("GetSecretValue", { SecretId: "MyTestDatabaseSecret", VersionStage: "AWSPREVIOUS" });
    expectShape(e.GetSecretValue[0].output, get.body);
    await call("UpdateSecret", {
      SecretId: "MyTestDatabaseSecret",
      KmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/EXAMPLE",
      Description: "My test database secret",
    });
    // LastAccessedDate is a JSON string in the example but a timestamp (epoch number) in service-2.json: example erratum
    const desc = await call("DescribeSecret", { SecretId: "MyTestDatabaseSecret" });
    expectShape(
      { ...(e.DescribeSecret[0].output as object), RotationRules: { AutomaticallyAfterDays: 14 } },
      desc.body,
      {
        anyType: ["$.LastAccessedDate"],
        // rotation fields exist only for secrets with rotation configured; LastAccessedDate only after a read (there was one)
        optional: ["$.RotationLambdaARN", "$.RotationRules", "$.LastRotatedDate", "$.NextRotationDate"],
        extra: ["$.CreatedDate"],
      },
    );
    const tag = await call("TagResource", { ...e.TagResource[0].input, SecretId: "MyTestDatabaseSecret" });
    expect(tag.status).toBe(200);
    expect(e.TagResource[0].output ?? null).toBeNull();
    const list = await call("ListSecrets", {});
    // ListSecrets entries carry optional fields depending on each secret (tags, rotation, KMS, access dates, CreatedDate)
    expectShape(e.ListSecrets[0].output, list.body, {
      extra: [
        "$.SecretList[].Tags",
        "$.SecretList[].RotationEnabled",
        "$.SecretList[].RotationRules",
        "$.SecretList[].LastAccessedDate",
        "$.SecretList[].CreatedDate",
        "$.SecretList[].KmsKeyId",
        "$.NextToken",
      ],
    });
    const upd = await call("UpdateSecret", { ...e.UpdateSecret[0].input, SecretId: "MyTestDatabaseSecret" });
    expectShape(e.UpdateSecret[0].output, upd.body, { extra: ["$.VersionId"] });
    const del = await call("DeleteSecret", { ...e.DeleteSecret[0].input, SecretId: "MyTestDatabaseSecret" });
    // DeletionDate is a JSON string in the example, a timestamp (number) in service-2.json: example erratum
    expectShape(e.DeleteSecret[0].output, del.body, { anyType: ["$.DeletionDate"] });
    expect(typeof del.body.DeletionDate).toBe("number");
  });
});

describe("GCP Secret Manager (Config Connector recorded HTTP logs)", () => {
  function logBlocks(rel: string): { request: string; status: number; body: unknown }[] {
    const text = fs.readFileSync(path.join(EXAMPLES_DIR, rel), "utf8");
    return text.split(/\n---\n/).map((b) => {
      const lines = b.trim().split("\n");
      const request = lines[0];
      const si = lines.findIndex((l) => /^\d{3} /.test(l));
      const status = Number(lines[si].slice(0, 3));
      const rest = lines.slice(si + 1);
      const bodyStart = rest.findIndex((l) => l.trim() === "");
      const bodyText = rest
        .slice(bodyStart + 1)
        .join("\n")
        .trim();
      return { request, status, body: bodyText ? JSON.parse(bodyText) : null };
    });
  }
  async function g(method: string, p: string, body?: unknown) {
    const r = await fetch(
      `${cloud.env.GCP_SECRET_MANAGER_ENDPOINT}${p}${p.includes("?") ? "&" : "?"}$alt=json%3Benum-encoding%3Dint`,
      {
        method,
        headers: { authorization: "Bearer x", "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
    );
    return { status: r.status, body: (await r.json()) as Json };
  }
  test("secret version lifecycle: 404, create, addVersion, get version, disable", async () => {
    const blocks = logBlocks("gcp-secretmanager/kcc-recorded-http-logs/secretmanagersecretversion/_http.log");
    const find = (re: RegExp, status = 200) => blocks.find((b) => re.test(b.request) && b.status === status)!;
    const p = `/v1/projects/${cloud.env.GCP_PROJECT_ID}/secrets`;
    const nf = await g("GET", `${p}/contract-x`);
    expectShape(find(/^GET .*\/secrets\/[^/]+\?/, 404).body, nf.body);
    const created = await g("POST", `${p}?secretId=contract-x`, {
      labels: { "cnrm-test": "true" },
      replication: { automatic: {} },
    });
    expectShape(find(/^POST .*\/secrets\?/).body, created.body);
    const added = await g("POST", `${p}/contract-x:addVersion`, {
      payload: { data: Buffer.from("CCCANARY-gcpcontractxxxx").toString("base64") },
    });
    expectShape(find(/:addVersion/).body, added.body);
    const ver = await g("GET", `${p}/contract-x/versions/1`);
    expectShape(find(/^GET .*\/versions\/1\?/).body, ver.body);
    const dis = await g("POST", `${p}/contract-x/versions/1:disable`, {});
    expectShape(find(/:disable/).body, dis.body);
    expect(dis.body.state).toBe(2);
  });
  test("access (dataform log, payload.data + dataCrc32c)", async () => {
    const blocks = logBlocks("gcp-secretmanager/kcc-recorded-http-logs/dataformrepository-full/_http.log");
    const acc = blocks.find((b) => /:access/.test(b.request) && b.status === 200)!;
    const id = cloud.control.gcpSecrets()[0];
    const r = await g("GET", `/v1/projects/${cloud.env.GCP_PROJECT_ID}/secrets/${id}/versions/1:access`);
    expectShape(acc.body, r.body);
  });
});
