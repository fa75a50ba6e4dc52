/**
 * The production build (Next standalone output) in a child process, with its JSON log lines captured, wired to a local
 * identity provider: for tests of what only the real server shows (the proxy, Next's own request handling, next-auth's
 * route). Builds first when sources changed, like tests/support/app-server.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureBuild, freePort, stopChild } from "../../support/app-server";
import { startIdp, type RunningIdp } from "../../idp/server";

const STANDALONE = path.resolve(__dirname, "../../../.next/standalone");
export const TENANT_ID = "0c5e7d3a-6b2f-4e19-9a8c-3d1f5b7e9a20";
const CLIENT_ID = "certifyclouds-web-tests";

export interface LogLine {
  level: number;
  msg?: string;
  requestId?: string;
  [key: string]: unknown;
}

export interface ConsoleServer {
  url: string;
  idp: RunningIdp;
  callbackUrl: string;
  /** JSON lines the server wrote so far (pino). */
  logs: LogLine[];
  /** Everything else it wrote to stdout/stderr (Next's own console output). */
  otherOutput: string[];
  stop(): Promise<void>;
}

export async function startConsoleServer(env: Record<string, string> = {}): Promise<ConsoleServer> {
  ensureBuild();
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const callbackUrl = `${url}/api/auth/callback/azure-ad`;
  const clientSecret = randomBytes(18).toString("base64url");
  const idp = await startIdp({
    tenantId: TENANT_ID,
    clients: [{ clientId: CLIENT_ID, clientSecret, redirectUris: [callbackUrl] }],
  });
  const dataDir = mkdtempSync(path.join(tmpdir(), "cc-web-"));
  const child: ChildProcess = spawn(process.execPath, [path.join(STANDALONE, "server.js")], {
    cwd: STANDALONE,
    env: {
      PATH: process.env.PATH,
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      APP_ENV: "production",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      APP_URL: url,
      SECRET_KEY: randomBytes(32).toString("base64"),
      PGLITE_DIR: path.join(dataDir, "pglite"),
      LOG_LEVEL: "info",
      ENTRA_TENANT_ID: TENANT_ID,
      ENTRA_CLIENT_ID: CLIENT_ID,
      ENTRA_CLIENT_SECRET: clientSecret,
      ENTRA_AUTHORITY_HOST: idp.authorityHost,
      ALLOW_LOOPBACK_AUTHORITY: "true",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogLine[] = [];
  const otherOutput: string[] = [];
  const collect = (stream: NodeJS.ReadableStream) => {
    let buf = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          logs.push(JSON.parse(line) as LogLine);
        } catch {
          otherOutput.push(line);
        }
      }
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const stop = async () => {
    await stopChild(child, 5000);
    await idp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the console exited during start-up:\n${otherOutput.join("\n")}`);
    }
    const ready = await fetch(`${url}/api/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error("the console did not become ready within 60 s");
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, idp, callbackUrl, logs, otherOutput, stop };
}
