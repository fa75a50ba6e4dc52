// The scanner's Key Vault reader (lib/cloud/vault-reader.ts) against the Azure SDK it replaced for reads: on every
// object of an estate both must say the same, through the local cloud. Then the reader's own error paths, against
// small hostile HTTPS servers: where a token may travel, a challenge for another service, a truncated or huge body, a
// second challenge, and a proxy (HTTPS_PROXY) that must carry the reads.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { SecretClient } from "@azure/keyvault-secrets";
import { CertificateClient } from "@azure/keyvault-certificates";
import { KeyClient } from "@azure/keyvault-keys";
import { resetConfigForTests } from "@/lib/config";
import {
  classifyError,
  forgetVaultChallenges,
  getCertificateDetail,
  getCertificatePolicy,
  getCredential,
  getKeyDetail,
  getKeyRotationPolicy,
  keyVaultClientOptions,
  listItems,
  listVersions,
  VaultReader,
  withRetry,
  type KvKind,
} from "@/lib/cloud";
import { startCloud, type LocalCloud } from "../../cloud";
import { ensureCa } from "../../cloud/ensure-ca.mjs";

let cloud: LocalCloud;
const o = { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } };
const signal = () => new AbortController().signal;
/** the error a call fails with (a call that succeeds fails the test) */
const failure = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (x: Error) => x,
  );

beforeAll(async () => {
  cloud = await startCloud({ estate: "tiny", throttling: false });
  Object.assign(process.env, cloud.env);
  resetConfigForTests();
});
afterAll(async () => {
  await cloud?.stop();
});

const hex = (b?: Uint8Array) => (b ? Buffer.from(b).toString("hex") : undefined);

