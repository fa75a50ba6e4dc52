// CPU per request of the scanner's Key Vault client stack, variant against variant in one process (interleaved
// rounds, so a loaded machine affects each alike). The local cloud runs in a child process without latency.
//   NODE_EXTRA_CA_CERTS=$(node tests/cloud/ensure-ca.mjs) node --import tsx tests/bench/client-cpu.ts [--requests 600] [--rounds 12]
import os from "node:os";
import { arg, startCloudChild } from "./support";

async function main() {
  const requests = Number(arg("requests", "600"));
  const rounds = Number(arg("rounds", "12"));
  const cloud = await startCloudChild("demo", ["--no-throttle", "--log-capacity", "0"]);
  Object.assign(process.env, cloud.env, { APP_ENV: "test", LOG_LEVEL: "warn" });
  process.env.SECRET_KEY ??= "bench-secret-key-0123456789abcdef0123456789abcdef";
  const { resetConfigForTests } = await import("../../lib/config");
  resetConfigForTests();
  const { getCredential, keyVaultClientOptions, vaultAgent } = await import("../../lib/cloud/clients");
  const { VaultReader } = await import("../../lib/cloud/vault-reader");
  const { vaultConnections } = await import("../../lib/cloud/vault-transport");
  const { leanPipeline } = await import("../../lib/cloud/lean-pipeline");
  const { createDefaultHttpClient } = await import("@azure/core-rest-pipeline");
  const { SecretClient } = await import("@azure/keyvault-secrets");
  const { CertificateClient } = await import("@azure/keyvault-certificates");
  const { KeyClient } = await import("@azure/keyvault-keys");
  const vaults = (await (await fetch(`${cloud.control}/control/vaults`)).json()) as {
    vaultUri: string;
    access: string;
    reachable: boolean;
  }[];
  const vaultUri = vaults.find((x) => x.reachable && x.access === "full")!.vaultUri;

  type Variant = { name: string; stack: "sdk" | "lean" | "reader" };
  const variants: Variant[] = [
    { name: "SDK default pipeline", stack: "sdk" },
    { name: "SDK, lean pipeline (lean-pipeline.ts)", stack: "lean" },
    { name: "VaultReader (vault-reader.ts)", stack: "reader" },
  ];
  const make = (x: Variant) => {
    const agent = vaultAgent(8);
    // the SDK clients get the same per-vault agent as the reader
    const o = {
      ...keyVaultClientOptions(vaultUri),
      httpClient: createDefaultHttpClient(),
      additionalPolicies: [
        ...keyVaultClientOptions(vaultUri).additionalPolicies,
        {
          policy: {
            name: "benchAgent",
            sendRequest: (req: { agent?: unknown }, next: (r: unknown) => Promise<unknown>) => {
              req.agent = agent;
              return next(req);
            },
          },
          position: "perCall" as const,
        },
      ],
    } as ReturnType<typeof keyVaultClientOptions>;
    const wrap = <T extends object>(c: T) => (x.stack === "lean" ? leanPipeline(c) : c);
    return {
      agent,
      reader: x.stack === "reader" ? new VaultReader(vaultUri, vaultConnections(8)) : undefined,
      secrets: wrap(new SecretClient(vaultUri, getCredential(), o)),
      certs: wrap(new CertificateClient(vaultUri, getCredential(), o)),
      keys: wrap(new KeyClient(vaultUri, getCredential(), o)),
    };
  };
  const certNames: string[] = [];
  const keyNames: string[] = [];
  {
    const c = make(variants[0]);
    for await (const p of c.certs.listPropertiesOfCertificates()) certNames.push(p.name!);
    for await (const p of c.keys.listPropertiesOfKeys()) if (!p.managed) keyNames.push(p.name);
    c.agent.destroy();
  }
  // the scan's mix: one list page, one certificate GET, one key GET, one version list per four requests
  const run = async (c: ReturnType<typeof make>, n: number) => {
    let i = 0;
    const one = async () => {
      while (i < n) {
        const k = i++;
        const step = k % 4;
        const signal = new AbortController().signal;
        if (c.reader) {
          const cert = encodeURIComponent(certNames[k % certNames.length]);
          if (step === 0) await c.reader.getJson("/secrets", signal, { maxresults: "25" });
          else if (step === 1) await c.reader.getJson(`/certificates/${cert}/`, signal);
          else if (step === 2)
            await c.reader.getJson(`/keys/${encodeURIComponent(keyNames[k % keyNames.length])}/`, signal);
          else await c.reader.getJson(`/secrets/${cert}/versions`, signal, { maxresults: "25" });
        } else if (step === 0) await c.secrets.listPropertiesOfSecrets().byPage({ maxPageSize: 25 }).next();
        else if (step === 1) await c.certs.getCertificate(certNames[k % certNames.length]);
        else if (step === 2) await c.keys.getKey(keyNames[k % keyNames.length]);
        else
          await c.secrets
            .listPropertiesOfSecretVersions(certNames[k % certNames.length])
            .byPage({ maxPageSize: 25 })
            .next();
      }
    };
    await Promise.all(Array.from({ length: 8 }, one));
  };
  const totals = new Map<string, number[]>();
  const clients = variants.map(make);
  // warm-up: challenges, tokens, connections and JIT for every variant before anything is measured
  for (const c of clients) await run(c, 1000);
  for (let r = 0; r < rounds; r++) {
    // alternate the order (ABBA…) so neither variant always runs first
    const order = r % 2 ? [...variants.keys()].reverse() : [...variants.keys()];
    for (const i of order) {
      const cpu0 = process.cpuUsage();
      await run(clients[i], requests);
      const cpu = process.cpuUsage(cpu0);
      const us = (cpu.user + cpu.system) / requests;
      (totals.get(variants[i].name) ?? totals.set(variants[i].name, []).get(variants[i].name)!).push(us);
    }
  }
  for (const c of clients) c.agent.destroy();
  console.log(
    `median of ${rounds} rounds (${requests} requests each, order alternating; load average ${os.loadavg()[0].toFixed(1)}):`,
  );
  for (const [k, xs] of totals)
    console.log(`  ${k.padEnd(36)} ${xs.sort((a, b) => a - b)[xs.length >> 1].toFixed(0)} µs`);
  cloud.stop();
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
