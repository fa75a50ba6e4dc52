// Estate generator: determinism, sizes, distributions, canaries, lazy materialisation of big estates.
import { describe, expect, test } from "vitest";
import { CANARY_PREFIX, CANARY_REGEX, ESTATES, generateEstate, materialiseVault, type Estate } from "../../cloud";

const NOW = Date.parse("2026-06-01T00:00:00Z");
const DAY = 86400;

function objects(e: Estate) {
  return e.vaults.map((v) => materialiseVault(e, v));
}

describe("estates", () => {
  test("deterministic for (seed, now); different seeds differ", () => {
    const a = generateEstate("tiny", { now: NOW }),
      b = generateEstate("tiny", { now: NOW });
    expect(JSON.stringify({ ...a, appLinks: [...a.appLinks] })).toBe(
      JSON.stringify({ ...b, appLinks: [...b.appLinks] }),
    );
    expect(materialiseVault(a, a.vaults[1])).toEqual(materialiseVault(b, b.vaults[1]));
    const c = generateEstate({ base: "tiny", seed: "other" }, { now: NOW });
    expect(c.tenantId).not.toBe(a.tenantId);
  });

  test("tiny: 2 subscriptions, 5 vaults, ~60 objects, 5 apps, one firewall vault and one no-permission vault", () => {
    const e = generateEstate("tiny", { now: NOW });
    expect(e.subscriptions.length).toBe(2);
    expect(e.vaults.length).toBe(5);
    expect(e.apps.length).toBe(5);
    const n = objects(e).reduce((s, o) => s + o.secrets.length + o.certificates.length + o.keys.length, 0);
    expect(n).toBeGreaterThanOrEqual(60);
    expect(n).toBeLessThanOrEqual(70);
    expect(e.vaults.filter((v) => v.firewall === "blocked").length).toBe(1);
    expect(e.vaults.filter((v) => v.access === "none").length).toBe(1);
    expect(e.vaults.some((v) => v.enableRbacAuthorization) && e.vaults.some((v) => !v.enableRbacAuthorization)).toBe(
      true,
    );
    expect(e.vaults.some((v) => !v.enableSoftDelete) && e.vaults.some((v) => !v.enablePurgeProtection)).toBe(true);
    expect(e.vaults.some((v) => v.diagnostics.length === 0) && e.vaults.some((v) => v.diagnostics.length > 0)).toBe(
      true,
    );
  });

  test("tiny covers every expiry bucket relative to the given now", () => {
    const e = generateEstate("tiny", { now: NOW });
    const now = NOW / 1000;
    const all = objects(e).flatMap((o) => [...o.secrets, ...o.certificates, ...o.keys]);
    const cur = all.map((o) => o.versions.at(-1)!);
    const exp = cur.map((v) => v.exp).filter((x): x is number => x !== undefined);
    expect(exp.some((x) => x < now)).toBe(true); // expired
    expect(exp.some((x) => x > now && x <= now + DAY)).toBe(true);
    expect(exp.some((x) => x > now + DAY && x <= now + 7 * DAY)).toBe(true);
    expect(exp.some((x) => x > now + 7 * DAY && x <= now + 14 * DAY)).toBe(true);
    expect(exp.some((x) => x > now + 14 * DAY && x <= now + 30 * DAY)).toBe(true);
    expect(exp.some((x) => x > now + 30 * DAY && x <= now + 90 * DAY)).toBe(true);
    expect(cur.some((v) => v.exp === undefined)).toBe(true); // no expiry
    expect(cur.some((v) => !v.enabled)).toBe(true); // disabled
    expect(cur.some((v) => v.nbf !== undefined && v.nbf > now)).toBe(true); // not yet valid
    expect(new Set(cur.map((v) => v.contentType)).size).toBeGreaterThan(3);
    expect(cur.some((v) => v.tags?.owner) && cur.some((v) => v.tags?.environment)).toBe(true);
    // certificates: validity window ends at exp
    for (const c of objects(e).flatMap((o) => o.certificates))
      for (const v of c.versions) expect(v.nbf! < v.exp!).toBe(true);
  });

  test("demo: 8 subscriptions, 40 vaults, 2,000 objects, 60 apps, readable names", () => {
    const e = generateEstate("demo", { now: NOW });
    expect(e.subscriptions.length).toBe(8);
    expect(e.subscriptions[0].displayName).toBe("Contoso Production");
    expect(e.vaults.length).toBe(40);
    expect(e.apps.length).toBe(60);
    const n = objects(e).reduce((s, o) => s + o.secrets.length + o.certificates.length + o.keys.length, 0);
    expect(n).toBe(2000);
    for (const v of e.vaults) expect(v.name).toMatch(/^kv-[a-z]+-(prod|dev|test|stg)-[a-z0-9]+$/);
    expect(new Set(e.vaults.map((v) => v.name)).size).toBe(40);
    expect(e.vaults.some((v) => v.publicNetworkAccess === "Disabled")).toBe(true);
  });

  test("every secret value carries the canary; linked app secrets equal the Graph secretText", () => {
    const e = generateEstate("demo", { now: NOW });
    for (const o of objects(e))
      for (const s of o.secrets) for (const v of s.versions) expect(v.value).toContain(CANARY_PREFIX);
    for (const a of e.apps)
      for (const c of a.passwordCredentials) expect(c.secretText.match(CANARY_REGEX)).toBeTruthy();
    for (const s of e.aws.secrets) for (const v of s.values) expect(v).toContain(CANARY_PREFIX);
    for (const [vi, links] of e.appLinks) {
      const m = materialiseVault(e, e.vaults[vi]);
      for (const l of links)
        expect(m.secrets.find((s) => s.name === l.secretName)!.versions.at(-1)!.value).toBe(l.secretText);
    }
  });

  test("xl is generated lazily and compactly (5,000 vaults ≈ 1M objects, contents on demand)", () => {
    const before = process.memoryUsage().heapUsed;
    const t0 = Date.now();
    const e = generateEstate("xl", { now: NOW });
    const ms = Date.now() - t0;
    const grew = process.memoryUsage().heapUsed - before;
    expect(e.vaults.length).toBe(5000);
    const s = ESTATES.xl;
    expect(e.vaults.length * (s.secretsPerVault + s.certificatesPerVault + s.keysPerVault)).toBe(1_000_000);
    expect(ms).toBeLessThan(5000);
    expect(grew).toBeLessThan(300 * 1024 * 1024);
    const m = materialiseVault(e, e.vaults[4321]);
    expect(m.secrets.length + m.certificates.length + m.keys.length).toBeGreaterThanOrEqual(200);
  });
  test("demo: the compliance mix (Defender, logs, endpoints, bypass, key and certificate crypto, issuers)", () => {
    const e = generateEstate("demo", { now: NOW });
    expect(new Set(e.subscriptions.map((s) => s.defenderForKeyVault))).toEqual(new Set(["Standard", "Free"]));
    const v = e.vaults;
    const logs = v.flatMap((x) => x.diagnostics.flatMap((d) => d.logs));
    expect(v.some((x) => x.diagnostics.length === 0)).toBe(true);
    expect(v.some((x) => x.diagnostics.some((d) => d.logs.every((l) => !l.enabled)))).toBe(true); // metrics only
    expect(
      v.some((x) =>
        x.diagnostics.some((d) => d.logs.every((l) => !l.enabled || (l.category && l.category !== "AuditEvent"))),
      ),
    ).toBe(true); // only non-audit categories enabled (some of them)
    expect(logs.some((l) => l.retentionPolicy?.enabled && l.retentionPolicy.days < 365)).toBe(true);
    const states = new Set(v.flatMap((x) => x.privateEndpointConnections.map((p) => p.status)));
    expect(states).toEqual(new Set(["Approved", "Pending", "Rejected"]));
    expect(new Set(v.flatMap((x) => (x.networkAcls ? [x.networkAcls.bypass] : [])))).toEqual(
      new Set(["AzureServices", "None"]),
    );
    const contents = objects(e);
    const keys = contents.flatMap((c) => c.keys.map((k) => k.versions.at(-1)!));
    expect(new Set(keys.map((k) => k.kty))).toEqual(new Set(["RSA", "RSA-HSM", "EC", "EC-HSM"]));
    expect(new Set(keys.map((k) => k.keySize).filter(Boolean))).toEqual(new Set([2048, 3072, 4096]));
    expect(new Set(keys.map((k) => k.crv).filter(Boolean))).toEqual(new Set(["P-256", "P-384", "P-521", "P-256K"]));
    const withPolicy = contents.flatMap((c) => c.keys.map((k) => !!k.rotationPolicy));
    expect(withPolicy.includes(true) && withPolicy.includes(false)).toBe(true);
    const policies = contents.flatMap((c) => c.certificates.map((x) => x.policy!));
    expect(new Set(policies.map((p) => p.issuer))).toEqual(
      new Set(["Self", "DigiCert", "GlobalSign", "Unknown", "OneCertV2-PublicCA"]),
    );
    expect(new Set(policies.map((p) => `${p.keyType}-${p.keyCurveName ?? p.keySize}`))).toEqual(
      new Set(["RSA-2048", "RSA-4096", "EC-P-256", "EC-P-384"]),
    );
    expect(policies.some((p) => p.lifetimeActions)).toBe(true);
    // the same seed gives the same mix
    expect(generateEstate("demo", { now: NOW }).vaults.map((x) => x.privateEndpointConnections)).toEqual(
      v.map((x) => x.privateEndpointConnections),
    );
  });
});
