/**
 * Local OpenID Connect identity provider for CertifyClouds tests and demos.
 *
 * A real OIDC implementation (oidc-provider 9.x) laid out like Microsoft Entra ID v2.0:
 *   issuer     http://127.0.0.1:PORT/<tenantId>/v2.0
 *   discovery  http://127.0.0.1:PORT/<tenantId>/v2.0/.well-known/openid-configuration
 * and issuing Entra-shaped RS256 ID tokens (tid, oid, sub, preferred_username, name, email, roles, groups, ver).
 *
 * NOT for production: in-memory storage, fixed test personas, no passwords.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { InteractionDetails, KoaLikeContext, Provider as ProviderType } from "oidc-provider";

import { createMemoryAdapterFactory } from "./memory-adapter";
import { Provider, interactionPolicy } from "./oidc";

import { PERSONAS, PERSONA_BY_KEY, findPersonaBySub, isPersonaKey, personaClaims, type Persona } from "./personas";

export { PERSONAS, PERSONA_BY_KEY, TEST_GROUPS, personaClaims } from "./personas";
export type { Persona, PersonaKey } from "./personas";

export interface IdpClientConfig {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}

export interface StartIdpOptions {
  /** 0 (default) = random free port. */
  port?: number;
  /** Listen address. Defaults to 127.0.0.1 (keep the app on `localhost` so cookies stay apart). */
  host?: string;
  tenantId: string;
  clients: IdpClientConfig[];
  /** Require PKCE (S256) on every authorization request. Default true. */
  requirePkce?: boolean;
  /**
   * false (default): the persona picker is shown on every authorization request, so each sign-in can
   * choose a different persona. true: normal SSO — an existing IdP session signs in silently.
   */
  sso?: boolean;
  /** Log each request line to stderr. Default false. */
  verbose?: boolean;
}

export interface RunningIdp {
  /** http://127.0.0.1:PORT/<tenantId>/v2.0 */
  issuer: string;
  /** http://127.0.0.1:PORT */
  authorityHost: string;
  /** `${issuer}/.well-known/openid-configuration` */
  wellKnown: string;
  port: number;
  tenantId: string;
  personas: Persona[];
  stop(): Promise<void>;
}

/** A fixed tenant id for demos and tests that do not care which tenant they use. */
export const DEMO_TENANT_ID = "6f1c2a9e-8d4b-4c7a-b3e5-0d9f2a7c4e18";

const PAGE_TITLE = "Local identity provider — CertifyClouds demo";
const GRANTABLE_SCOPES = ["openid", "profile", "email", "offline_access"];

