// Real @microsoft/microsoft-graph-client (token via managed identity) against the local Graph.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import crypto from "node:crypto";
import { Client, GraphError, PageIterator, type PageCollection } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials";
import { DefaultAzureCredential } from "@azure/identity";
import { startCloud, CANARY_PREFIX, type LocalCloud } from "../../cloud";

let cloud: LocalCloud;
let graph: Client;

beforeAll(async () => {
  cloud = await startCloud({ estate: "demo", throttling: false, pageSizes: { graph: 25 } });
  Object.assign(process.env, cloud.env);
  const cred = new DefaultAzureCredential();
  graph = Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(cred, { scopes: ["https://graph.microsoft.com/.default"] }),
    baseUrl: cloud.env.AZURE_GRAPH_ENDPOINT,
    customHosts: new Set(["127.0.0.1"]),
    defaultVersion: "v1.0",
  });
});
afterAll(async () => {
  await cloud?.stop();
});

type App = {
  id: string;
  appId: string;
  displayName: string;
  passwordCredentials: {
    keyId: string;
    endDateTime: string;
    hint: string;
    secretText: string | null;
    displayName: string | null;
    customKeyIdentifier: string | null;
    startDateTime: string;
  }[];
  keyCredentials: { keyId: string; customKeyIdentifier: string; endDateTime: string }[];
};

