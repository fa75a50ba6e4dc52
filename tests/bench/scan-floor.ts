// The floor under the scanner's CPU per request: an initial full scan's Key Vault requests — each vault's listings,
// then every object's version listing, certificate GET, key GET and rotation policy, up to 4 in flight per vault on its
// own connections, 32 vaults at a time — sent through the scanner's own reader (vault-reader.ts: undici, JSON.parse,
// the challenge and a held token) and nothing else: no retry wrapper, no limiters, no row mapping, no database, no
// ARM or Graph. What the reader spends here, the scanner cannot go below; the 0.25 ms bound of #10 is judged against
// it (docs/benchmarks.md, "The floor under the scanner's CPU").
//   NODE_EXTRA_CA_CERTS=$(node tests/cloud/ensure-ca.mjs) node --max-old-space-size=200 --import tsx tests/bench/scan-floor.ts [--vaults 200] [--latency 25] [--rounds 2] [--busy N]
import { setMaxListeners } from "node:events";
import os from "node:os";
import { arg, startCloudChild } from "./support";
import { startBusyLoad } from "./busy-load";

type Item = { id?: string; kid?: string; managed?: boolean };
type Page = { value?: Item[]; nextLink?: string | null };

async function main() {
  const vaultCount = Number(arg("vaults", "200"));
  const latency = Number(arg("latency", "25"));
  const rounds = Number(arg("rounds", "2"));
  const busy = startBusyLoad(Number(arg("busy", "0")));
  const cloud = await startCloudChild("large", [
    ...["--vaults", String(vaultCount), "--latency", `${latency},0`, "--no-throttle", "--log-capacity", "0"],
  ]);
  Object.assign(process.env, cloud.env, { APP_ENV: "test", LOG_LEVEL: "warn" });
  process.env.SECRET_KEY ??= "bench-secret-key-0123456789abcdef0123456789abcdef";
  const { resetConfigForTests } = await import("../../lib/config");
  resetConfigForTests();
  const { VaultReader } = await import("../../lib/cloud/vault-reader");
  const { vaultConnections } = await import("../../lib/cloud/vault-transport");
  const rpc = await fetch(`${cloud.control}/control/rpc`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ method: "prepareCertificates", args: [] }),
  });
  if (!rpc.ok) throw new Error(`local cloud: prepareCertificates failed: HTTP ${rpc.status}`);
  const vaults = (
    (await (await fetch(`${cloud.control}/control/vaults`)).json()) as {
      vaultUri: string;
      access: string;
      reachable: boolean;
    }[]
  ).filter((v) => v.reachable && v.access === "full");

  let requests = 0;
  const signal = new AbortController().signal;
  // every request of the run listens on this one signal
  setMaxListeners(0, signal);
  const nameOf = (id: string) => decodeURIComponent(new URL(id).pathname.split("/")[2]);

  async function readVault(vaultUri: string) {
    const connections = vaultConnections(4);
    const reader = new VaultReader(vaultUri, connections);
    const list = async (path: string) => {
      const out: Item[] = [];
      let page = await reader.getJson<Page>(path, signal, { maxresults: "25" });
      for (;;) {
        requests++;
        out.push(...(page.value ?? []));
        if (!page.nextLink) return out;
        page = await reader.getNextPage<Page>(page.nextLink, path, signal);
      }
    };
    const calls: (() => Promise<unknown>)[] = [];
    for (const kind of ["secret", "certificate", "key"] as const) {
      for (const item of await list(`/${kind}s`)) {
        if (item.managed) continue;
        const name = encodeURIComponent(nameOf((item.id ?? item.kid)!));
        calls.push(() => list(`/${kind}s/${name}/versions`));
        const one = (path: string) => async () => {
          await reader.getJson(path, signal);
          requests++;
        };
        if (kind === "certificate") calls.push(one(`/certificates/${name}/`));
        if (kind === "key") calls.push(one(`/keys/${name}/`), one(`/keys/${name}/rotationpolicy`));
      }
    }
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < calls.length) await calls[next++]();
      }),
    );
    await connections.close();
  }

  async function scan() {
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < vaults.length) await readVault(vaults[next++].vaultUri);
      }),
    );
  }

  console.log(
    `scan floor: ${vaults.length} readable vaults of the large estate's first ${vaultCount}, ${latency} ms latency, 32 vaults × 4 connections; load average ${os.loadavg()[0].toFixed(1)}`,
  );
  for (let r = 0; r < rounds; r++) {
    requests = 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await scan();
    const cpu = process.cpuUsage(cpu0);
    const ms = (cpu.user + cpu.system) / 1000;
    console.log(
      `round ${r + 1}: ${requests} Key Vault requests in ${((performance.now() - t0) / 1000).toFixed(1)} s; reader CPU ${(ms / 1000).toFixed(1)} s (${(cpu.user / 1e6).toFixed(1)} user, ${(cpu.system / 1e6).toFixed(1)} system) = ${(ms / requests).toFixed(3)} ms per request; load average ${os.loadavg()[0].toFixed(1)}`,
    );
  }
  busy.stop();
  cloud.stop();
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
