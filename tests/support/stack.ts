/** The console wired to the local identity provider: shared by `npm run demo` and the Playwright suite. */
import { randomBytes } from "node:crypto";
import { DEMO_TENANT_ID, startIdp, type RunningIdp } from "../idp/server";
import { TEST_GROUPS } from "../idp/personas";
import { startCloud, type LocalCloud, type StartCloudOptions } from "../cloud";
import { ensureBuild, startApp, type AppServer, type Launch } from "./app-server";

export const DEMO_CLIENT_ID = "certifyclouds-local";

export interface Stack {
  app: AppServer;
  idp: RunningIdp;
  cloud?: LocalCloud;
  env: Record<string, string>;
  stop: () => Promise<void>;
}

export async function startStack(opts: {
  port: number;
  idpPort?: number;
  env?: Record<string, string>;
  quiet?: boolean;
  build?: boolean;
  /** Start the local cloud and point the console (and its in-process scheduler) at it. */
  cloud?: StartCloudOptions;
  /** How the console starts (see startApp). */
  launch?: Launch;
  /** Aborting stops start-up: what has started is stopped and startStack rejects. */
  signal?: AbortSignal;
}): Promise<Stack> {
  if (opts.build !== false) ensureBuild();
  if (opts.signal?.aborted) throw new Error("start-up cancelled");
  const cloud = opts.cloud ? await startCloud(opts.cloud) : undefined;
  if (opts.signal?.aborted) {
    await cloud?.stop();
    throw new Error("start-up cancelled");
  }
  const appUrl = `http://localhost:${opts.port}`;
  const clientSecret = randomBytes(24).toString("base64url");
  const idp = await startIdp({
    port: opts.idpPort ?? 0,
    tenantId: DEMO_TENANT_ID,
    clients: [
      {
        clientId: DEMO_CLIENT_ID,
        clientSecret,
        redirectUris: [`${appUrl}/api/auth/callback/azure-ad`],
        postLogoutRedirectUris: [`${appUrl}/signin`],
      },
    ],
  });
  const env: Record<string, string> = {
    ...(cloud ? { ...cloud.env, SCHEDULER_IN_PROCESS: "true" } : {}),
    APP_URL: appUrl,
    TENANT_DISPLAY_NAME: "Contoso (demo)",
    ENTRA_TENANT_ID: DEMO_TENANT_ID,
    ENTRA_CLIENT_ID: DEMO_CLIENT_ID,
    ENTRA_CLIENT_SECRET: clientSecret,
    ENTRA_AUTHORITY_HOST: idp.authorityHost,
    ALLOW_LOOPBACK_AUTHORITY: "true",
    ROLE_GROUP_MAP: JSON.stringify({ [TEST_GROUPS.operators.id]: "CertifyClouds.Operator" }),
    ...opts.env,
  };
  try {
    const app = await startApp(env, { port: opts.port, quiet: opts.quiet, launch: opts.launch, signal: opts.signal });
    return {
      app,
      idp,
      cloud,
      env,
      stop: async () => {
        await app.stop();
        await idp.stop();
        await cloud?.stop();
      },
    };
  } catch (err) {
    await idp.stop();
    await cloud?.stop();
    throw err;
  }
}