function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const BASE_CSS = `
  :root { color-scheme: light; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f3f5f8; color: #1b2430; }
  main { max-width: 460px; margin: 48px auto; background: #fff; border: 1px solid #dde3ea; border-radius: 10px; padding: 28px 28px 20px; box-shadow: 0 2px 8px rgba(16,24,40,.06); }
  h1 { font-size: 1.25rem; margin: 0 0 4px; }
  p.sub { margin: 0 0 20px; color: #5b6675; font-size: .9rem; }
  .banner { background: #fff7e6; border: 1px solid #f5d48a; color: #6b4e00; border-radius: 6px; padding: 8px 10px; font-size: .8rem; margin-bottom: 18px; }
  form { margin: 0; }
  .personas { display: grid; gap: 10px; }
  button { font: inherit; text-align: left; width: 100%; padding: 11px 14px; border-radius: 8px; border: 1px solid #c9d2dd; background: #fff; cursor: pointer; }
  button:hover, button:focus-visible { border-color: #0b63c5; background: #f0f6ff; outline: none; }
  .persona .upn { display: block; color: #5b6675; font-size: .78rem; margin: 3px 0 0 15px; }
  button.cancel { text-align: center; color: #5b6675; background: transparent; border: none; margin-top: 10px; }
  dl { font-size: .78rem; color: #5b6675; margin: 16px 0 0; display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; }
  dt { font-weight: 600; } dd { margin: 0; word-break: break-all; }
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${BASE_CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

function roleLabel(p: Persona): string {
  if (p.roles.length > 0) return p.roles.join(", ");
  if (p.groups && p.groups.length > 0) return "no app roles; group member";
  return "no app roles";
}

function loginPage(details: InteractionDetails, tenantId: string): string {
  const clientId = escapeHtml(details.params.client_id);
  const scope = escapeHtml(details.params.scope);
  const buttons = PERSONAS.map((p) => {
    const label = `Sign in as ${p.name} (${roleLabel(p)})`;
    return `<div class="persona"><button type="submit" name="persona" value="${escapeHtml(p.key)}" data-testid="persona-${escapeHtml(p.key)}">${escapeHtml(label)}</button><span class="upn">${escapeHtml(p.upn)}</span></div>`;
  }).join("\n      ");
  return page(
    PAGE_TITLE,
    `<h1>${escapeHtml(PAGE_TITLE)}</h1>
  <p class="sub">Choose a test persona to sign in.</p>
  <div class="banner" role="note">Test identity provider for local development and automated tests. Not Microsoft Entra ID.</div>
  <form method="post" action="/interaction/${escapeHtml(details.uid)}" data-testid="persona-form">
    <div class="personas">
      ${buttons}
    </div>
  </form>
  <form method="post" action="/interaction/${escapeHtml(details.uid)}">
    <button type="submit" name="cancel" value="1" class="cancel" data-testid="persona-cancel">Cancel</button>
  </form>
  <dl>
    <dt>Application</dt><dd data-testid="client-id">${clientId}</dd>
    <dt>Scopes</dt><dd>${scope}</dd>
    <dt>Tenant</dt><dd>${escapeHtml(tenantId)}</dd>
  </dl>`,
  );
}

function errorPage(title: string, fields: Record<string, unknown>): string {
  const rows = Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd data-testid="error-${escapeHtml(k)}">${escapeHtml(v)}</dd>`)
    .join("");
  return page(`${title} — ${PAGE_TITLE}`, `<h1>${escapeHtml(title)}</h1><dl>${rows}</dl>`);
}

async function readForm(req: IncomingMessage, limit = 64 * 1024): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new Error("request body too large");
    chunks.push(buf);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function send(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(html);
}

function generateSigningJwks(): { keys: Record<string, unknown>[] } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" }) as Record<string, unknown>;
  return { keys: [{ ...jwk, kid: randomUUID(), alg: "RS256", use: "sig" }] };
}

function validateOptions(opts: StartIdpOptions): void {
  if (!opts || typeof opts.tenantId !== "string" || !/^[A-Za-z0-9._-]+$/.test(opts.tenantId)) {
    throw new TypeError("startIdp: tenantId must be a non-empty path-safe string (a GUID in practice)");
  }
  if (!Array.isArray(opts.clients) || opts.clients.length === 0) {
    throw new TypeError("startIdp: at least one client is required");
  }
  for (const c of opts.clients) {
    if (!c.clientId || !c.clientSecret || !Array.isArray(c.redirectUris) || c.redirectUris.length === 0) {
      throw new TypeError(`startIdp: client ${c.clientId ?? "?"} needs clientId, clientSecret and redirectUris`);
    }
  }
}

