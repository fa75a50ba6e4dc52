// Local cloud CLI:  npm run cloud -- --estate demo [--base-port 47000] [--no-throttle] [--latency 20,10] [--now 2026-01-01]
//                                  [--seed x] [--json] [--env-file .env.local-cloud] [--log-capacity 5000] [--vaults N]
// Prints the endpoints and the environment to point the app at it, then stays up until SIGINT/SIGTERM.
import fs from "node:fs";
import { startCloud, type StartCloudOptions } from "./index";
import type { EstateInput, EstateName } from "./estate";

function parseArgs(argv: string[]) {
  const a: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (!k.startsWith("--")) continue;
    const [name, inline] = k.slice(2).split("=", 2);
    if (inline !== undefined) a[name] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")) a[name] = argv[++i];
    else a[name] = true;
  }
  return a;
}

const HELP = `usage: tsx tests/cloud/cli.ts [--estate tiny|demo|large|xl] [--seed S] [--base-port N] [--no-throttle]
       [--latency FIXED[,JITTER]] [--now ISO] [--json] [--env-file PATH] [--log-capacity N]
       [--vaults N]   (the estate with N vaults instead of its own count)`;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help || args.h) {
    console.log(HELP);
    return;
  }
  const estateName = (typeof args.estate === "string" ? args.estate : "demo") as EstateName;
  const custom = {
    ...(typeof args.seed === "string" ? { seed: args.seed } : {}),
    ...(typeof args.vaults === "string" ? { vaults: Number(args.vaults) } : {}),
  };
  const estate: EstateInput = Object.keys(custom).length
    ? { base: estateName, name: estateName, ...custom }
    : estateName;
  const opts: StartCloudOptions = { estate, throttling: !args["no-throttle"] };
  if (typeof args["base-port"] === "string") opts.basePort = Number(args["base-port"]);
  if (typeof args.latency === "string") {
    const [f, j] = args.latency.split(",").map(Number);
    opts.latency = { fixedMs: f || 0, jitterMs: j || 0 };
  }
  if (typeof args.now === "string") opts.now = new Date(args.now);
  if (typeof args["log-capacity"] === "string") opts.logCapacity = Number(args["log-capacity"]);
  const t0 = Date.now();
  const cloud = await startCloud(opts);
  const { vaults, ...services } = cloud.endpoints;
  if (args.json) {
    process.stdout.write(
      JSON.stringify({ endpoints: cloud.endpoints, env: cloud.env, estate: cloud.control.estate() }) + "\n",
    );
  } else {
    const e = cloud.control.estate();
    console.log(
      `local cloud up in ${Date.now() - t0} ms — estate '${e.name}': ${e.subscriptions.length} subscriptions, ${e.vaults} vaults, ${e.apps} app registrations, ${e.aws.secrets} AWS + ${e.gcp.secrets} GCP secrets`,
    );
    console.log(`tenant ${e.tenantId}, product identity oid ${e.productIdentity.oid}`);
    console.log("\nendpoints:");
    for (const [k, v] of Object.entries(services)) console.log(`  ${k.padEnd(14)} ${v}`);
    const vs = Object.entries(vaults);
    console.log(`  vaults (${vs.length}):`);
    for (const [k, v] of vs.slice(0, 10)) console.log(`    ${k.padEnd(24)} ${v}`);
    if (vs.length > 10)
      console.log(`    … ${vs.length - 10} more (GET ${cloud.env.LOCAL_CLOUD_CONTROL_URL}/control/vaults)`);
    console.log("\nenvironment for the app:");
    for (const [k, v] of Object.entries(cloud.env)) console.log(`export ${k}=${JSON.stringify(v)}`);
    console.log("\nCtrl-C to stop.");
  }
  if (typeof args["env-file"] === "string") {
    fs.writeFileSync(
      args["env-file"],
      Object.entries(cloud.env)
        .map(([k, v]) => `${k}=${v}`)
        .join("\n") + "\n",
    );
  }
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    if (!args.json) console.log(`\n${sig}: stopping local cloud`);
    await cloud.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
