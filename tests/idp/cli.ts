/**
 * Run the local OpenID provider standalone.
 *
 *   npx tsx tests/idp/cli.ts --port 4011 --tenant <guid> --client-id X --client-secret Y \
 *     --redirect http://localhost:3000/api/auth/callback/azure-ad
 *
 * Options (repeatable where noted):
 *   --port N                     default 4011 (0 = random)
 *   --host ADDR                  default 127.0.0.1
 *   --tenant GUID                default DEMO_TENANT_ID
 *   --client-id ID               required
 *   --client-secret SECRET       required
 *   --redirect URI               required, repeatable
 *   --post-logout-redirect URI   repeatable (default: origin of the first --redirect + "/")
 *   --sso                        keep an IdP session (default: show the persona picker every time)
 *   --no-pkce                    do not require PKCE
 *   --verbose                    log requests
 * Runs until SIGINT/SIGTERM.
 */
import { DEMO_TENANT_ID, startIdp } from "./server";

function parseArgs(argv: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new Error(`unexpected argument: ${arg}`);
    const eq = arg.indexOf("=");
    let name: string;
    let value: string;
    if (eq > 0) {
      name = arg.slice(2, eq);
      value = arg.slice(eq + 1);
    } else if (["sso", "no-pkce", "verbose", "help"].includes(arg.slice(2))) {
      name = arg.slice(2);
      value = "true";
    } else {
      name = arg.slice(2);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) throw new Error(`missing value for ${arg}`);
      value = next;
      i++;
    }
    out.set(name, [...(out.get(name) ?? []), value]);
  }
  return out;
}

function usage(): string {
  return "usage: npx tsx tests/idp/cli.ts --port 4011 --tenant <guid> --client-id X --client-secret Y --redirect <uri> [--redirect <uri>] [--post-logout-redirect <uri>] [--sso] [--no-pkce] [--verbose]";
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.has("help")) {
    console.log(usage());
    return;
  }
  const one = (name: string): string | undefined => args.get(name)?.at(-1);
  const clientId = one("client-id");
  const clientSecret = one("client-secret");
  const redirects = args.get("redirect") ?? [];
  if (!clientId || !clientSecret || redirects.length === 0) {
    console.error(usage());
    process.exitCode = 2;
    return;
  }
  const port = Number(one("port") ?? 4011);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${one("port")}`);
  const postLogout = args.get("post-logout-redirect") ?? [`${new URL(redirects[0]!).origin}/`];

  const idp = await startIdp({
    port,
    host: one("host"),
    tenantId: one("tenant") ?? DEMO_TENANT_ID,
    clients: [{ clientId, clientSecret, redirectUris: redirects, postLogoutRedirectUris: postLogout }],
    sso: args.has("sso"),
    requirePkce: !args.has("no-pkce"),
    verbose: args.has("verbose"),
  });

  const lines = [
    "Local identity provider — CertifyClouds demo",
    `  issuer      ${idp.issuer}`,
    `  wellKnown   ${idp.wellKnown}`,
    `  tenant      ${idp.tenantId}`,
    `  client      ${clientId} (client_secret_basic or client_secret_post${args.has("no-pkce") ? "" : "; PKCE S256 required"})`,
    `  redirects   ${redirects.join(", ")}`,
    "  personas:",
    ...idp.personas.map(
      (p) =>
        `    ${p.key.padEnd(10)} ${p.oid}  ${p.upn.padEnd(26)} ${p.roles.length ? p.roles.join(",") : p.groups?.length ? `(groups: ${p.groups.join(",")})` : "(no roles)"}`,
    ),
    "Press Ctrl+C to stop.",
  ];
  console.log(lines.join("\n"));

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, stopping identity provider`);
    idp.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