describe("the reader and the Key Vault SDKs agree", () => {
  test("on every list item, version, certificate, policy, key and rotation policy of the readable vaults", async () => {
    const readable = cloud.control.vaults().filter((v) => v.reachable && v.access === "full");
    expect(readable.length).toBeGreaterThan(1);
    // one updated object per kind and vault: its updated time differs from its created time, its tags changed
    for (const v of readable)
      for (const kind of ["secrets", "certificates", "keys"] as const) {
        const name = cloud.control.objects(v.name, kind)[0];
        if (name) cloud.control.updateObject(v.name, kind, name, { tags: { changed: "yes", owner: "qa" } });
      }
    let compared = 0;
    for (const v of readable) {
      const uri = v.vaultUri;
      const reader = new VaultReader(uri);
      const sdk = {
        secrets: new SecretClient(uri, getCredential(), keyVaultClientOptions(uri)),
        certificates: new CertificateClient(uri, getCredential(), keyVaultClientOptions(uri)),
        keys: new KeyClient(uri, getCredential(), keyVaultClientOptions(uri)),
      };
      for (const kind of ["secret", "certificate", "key"] as KvKind[]) {
        const mine = await listItems(reader, uri, kind, o);
        expect(mine.rejected).toEqual([]);
        const theirs: Array<{
          name: string;
          version?: string;
          enabled?: boolean;
          notBefore?: Date;
          expiresOn?: Date;
          createdOn?: Date;
          updatedOn?: Date;
          contentType?: string;
          managed?: boolean;
          recoveryLevel?: string;
          tags?: Record<string, string>;
          x509Thumbprint?: Uint8Array;
        }> = [];
        const it =
          kind === "secret"
            ? sdk.secrets.listPropertiesOfSecrets()
            : kind === "certificate"
              ? sdk.certificates.listPropertiesOfCertificates()
              : sdk.keys.listPropertiesOfKeys();
        for await (const p of it) theirs.push(p as (typeof theirs)[number]);
        expect(mine.items.map((i) => i.name)).toEqual(theirs.map((p) => p.name));
        for (const [i, p] of theirs.entries()) {
          const m = mine.items[i];
          expect(m).toMatchObject({
            name: p.name,
            version: p.version || undefined,
            enabled: p.enabled !== false,
            notBefore: p.notBefore,
            expiresOn: p.expiresOn,
            createdOn: p.createdOn,
            updatedOn: p.updatedOn,
            contentType: kind === "secret" ? p.contentType : undefined,
            managed: p.managed === true,
            recoveryLevel: p.recoveryLevel,
            tags: p.tags ?? {},
            x5t: hex(p.x509Thumbprint),
          });
          compared++;
        }
        // versions of the first two objects of each kind
        for (const p of theirs.slice(0, 2)) {
          const vs = await listVersions(reader, kind, p.name, o, 5);
          const sdkVs: { version?: string; createdOn?: Date; expiresOn?: Date; enabled?: boolean }[] = [];
          const vit =
            kind === "secret"
              ? sdk.secrets.listPropertiesOfSecretVersions(p.name)
              : kind === "certificate"
                ? sdk.certificates.listPropertiesOfCertificateVersions(p.name)
                : sdk.keys.listPropertiesOfKeyVersions(p.name);
          for await (const x of vit) sdkVs.push(x);
          expect(vs.count).toBe(sdkVs.length);
          const newest = [...sdkVs].sort((a, b) => (b.createdOn?.getTime() ?? 0) - (a.createdOn?.getTime() ?? 0));
          expect(vs.newest.map((x) => x.id)).toEqual(newest.slice(0, 5).map((x) => x.version));
          expect(vs.newest[0].expires).toBe(
            newest[0].expiresOn ? Math.round(newest[0].expiresOn.getTime() / 1000) : null,
          );
        }
      }
      for (const c of (await listItems(reader, uri, "certificate", o)).items) {
        const [detail, policy, cert] = await Promise.all([
          getCertificateDetail(reader, c.name, o),
          getCertificatePolicy(reader, c.name, o),
          sdk.certificates.getCertificate(c.name),
        ]);
        expect(detail.version).toBe(cert.properties.version);
        expect(detail.thumbprint).toBe(hex(cert.properties.x509Thumbprint));
        const p = cert.policy!;
        const expected = {
          issuerName: p.issuerName,
          subject: p.subject,
          keyType: p.keyType,
          keySize: p.keySize,
          keyCurveName: p.keyCurveName,
          exportable: p.exportable,
          reuseKey: p.reuseKey,
          contentType: p.contentType,
          validityInMonths: p.validityInMonths,
          lifetimeActions: p.lifetimeActions?.map((a) => ({
            action: a.action,
            lifetimePercentage: a.lifetimePercentage,
            daysBeforeExpiry: a.daysBeforeExpiry,
          })),
          enhancedKeyUsage: p.enhancedKeyUsage,
        };
        expect(detail.policy).toEqual(expected);
        expect(policy).toEqual(expected);
        expect(detail.subject).toBeTruthy();
        compared++;
      }
      for (const k of (await listItems(reader, uri, "key", o)).items.filter((i) => !i.managed)) {
        const [detail, rotation, key, sdkRotation] = await Promise.all([
          getKeyDetail(reader, k.name, o),
          getKeyRotationPolicy(reader, k.name, o),
          sdk.keys.getKey(k.name),
          sdk.keys.getKeyRotationPolicy(k.name),
        ]);
        expect(detail).toEqual({
          version: key.properties.version,
          kty: key.key?.kty,
          keySize: key.key?.n ? key.key.n.length * 8 : undefined,
          curve: key.key?.crv,
          keyOps: key.key?.keyOps,
          exportable: key.properties.exportable,
          hsm: key.key?.kty ? key.key.kty.endsWith("-HSM") : undefined,
        });
        expect(rotation.expiresIn).toBe(sdkRotation.expiresIn);
        expect(rotation.lifetimeActions).toEqual(
          (sdkRotation.lifetimeActions ?? []).map((a) => ({
            action: a.action,
            timeAfterCreate: a.timeAfterCreate,
            timeBeforeExpiry: a.timeBeforeExpiry,
          })),
        );
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(30);
  });

  test("a firewall denial reads as the SDK's did: status 403, ForbiddenByFirewall, kind firewall", async () => {
    const blocked = cloud.control.vaults().find((v) => !v.reachable)!;
    const e = await failure(listItems(new VaultReader(blocked.vaultUri), blocked.vaultUri, "secret", o));
    const c = classifyError(e);
    expect(c).toMatchObject({ kind: "firewall", status: 403 });
    expect(c.innerCode ?? c.code).toMatch(/ForbiddenBy/);
  });

  test("a vault's challenge is learned once per process, not once per client and scan", async () => {
    forgetVaultChallenges();
    const v = cloud.control.vaults().find((x) => x.reachable && x.access === "full")!;
    const before = cloud.control.count("kv.challenge", v.name);
    await new VaultReader(v.vaultUri).getJson("/secrets", signal());
    await new VaultReader(v.vaultUri).getJson("/keys", signal());
    expect(cloud.control.count("kv.challenge", v.name) - before).toBe(1);
  });
});

// ---- hostile servers -------------------------------------------------------------------------------------------

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
interface Hostile {
  uri: string;
  seen: { path: string; auth?: string }[];
  close: () => Promise<void>;
}

async function hostile(handler: Handler): Promise<Hostile> {
  const { certPem, keyPem } = ensureCa();
  const seen: Hostile["seen"] = [];
  const server = https.createServer({ cert: certPem, key: keyPem }, (req, res) => {
    seen.push({ path: req.url ?? "", auth: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    uri: `https://127.0.0.1:${port}/`,
    seen,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const challenge = () =>
  `Bearer authorization="https://login.microsoftonline.com/${cloud.control.estate().tenantId}", resource="https://vault.azure.net"`;

/** 401 with a Key Vault challenge to a request without a token; otherwise `then`. */
function challenged(then: Handler): Handler {
  return (req, res) => {
    if (!req.headers.authorization) {
      res.writeHead(401, { "www-authenticate": challenge(), "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "Unauthorized", message: "AKV10000" } }));
    } else then(req, res);
  };
}

const page = (names: string[], nextLink?: string) =>
  JSON.stringify({
    value: names.map((n) => ({ id: `https://x.vault.azure.net/secrets/${n}`, attributes: { enabled: true } })),
    nextLink: nextLink ?? null,
  });

describe("the reader's own error paths", () => {
  test("next page links on the same vault are followed (a failed page is retried alone)", async () => {
    let failPage2 = true;
    const h = await hostile(
      challenged((req, res) => {
        if (req.url?.startsWith("/secrets?api-version=")) return void res.end(page(["a", "b"], `${h.uri}secrets?p=2`));
        if (req.url === "/secrets?p=2" && failPage2) {
          failPage2 = false;
          res.writeHead(503, { "content-type": "application/json" });
          return void res.end(JSON.stringify({ error: { code: "ServiceUnavailable", message: "try again" } }));
        }
        if (req.url === "/secrets?p=2") return void res.end(page(["c"], `${h.uri}secrets?p=3`));
        res.end(page(["d"]));
      }),
    );
    try {
      const listing = await listItems(new VaultReader(h.uri), h.uri, "secret", o);
      expect(listing.items.map((i) => i.name)).toEqual(["a", "b", "c", "d"]);
      const tokened = h.seen.filter((s) => s.auth).map((s) => s.path.replace(/api-version=[^&]+&/, ""));
      expect(tokened).toEqual(["/secrets?maxresults=25", "/secrets?p=2", "/secrets?p=2", "/secrets?p=3"]);
    } finally {
      await h.close();
    }
  });

  test("a next page link outside its listing (a secret's own path) is refused, and never requested", async () => {
    const h = await hostile(challenged((_q, res) => res.end(page(["a"], `${h.uri}secrets/a/`))));
    try {
      const e = await failure(listItems(new VaultReader(h.uri), h.uri, "secret", o));
      expect(e.message).toMatch(/outside the listing it continues/);
      expect(h.seen.map((s) => s.path).filter((p) => p.startsWith("/secrets/"))).toEqual([]);
    } finally {
      await h.close();
    }
  });

  test("next page links that go round in a circle end the listing with an error", async () => {
    const h = await hostile(
      challenged((req, res) =>
        res.end(page(["a"], req.url?.includes("p=2") ? `${h.uri}secrets?p=3` : `${h.uri}secrets?p=2`)),
      ),
    );
    try {
      const e = await failure(listItems(new VaultReader(h.uri), h.uri, "secret", o));
      expect(e.message).toMatch(/already returned/);
      expect(h.seen.filter((s) => s.auth).length).toBe(3);
    } finally {
      await h.close();
    }
  });

  test("a next page link to another host is refused, and the token never goes there", async () => {
    const other = await hostile((_q, res) => res.end(page(["stolen"])));
    const h = await hostile(challenged((_q, res) => res.end(page(["a"], `${other.uri}secrets?page=2`))));
    try {
      const e = await failure(listItems(new VaultReader(h.uri), h.uri, "secret", o));
      expect(String(e.message)).toMatch(/next page link to another host/);
      expect(other.seen).toEqual([]);
    } finally {
      await other.close();
      await h.close();
    }
  });

  test("a challenge naming another service gets no token (resource verification without the loopback switch)", async () => {
    const h = await hostile((_q, res) => {
      res.writeHead(401, {
        "www-authenticate": `Bearer authorization="https://login.microsoftonline.com/${cloud.control.estate().tenantId}", resource="https://management.azure.com"`,
      });
      res.end();
    });
    process.env.AZURE_KEYVAULT_ALLOW_LOOPBACK = "false";
    resetConfigForTests();
    try {
      const e = await failure(new VaultReader(h.uri).getJson("/secrets", signal()));
      expect(e.name).toBe("ChallengeError");
      expect(e.message).toMatch(/does not match the vault's domain/);
      expect(h.seen.every((s) => !s.auth)).toBe(true);
    } finally {
      process.env.AZURE_KEYVAULT_ALLOW_LOOPBACK = "true";
      resetConfigForTests();
      await h.close();
    }
  });

  test("a response cut off mid-body is a network error, retried: the listing completes", async () => {
    let cut = true;
    const h = await hostile(
      challenged((_q, res) => {
        if (cut) {
          cut = false;
          res.writeHead(200, { "content-length": "1000", "content-type": "application/json" });
          res.write('{"value":[');
          setTimeout(() => res.socket?.destroy(), 10);
          return;
        }
        res.end(page(["a", "b"]));
      }),
    );
    try {
      const first = await failure(new VaultReader(h.uri).getJson("/secrets", signal()));
      expect(classifyError(first).kind).toBe("network");
      cut = true;
      const listing = await listItems(new VaultReader(h.uri), h.uri, "secret", o);
      expect(listing.items.map((i) => i.name)).toEqual(["a", "b"]);
    } finally {
      await h.close();
    }
  });

  test("an abort ends a read in flight at once and closes its connection; a later read on the vault still works", async () => {
    const closed: Promise<void>[] = [];
    let hang = false;
    const h = await hostile(
      challenged((_q, res) => {
        if (!hang) return void res.end(page(["a"]));
        // headers and half a body, then nothing: only the abort can end this read
        res.writeHead(200, { "content-length": "1000", "content-type": "application/json" });
        res.write('{"value":[');
        closed.push(new Promise((r) => res.socket!.once("close", () => r())));
      }),
    );
    try {
      const reader = new VaultReader(h.uri);
      await reader.getJson("/secrets", signal()); // learns the challenge and holds a token
      hang = true;
      const ac = new AbortController();
      const read = failure(reader.getJson("/secrets", ac.signal));
      await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      ac.abort();
      const e = await read;
      expect(Date.now() - t0).toBeLessThan(500);
      expect(e.name).toBe("AbortError");
      await closed.at(-1); // the half-read response's socket is not left open
      hang = false;
      expect(await reader.getJson<{ value: unknown[] }>("/secrets", signal())).toMatchObject({ value: [{}] });
      // an already-aborted signal sends nothing
      const before = h.seen.length;
      const gone = new AbortController();
      gone.abort();
      expect((await failure(reader.getJson("/secrets", gone.signal))).name).toBe("AbortError");
      expect(h.seen.length).toBe(before);
    } finally {
      await h.close();
    }
  }, 20_000);

  test("a vault that answers nothing times out per attempt and is retried (withRetry's timeout)", async () => {
    let calls = 0;
    const h = await hostile(
      challenged((_q, res) => {
        if (++calls === 1) return; // no answer at all
        res.end(page(["a", "b"]));
      }),
    );
    try {
      const retry = { attempts: 2, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 300 };
      const listing = await listItems(new VaultReader(h.uri), h.uri, "secret", { retry });
      expect(listing.items.map((i) => i.name)).toEqual(["a", "b"]);
      expect(calls).toBe(2);
    } finally {
      await h.close();
    }
  }, 20_000);

  test("a body past 16 MB is abandoned, not buffered", async () => {
    const h = await hostile(
      challenged((_q, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let n = 0;
        const more = () => {
          while (n < 20) {
            n++;
            if (!res.write(chunk)) return void res.once("drain", more);
          }
          res.end();
        };
        res.on("error", () => undefined);
        more();
      }),
    );
    try {
      const e = await failure(new VaultReader(h.uri).getJson("/secrets", signal()));
      expect(e.name).toBe("ResponseTooLargeError");
    } finally {
      await h.close();
    }
  });

  test("past the cap of remembered challenges the oldest vault is forgotten, not the newest", async () => {
    const vaults = await Promise.all([1, 2, 3].map(() => hostile(challenged((_q, res) => res.end(page(["a"]))))));
    forgetVaultChallenges(2);
    try {
      for (const h of vaults) await new VaultReader(h.uri).getJson("/secrets", signal());
      // the two newest again: both still remembered (the first was forgotten to make room for the third)
      for (const h of [vaults[2], vaults[1]]) await new VaultReader(h.uri).getJson("/secrets", signal());
      // each vault's requests with (true) and without (false) a token
      expect(vaults.map((h) => h.seen.map((s) => !!s.auth))).toEqual([
        [false, true],
        [false, true, true],
        [false, true, true],
      ]);
    } finally {
      forgetVaultChallenges();
      await Promise.all(vaults.map((h) => h.close()));
    }
  });

  test("a 401 to a token with a fresh challenge is answered once with a new token; a second 401 is the error", async () => {
    let rejectTokens = 1;
    const h = await hostile(
      challenged((_q, res) => {
        if (rejectTokens-- > 0) {
          res.writeHead(401, { "www-authenticate": challenge() });
          res.end(JSON.stringify({ error: { code: "Unauthorized", message: "AKV10032: Token expired." } }));
        } else res.end(page(["a"]));
      }),
    );
    try {
      const ok = await new VaultReader(h.uri).getJson<{ value: unknown[] }>("/secrets", signal());
      expect(ok.value).toHaveLength(1);
      rejectTokens = 5;
      const e = await failure(new VaultReader(h.uri).getJson("/secrets", signal()));
      expect(classifyError(e)).toMatchObject({ kind: "permission", status: 401 });
      // the first reader: challenge, token, token again; the second: token, token again (challenge remembered)
      expect(h.seen.map((s) => !!s.auth)).toEqual([false, true, true, true, true]);
    } finally {
      await h.close();
    }
  });

  test("with HTTPS_PROXY set, reads go through the proxy (CONNECT) and list the same items", async () => {
    const v = cloud.control.vaults().find((x) => x.reachable && x.access === "full")!;
    const direct = await listItems(new VaultReader(v.vaultUri), v.vaultUri, "secret", o);
    const tunnels: string[] = [];
    const sockets: net.Socket[] = [];
    const proxy = http.createServer();
    proxy.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnels.push(req.url ?? "");
      sockets.push(client);
      const [host, port] = (req.url ?? "").split(":");
      const upstream = net.connect(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const saved = { https: process.env.HTTPS_PROXY, no: process.env.NO_PROXY, no2: process.env.no_proxy };
    process.env.HTTPS_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    resetConfigForTests();
    try {
      const viaProxy = await listItems(new VaultReader(v.vaultUri), v.vaultUri, "secret", o);
      expect(viaProxy.items.map((i) => i.name)).toEqual(direct.items.map((i) => i.name));
      expect(tunnels.length).toBeGreaterThan(0);
      expect(tunnels.every((t) => t === `127.0.0.1:${v.port}`)).toBe(true);
    } finally {
      if (saved.https === undefined) delete process.env.HTTPS_PROXY;
      else process.env.HTTPS_PROXY = saved.https;
      if (saved.no !== undefined) process.env.NO_PROXY = saved.no;
      if (saved.no2 !== undefined) process.env.no_proxy = saved.no2;
      resetConfigForTests();
      // the proxy client keeps its tunnel alive: end it, or close() waits for it
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.close(r));
    }
  });

  test("the retry policy reads Retry-After from the reader's errors", async () => {
    let first = true;
    const h = await hostile(
      challenged((_q, res) => {
        if (first) {
          first = false;
          res.writeHead(429, { "retry-after": "1", "content-type": "application/json" });
          res.end(JSON.stringify({ error: { code: "Throttled", message: "slow down" } }));
        } else res.end(page(["a"]));
      }),
    );
    try {
      const waits: number[] = [];
      const reader = new VaultReader(h.uri);
      await withRetry((s) => reader.getJson("/secrets", s), {
        retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
        onRetry: (i) => waits.push(i.delayMs),
      });
      expect(waits).toEqual([1000]);
    } finally {
      await h.close();
    }
  });
});