describe("Microsoft Graph", () => {
  test("applications: paging with absolute @odata.nextLink through PageIterator, $select", async () => {
    const first = (await graph
      .api("/applications")
      .select("id,appId,displayName,passwordCredentials,keyCredentials")
      .top(25)
      .get()) as PageCollection;
    expect(first["@odata.nextLink"]).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/applications\?/);
    expect(Object.keys(first.value[0]).sort()).toEqual([
      "appId",
      "displayName",
      "id",
      "keyCredentials",
      "passwordCredentials",
    ]);
    const all: App[] = [];
    await new PageIterator(graph, first, (a) => {
      all.push(a as App);
      return true;
    }).iterate();
    expect(all.length).toBe(60);
    expect(new Set(all.map((a) => a.id)).size).toBe(60);
    const withCreds = all.filter((a) => a.passwordCredentials.length > 0);
    expect(withCreds.length).toBeGreaterThan(40);
    const pc = withCreds[0].passwordCredentials[0];
    expect(Object.keys(pc).sort()).toEqual([
      "customKeyIdentifier",
      "displayName",
      "endDateTime",
      "hint",
      "keyId",
      "secretText",
      "startDateTime",
    ]);
    expect(pc.secretText).toBeNull();
    expect(all.some((a) => a.keyCredentials.length > 0)).toBe(true);
    // expiry spread: some already expired, some in the next 30 days
    const ends = all.flatMap((a) => a.passwordCredentials.map((c) => Date.parse(c.endDateTime)));
    expect(ends.some((t) => t < Date.now())).toBe(true);
    expect(ends.some((t) => t > Date.now() && t < Date.now() + 30 * 86400_000)).toBe(true);
    expect(cloud.control.count("graph.applications.list")).toBe(3);
  });

  test("$top bounds, $filter appId eq / startswith(displayName)", async () => {
    await expect(graph.api("/applications").top(1000).get()).rejects.toBeInstanceOf(GraphError);
    const target = cloud.control.apps()[7];
    const r = await graph.api("/applications").filter(`appId eq '${target.appId}'`).get();
    expect(r.value.map((a: App) => a.id)).toEqual([target.id]);
    const s = await graph.api("/applications").filter("startswith(displayName,'Payments')").top(999).get();
    expect(s.value.length).toBeGreaterThan(0);
    expect(s.value.every((a: App) => a.displayName.startsWith("Payments"))).toBe(true);
    await expect(graph.api("/applications").filter("owners/$count eq 0").get()).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  test("single application, (appId='…') addressing, owners, 404 as GraphError", async () => {
    const a = cloud.control.apps()[0];
    const got = await graph.api(`/applications/${a.id}`).get();
    expect(got.appId).toBe(a.appId);
    const byAppId = await graph.api(`/applications(appId='${a.appId}')`).select("id,displayName").get();
    expect(byAppId.id).toBe(a.id);
    const owners = await graph.api(`/applications/${a.id}/owners`).get();
    expect(Array.isArray(owners.value)).toBe(true);
    expect(owners.value[0]?.["@odata.type"]).toBe("#microsoft.graph.user");
    const err = await graph
      .api(`/applications/${crypto.randomUUID()}`)
      .get()
      .catch((e) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe("Request_ResourceNotFound");
  });

  test("servicePrincipals list", async () => {
    const r = await graph.api("/servicePrincipals").top(999).get();
    expect(r.value.length).toBe(60);
    expect(r.value[0].servicePrincipalType).toBe("Application");
    expect(Array.isArray(r.value[0].passwordCredentials)).toBe(true);
  });

  test("addPassword returns secretText + new keyId; removePassword 204; addKey/removeKey", async () => {
    const a = cloud.control.apps()[3];
    const before = cloud.control.app(a.id).passwordCredentials.length;
    const created = await graph.api(`/applications/${a.id}/addPassword`).post({
      passwordCredential: {
        displayName: "rotated by CertifyClouds",
        endDateTime: new Date(Date.now() + 90 * 86400_000).toISOString(),
      },
    });
    expect(created.secretText).toContain(CANARY_PREFIX);
    expect(created.hint).toBe(created.secretText.slice(0, 3));
    expect(created.keyId).toMatch(/^[0-9a-f-]{36}$/);
    expect(cloud.control.app(a.id).passwordCredentials.length).toBe(before + 1);
    const listed = await graph.api(`/applications/${a.id}`).select("passwordCredentials").get();
    expect(listed.passwordCredentials.map((c: { keyId: string }) => c.keyId)).toContain(created.keyId);
    const removed = await graph.api(`/applications/${a.id}/removePassword`).post({ keyId: created.keyId });
    expect(removed ?? undefined).toBeUndefined();
    expect(cloud.control.app(a.id).passwordCredentials.length).toBe(before);
    await expect(
      graph.api(`/applications/${a.id}/removePassword`).post({ keyId: created.keyId }),
    ).rejects.toMatchObject({ statusCode: 400 });

    // a self-signed cert (DER) for addKey, built with the cloud's own helper
    const { makeCertDer, sharedCertPrivateKey } = await import("../../cloud/x509");
    const der = makeCertDer({
      subject: "CN=app-cert",
      sans: [],
      issuer: "Self",
      nbf: Math.floor(Date.now() / 1000) - 60,
      exp: Math.floor(Date.now() / 1000) + 30 * 86400,
      serialHex: "0badc0de",
    });
    const add = (proof: string) =>
      graph.api(`/applications/${a.id}/addKey`).post({
        keyCredential: { type: "AsymmetricX509Cert", usage: "Verify", key: der.toString("base64") },
        passwordCredential: null,
        proof,
      });
    // Graph wants a proof of possession signed by a current certificate of the app
    await expect(add("eyJ...")).rejects.toMatchObject({ statusCode: 401 });
    const vault = cloud.control.vaults().find((v) => v.reachable)!.name;
    cloud.control.addCertificate(vault, "graph-test-cert");
    const current = cloud.control.addAppCertificate(a.id, vault, "graph-test-cert");
    const proof = (iss: string, signer = current.customKeyIdentifier!) => {
      const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
      const now = Math.floor(Date.now() / 1000);
      const input = `${enc({ alg: "RS256", typ: "JWT", x5t: Buffer.from(signer, "hex").toString("base64url") })}.${enc({
        aud: "00000002-0000-0000-c000-000000000000",
        iss,
        nbf: now - 60,
        exp: now + 540,
      })}`;
      return `${input}.${crypto.sign("sha256", Buffer.from(input), sharedCertPrivateKey()).toString("base64url")}`;
    };
    await expect(add(proof("not-the-object-id"))).rejects.toMatchObject({ statusCode: 401 });
    const key = await add(proof(a.id));
    expect(key.customKeyIdentifier).toBe(crypto.createHash("sha1").update(der).digest("hex").toUpperCase());
    await expect(
      graph.api(`/applications/${a.id}/removeKey`).post({ keyId: key.keyId, proof: "eyJ..." }),
    ).rejects.toMatchObject({ statusCode: 401 });
    await graph.api(`/applications/${a.id}/removeKey`).post({ keyId: key.keyId, proof: proof(a.id) });
    expect(cloud.control.app(a.id).keyCredentials.some((k) => k.keyId === key.keyId)).toBe(false);
  });

  test("linked apps: stored Key Vault value equals Graph secretText (tags and naming links)", async () => {
    const links = cloud.control.appLinks();
    expect(links.some((l) => l.mode === "tags")).toBe(true);
    expect(links.some((l) => l.mode === "naming")).toBe(true);
    for (const l of links.slice(0, 10)) {
      const app = cloud.control.app(l.appId);
      const cred = app.passwordCredentials.find((c) => c.keyId === l.keyId)!;
      expect(cloud.control.secretValue(l.vault, l.secretName)).toBe(cred.secretText);
      const obj = cloud.control.object(l.vault, "secrets", l.secretName);
      if (l.mode === "tags")
        expect(obj.versions.at(-1)!.tags).toMatchObject({ "cc-app-id": l.appId, "cc-credential-key-id": l.keyId });
      else expect(l.secretName).toMatch(/^app-.+-client-secret$/);
    }
    expect(cloud.control.apps().some((a) => a.link === "none")).toBe(true);
  });
});