export async function startIdp(opts: StartIdpOptions): Promise<RunningIdp> {
  validateOptions(opts);

  const host = opts.host ?? "127.0.0.1";
  const tenantId = opts.tenantId;
  const prefix = `/${tenantId}/v2.0`;
  const requirePkce = opts.requirePkce ?? true;
  const sso = opts.sso ?? false;

  let provider: ProviderType | undefined;
  // Assigned once the provider exists; the request handler above closes over it.
  // eslint-disable-next-line prefer-const
  let providerCallback: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  const server = http.createServer((req, res) => {
    if (opts.verbose) process.stderr.write(`[idp] ${req.method} ${req.url}\n`);
    void route(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        send(res, 500, errorPage("Something went wrong", { error: "server_error", error_description: String(err) }));
      } else {
        res.end();
      }
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!provider || !providerCallback) {
      send(res, 503, errorPage("Starting", { error: "temporarily_unavailable" }));
      return;
    }
    const rawUrl = req.url ?? "/";
    const pathname = rawUrl.split("?")[0] ?? "/";

    const interactionMatch = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(pathname);
    if (interactionMatch) {
      await handleInteraction(provider, req, res, interactionMatch[1]!);
      return;
    }

    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) {
      // Strip the Entra-style "/<tenant>/v2.0" prefix; oidc-provider derives its mount path
      // from originalUrl vs url, so endpoint URLs in discovery keep the prefix.
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = rawUrl;
      req.url = rawUrl.slice(prefix.length) || "/";
      providerCallback(req, res);
      return;
    }

    if (pathname === "/healthz") {
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ ok: true, issuer: provider.issuer }));
      return;
    }

    send(
      res,
      404,
      errorPage("Not found", {
        path: pathname,
        hint: `OpenID configuration: ${prefix}/.well-known/openid-configuration`,
      }),
    );
  }

  async function grantFor(p: ProviderType, details: InteractionDetails, accountId: string): Promise<string> {
    const clientId = String(details.params.client_id);
    // Reuse the grant of an existing session for this client when there is one.
    let grant = details.grantId ? await p.Grant.find(details.grantId) : undefined;
    if (!grant) grant = new p.Grant({ accountId, clientId });
    // Consent is auto-granted for the configured (first-party) clients.
    const requested = String(details.params.scope ?? "openid")
      .split(" ")
      .filter((s) => GRANTABLE_SCOPES.includes(s));
    grant.addOIDCScope([...new Set(["openid", ...requested])].join(" "));
    if (typeof details.params.claims === "string") {
      try {
        const claims = JSON.parse(details.params.claims) as { id_token?: object; userinfo?: object };
        const names = [...Object.keys(claims.id_token ?? {}), ...Object.keys(claims.userinfo ?? {})];
        if (names.length > 0) grant.addOIDCClaims(names);
      } catch {
        // oidc-provider already validated the claims parameter; ignore anything unparsable.
      }
    }
    return grant.save();
  }

  async function handleInteraction(
    p: ProviderType,
    req: IncomingMessage,
    res: ServerResponse,
    uid: string,
  ): Promise<void> {
    let details: InteractionDetails;
    try {
      details = await p.interactionDetails(req, res);
    } catch (err) {
      send(
        res,
        400,
        errorPage("Sign-in session expired", {
          error: "invalid_request",
          error_description:
            "The sign-in session was not found or has expired. Start the sign-in again from the application.",
          detail: (err as Error).message,
        }),
      );
      return;
    }
    if (details.uid !== uid) {
      send(res, 400, errorPage("Sign-in session mismatch", { error: "invalid_request" }));
      return;
    }

    if (req.method === "GET") {
      if (details.prompt.name === "login") {
        send(res, 200, loginPage(details, tenantId));
        return;
      }
      if (details.prompt.name === "consent") {
        // Already signed in (SSO mode) but this client has no grant yet: consent silently.
        const accountId = details.session?.accountId;
        if (!accountId) {
          send(res, 400, errorPage("Sign-in required", { error: "login_required" }));
          return;
        }
        const grantId = await grantFor(p, details, accountId);
        await p.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
        return;
      }
      send(res, 400, errorPage("Unsupported prompt", { error: "invalid_request", prompt: details.prompt.name }));
      return;
    }

    if (req.method === "POST") {
      const form = await readForm(req);
      if (form.has("cancel")) {
        await p.interactionFinished(
          req,
          res,
          { error: "access_denied", error_description: "End-User cancelled the sign-in" },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const key = form.get("persona");
      if (!isPersonaKey(key)) {
        send(res, 400, errorPage("Unknown persona", { error: "invalid_request", persona: key ?? "(missing)" }));
        return;
      }
      const persona = PERSONA_BY_KEY[key];
      // A different persona than the current SSO session signs in: start from a fresh grant.
      const sameAccount = details.session?.accountId === persona.sub;
      const grantId = await grantFor(p, sameAccount ? details : { ...details, grantId: undefined }, persona.sub);
      await p.interactionFinished(
        req,
        res,
        {
          login: { accountId: persona.sub, amr: ["pwd"], remember: sso },
          consent: { grantId },
        },
        { mergeWithLastSubmission: false },
      );
      return;
    }

    res.setHeader("Allow", "GET, POST");
    send(res, 405, errorPage("Method not allowed", { error: "invalid_request" }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const authorityHost = `http://${host}:${port}`;
  const issuer = `${authorityHost}${prefix}`;

  const policy = interactionPolicy.base();
  if (!sso) {
    policy.get("login")!.checks.push(
      new interactionPolicy.Check(
        "pick_persona",
        "a persona must be picked on every sign-in",
        (ctx: KoaLikeContext) => {
          if (ctx.oidc.result && "login" in ctx.oidc.result) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
          if (ctx.oidc.prompts.has("none")) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
          return interactionPolicy.Check.REQUEST_PROMPT;
        },
      ),
    );
  }

  try {
    provider = new Provider(issuer, {
      adapter: createMemoryAdapterFactory(),
      clients: opts.clients.map((c) => ({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        client_name: c.clientId,
        redirect_uris: c.redirectUris,
        post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
        response_types: ["code"],
        grant_types: ["authorization_code", "refresh_token"],
        // Registered as client_secret_basic; oidc-provider 9 accepts the secret via either
        // client_secret_basic or client_secret_post for any client that has a secret.
        token_endpoint_auth_method: "client_secret_basic",
        id_token_signed_response_alg: "RS256",
      })),
      clientAuthMethods: ["client_secret_basic", "client_secret_post"],
      responseTypes: ["code"],
      scopes: GRANTABLE_SCOPES,
      claims: {
        openid: ["sub", "tid", "oid", "ver", "roles", "groups"],
        profile: ["name", "preferred_username"],
        email: ["email"],
      },
      // Entra puts profile claims and roles in the ID token itself.
      conformIdTokenClaims: false,
      async findAccount(_ctx: unknown, sub: string) {
        const persona = findPersonaBySub(sub);
        if (!persona) return undefined;
        return {
          accountId: persona.sub,
          async claims() {
            return personaClaims(persona, tenantId);
          },
        };
      },
      pkce: { required: () => requirePkce },
      interactions: {
        policy,
        url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      },
      cookies: {
        keys: [randomBytes(32).toString("base64url"), randomBytes(32).toString("base64url")],
      },
      jwks: generateSigningJwks(),
      enabledJWA: { idTokenSigningAlgValues: ["RS256"] },
      features: {
        devInteractions: { enabled: false },
        resourceIndicators: { enabled: false },
        userinfo: { enabled: true },
        revocation: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          // Auto-confirm: self-submitting form (the maintainer-recommended way to skip the prompt).
          async logoutSource(ctx: KoaLikeContext, form: string) {
            const autoForm = form.replace("</form>", '<input type="hidden" name="logout" value="yes"/></form>');
            ctx.type = "html";
            ctx.body = page(
              `Signing out — ${PAGE_TITLE}`,
              `<h1>Signing out…</h1>
  <p class="sub">You are being signed out of the local identity provider.</p>
  ${autoForm}
  <noscript><button type="submit" form="op.logoutForm" data-testid="logout-confirm">Continue</button></noscript>
  <script>document.getElementById("op.logoutForm").submit();</script>`,
            );
          },
          async postLogoutSuccessSource(ctx: KoaLikeContext) {
            ctx.type = "html";
            ctx.body = page(
              `Signed out — ${PAGE_TITLE}`,
              `<h1 data-testid="signed-out">Signed out</h1><p class="sub">You have been signed out of the local identity provider.</p>`,
            );
          },
        },
      },
      clientBasedCORS: () => true,
      async renderError(ctx: KoaLikeContext, out: Record<string, unknown>) {
        ctx.type = "html";
        ctx.body = errorPage("Sign-in error", out);
      },
      ttl: {
        AccessToken: 3600,
        AuthorizationCode: 300,
        IdToken: 3600,
        RefreshToken: 24 * 3600,
        Interaction: 3600,
        Session: 8 * 3600,
        Grant: 8 * 3600,
      },
    });
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }
  providerCallback = provider.callback();

  let stopped: Promise<void> | undefined;
  return {
    issuer,
    authorityHost,
    wellKnown: `${issuer}/.well-known/openid-configuration`,
    port,
    tenantId,
    personas: [...PERSONAS],
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
