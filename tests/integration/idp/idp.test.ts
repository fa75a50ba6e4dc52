/**
 * Local OpenID provider: real HTTP against a real oidc-provider instance, driven by openid-client (v5,
 * the same library next-auth 4 uses) plus a fetch-based cookie-carrying "browser". No mocks.
 */
import { createPublicKey } from "node:crypto";

import { Issuer, errors, generators, type BaseClient } from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MiniBrowser, parseForm, signInAs } from "../../idp/browser";
import { PERSONAS, PERSONA_BY_KEY, TEST_GROUPS, startIdp, type PersonaKey, type RunningIdp } from "../../idp/server";

const TENANT = "3c7e4f0a-9b21-4d8e-a6c5-72f1e0d9b834";
const REDIRECT = "http://localhost:3000/api/auth/callback/azure-ad";
const POST_LOGOUT = "http://localhost:3000/signed-out";
const BASIC = { id: "certifyclouds-web", secret: "basic-secret-5b2f9c" };
const POST = { id: "certifyclouds-post", secret: "post-secret-8e1d4a" };

let idp: RunningIdp;
let issuer: Issuer<BaseClient>;

function newClient(
  id = BASIC.id,
  secret = BASIC.secret,
  method: "client_secret_basic" | "client_secret_post" = "client_secret_basic",
) {
  return new issuer.Client({
    client_id: id,
    client_secret: secret,
    redirect_uris: [REDIRECT],
    response_types: ["code"],
    token_endpoint_auth_method: method,
    id_token_signed_response_alg: "RS256",
  });
}

function authRequest(client: BaseClient, extra: Record<string, string> = {}) {
  const codeVerifier = generators.codeVerifier();
  const state = generators.state();
  const nonce = generators.nonce();
  const url = client.authorizationUrl({
    scope: "openid profile email",
    code_challenge: generators.codeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...extra,
  });
  return { url, codeVerifier, state, nonce };
}

async function signInAndRedeem(persona: PersonaKey, client = newClient(), browser = new MiniBrowser()) {
  const req = authRequest(client);
  const { callbackUrl, loginPageHtml } = await signInAs(browser, req.url, persona, REDIRECT);
  const params = client.callbackParams(callbackUrl);
  const tokenSet = await client.callback(REDIRECT, params, {
    code_verifier: req.codeVerifier,
    state: req.state,
    nonce: req.nonce,
  });
  return { req, params, tokenSet, claims: tokenSet.claims(), browser, loginPageHtml, callbackUrl };
}

beforeAll(async () => {
  idp = await startIdp({
    port: 0,
    tenantId: TENANT,
    clients: [
      {
        clientId: BASIC.id,
        clientSecret: BASIC.secret,
        redirectUris: [REDIRECT],
        postLogoutRedirectUris: [POST_LOGOUT],
      },
      { clientId: POST.id, clientSecret: POST.secret, redirectUris: [REDIRECT] },
    ],
  });
  issuer = await Issuer.discover(idp.wellKnown);
});

afterAll(async () => {
  await idp?.stop();
});

describe("discovery and keys", () => {
  it("uses the Entra v2.0 layout on 127.0.0.1", () => {
    expect(idp.port).toBeGreaterThan(0);
    expect(idp.authorityHost).toBe(`http://127.0.0.1:${idp.port}`);
    expect(idp.issuer).toBe(`http://127.0.0.1:${idp.port}/${TENANT}/v2.0`);
    expect(idp.wellKnown).toBe(`${idp.issuer}/.well-known/openid-configuration`);
    expect(issuer.metadata.issuer).toBe(idp.issuer);
    for (const key of [
      "authorization_endpoint",
      "token_endpoint",
      "jwks_uri",
      "userinfo_endpoint",
      "end_session_endpoint",
    ] as const) {
      expect(String(issuer.metadata[key]), key).toMatch(
        new RegExp(`^http://127\\.0\\.0\\.1:${idp.port}/${TENANT}/v2\\.0/`),
      );
    }
  });

  it("advertises code + PKCE S256, secret basic/post, RS256 and the Entra claims", () => {
    const m = issuer.metadata as Record<string, unknown>;
    expect(m.response_types_supported).toEqual(["code"]);
    expect(m.code_challenge_methods_supported).toEqual(["S256"]);
    expect(m.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(["client_secret_basic", "client_secret_post"]),
    );
    expect(m.id_token_signing_alg_values_supported).toEqual(["RS256"]);
    expect(m.claims_supported).toEqual(
      expect.arrayContaining(["sub", "tid", "oid", "ver", "roles", "groups", "name", "preferred_username", "email"]),
    );
  });

  it("publishes exactly one public RSA signing key (no private parts)", async () => {
    const res = await fetch(String(issuer.metadata.jwks_uri));
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys).toHaveLength(1);
    const [key] = jwks.keys;
    expect(key).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    expect(key!.kid).toMatch(/.+/);
    for (const priv of ["d", "p", "q", "dp", "dq", "qi"]) expect(key).not.toHaveProperty(priv);
    expect(createPublicKey({ key: key!, format: "jwk" }).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});

describe("persona sign-in (authorization code + PKCE + state + nonce)", () => {
  it("renders the persona picker", async () => {
    const client = newClient();
    const browser = new MiniBrowser();
    const first = await browser.follow(authRequest(client).url);
    expect(first.res.status).toBe(200);
    expect(first.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${idp.port}/interaction/[A-Za-z0-9_-]+$`));
    const html = first.body;
    expect(html).toContain("<title>Local identity provider — CertifyClouds demo</title>");
    expect(html).toContain(
      '<button type="submit" name="persona" value="admin" data-testid="persona-admin">Sign in as Avery Admin (CertifyClouds.Admin)</button>',
    );
    expect(html).toContain('data-testid="persona-norole">Sign in as Nora NoRole (no app roles)</button>');
    for (const p of PERSONAS) {
      expect(html).toContain(`data-testid="persona-${p.key}"`);
      expect(html).toContain(p.name);
    }
    const form = parseForm(html);
    expect(form.method).toBe("POST");
    expect(new URL(form.action, first.url).href).toBe(first.url);
  });

  it.each(PERSONAS.map((p) => [p.key, p] as const))("issues Entra-shaped ID token claims for %s", async (key) => {
    const persona = PERSONA_BY_KEY[key];
    const { claims, params, req, tokenSet } = await signInAndRedeem(key);

    expect(params.state).toBe(req.state);
    expect(params.iss).toBe(idp.issuer);
    expect(tokenSet.token_type?.toLowerCase()).toBe("bearer");
    expect(tokenSet.access_token).toEqual(expect.any(String));

    expect(claims.iss).toBe(idp.issuer);
    expect(claims.aud).toBe(BASIC.id);
    expect(claims.nonce).toBe(req.nonce);
    expect(claims.tid).toBe(TENANT);
    expect(claims.oid).toBe(persona.oid);
    expect(claims.oid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(claims.sub).toBe(persona.sub);
    expect(claims.sub).not.toBe(persona.oid);
    expect(claims.ver).toBe("2.0");
    expect(claims.preferred_username).toBe(persona.upn);
    expect(claims.email).toBe(persona.email);
    expect(claims.name).toBe(persona.name);
    if (persona.roles.length > 0) expect(claims.roles).toEqual(persona.roles);
    else expect(claims).not.toHaveProperty("roles");
    if (persona.groups) expect(claims.groups).toEqual(persona.groups);
    else expect(claims).not.toHaveProperty("groups");
    expect(claims.exp! - claims.iat!).toBeGreaterThan(0);

    // The ID token really is RS256 with the published key id.
    const header = JSON.parse(Buffer.from(tokenSet.id_token!.split(".")[0]!, "base64url").toString()) as Record<
      string,
      string
    >;
    expect(header.alg).toBe("RS256");
    expect(header.kid).toEqual(expect.any(String));
  });

  it("has the fixed persona table the app depends on", () => {
    expect(PERSONAS.map((p) => [p.key, p.oid, p.roles, p.upn, p.name])).toEqual([
      [
        "admin",
        "0a1d9e3c-5b7f-4c21-9e6a-1f0c2b3a4d01",
        ["CertifyClouds.Admin"],
        "admin@contoso.example",
        "Avery Admin",
      ],
      [
        "operator",
        "1b2e8f4d-6c80-4d32-8f7b-2a1d3c4b5e02",
        ["CertifyClouds.Operator"],
        "operator@contoso.example",
        "Oliver Operator",
      ],
      [
        "auditor",
        "2c3f7a5e-7d91-4e43-9a8c-3b2e4d5c6f03",
        ["CertifyClouds.Auditor"],
        "auditor@contoso.example",
        "Aditi Auditor",
      ],
      [
        "viewer",
        "3d4a6b6f-8ea2-4f54-8b9d-4c3f5e6d7a04",
        ["CertifyClouds.Viewer"],
        "viewer@contoso.example",
        "Victor Viewer",
      ],
      ["norole", "4e5b5c70-9fb3-4065-9cae-5d4a6f7e8b05", [], "norole@contoso.example", "Nora NoRole"],
      ["grouponly", "5f6c4d81-a0c4-4176-8dbf-6e5b7a8f9c06", [], "grouponly@contoso.example", "Grace GroupOnly"],
    ]);
    expect(PERSONA_BY_KEY.grouponly.groups).toEqual([TEST_GROUPS.operators.id]);
    expect(idp.personas).toEqual([...PERSONAS]);
  });

  it("serves the same claims from userinfo with the access token", async () => {
    const client = newClient();
    const { tokenSet } = await signInAndRedeem("operator", client);
    const info = await client.userinfo(tokenSet);
    expect(info).toMatchObject({
      sub: PERSONA_BY_KEY.operator.sub,
      oid: PERSONA_BY_KEY.operator.oid,
      tid: TENANT,
      roles: ["CertifyClouds.Operator"],
      preferred_username: "operator@contoso.example",
    });
  });

  it("accepts client_secret_post as well as client_secret_basic", async () => {
    const viaPost = await signInAndRedeem("auditor", newClient(POST.id, POST.secret, "client_secret_post"));
    expect(viaPost.claims.aud).toBe(POST.id);
    expect(viaPost.claims.roles).toEqual(["CertifyClouds.Auditor"]);
    const viaBasic = await signInAndRedeem("auditor", newClient(POST.id, POST.secret, "client_secret_basic"));
    expect(viaBasic.claims.aud).toBe(POST.id);
  });

  it("shows the picker again on the next sign-in so personas can be switched", async () => {
    const browser = new MiniBrowser();
    const first = await signInAndRedeem("admin", newClient(), browser);
    expect(first.claims.oid).toBe(PERSONA_BY_KEY.admin.oid);
    const second = await signInAndRedeem("viewer", newClient(), browser);
    expect(second.loginPageHtml).toContain('data-testid="persona-viewer"');
    expect(second.claims.oid).toBe(PERSONA_BY_KEY.viewer.oid);
    expect(second.claims.roles).toEqual(["CertifyClouds.Viewer"]);
  });
});

describe("rejections", () => {
  it("rejects an unknown client at the authorization endpoint without redirecting", async () => {
    const unknown = new issuer.Client({ client_id: "not-registered", client_secret: "x", redirect_uris: [REDIRECT] });
    const res = await new MiniBrowser().request(authRequest(unknown).url);
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    const html = await res.text();
    expect(html).toContain("invalid_client");
  });

  it("rejects an unregistered redirect_uri without redirecting", async () => {
    const rogue = new issuer.Client({
      client_id: BASIC.id,
      client_secret: BASIC.secret,
      redirect_uris: ["http://evil.example/cb"],
    });
    const res = await new MiniBrowser().request(authRequest(rogue).url);
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    expect(await res.text()).toContain("redirect_uri");
  });

  it("fails the token exchange with a wrong client secret (and the code stays redeemable)", async () => {
    const good = newClient();
    const req = authRequest(good);
    const { callbackUrl } = await signInAs(new MiniBrowser(), req.url, "admin", REDIRECT);
    const params = good.callbackParams(callbackUrl);
    const checks = { code_verifier: req.codeVerifier, state: req.state, nonce: req.nonce };

    const wrong = newClient(BASIC.id, "not-the-secret");
    const err = await wrong.callback(REDIRECT, params, checks).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(errors.OPError);
    expect((err as InstanceType<typeof errors.OPError>).error).toBe("invalid_client");

    const ok = await good.callback(REDIRECT, params, checks);
    expect(ok.claims().oid).toBe(PERSONA_BY_KEY.admin.oid);
  });

  it("rejects a wrong secret sent with client_secret_post too", async () => {
    const good = newClient(POST.id, POST.secret, "client_secret_post");
    const req = authRequest(good);
    const { callbackUrl } = await signInAs(new MiniBrowser(), req.url, "viewer", REDIRECT);
    const wrong = newClient(POST.id, `${POST.secret}x`, "client_secret_post");
    await expect(
      wrong.callback(REDIRECT, good.callbackParams(callbackUrl), {
        code_verifier: req.codeVerifier,
        state: req.state,
        nonce: req.nonce,
      }),
    ).rejects.toMatchObject({ error: "invalid_client" });
  });

  it("rejects a wrong PKCE code_verifier", async () => {
    const client = newClient();
    const req = authRequest(client);
    const { callbackUrl } = await signInAs(new MiniBrowser(), req.url, "admin", REDIRECT);
    await expect(
      client.callback(REDIRECT, client.callbackParams(callbackUrl), {
        code_verifier: generators.codeVerifier(),
        state: req.state,
        nonce: req.nonce,
      }),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("requires PKCE: an authorization request without code_challenge is refused", async () => {
    const client = newClient();
    const state = generators.state();
    const url = client.authorizationUrl({ scope: "openid", state, nonce: generators.nonce() });
    const res = await new MiniBrowser().request(url);
    expect(res.status).toBe(303);
    const loc = new URL(res.headers.get("location")!);
    expect(`${loc.origin}${loc.pathname}`).toBe(REDIRECT);
    expect(loc.searchParams.get("error")).toBe("invalid_request");
    expect(loc.searchParams.get("error_description")).toMatch(/PKCE/);
    expect(loc.searchParams.get("state")).toBe(state);
  });

  it("a redeemed code cannot be redeemed twice", async () => {
    const client = newClient();
    const { params, req } = await signInAndRedeem("viewer", client);
    await expect(
      client.callback(REDIRECT, params, { code_verifier: req.codeVerifier, state: req.state, nonce: req.nonce }),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("cancel on the persona page returns access_denied to the app", async () => {
    const client = newClient();
    const req = authRequest(client);
    const browser = new MiniBrowser();
    const page = await browser.follow(req.url);
    const done = await browser.follow(page.url, { form: { cancel: "1" } }, (u) => u.startsWith(REDIRECT));
    expect(done.stoppedAt).toBeDefined();
    const loc = new URL(done.stoppedAt!);
    expect(loc.searchParams.get("error")).toBe("access_denied");
    expect(loc.searchParams.get("state")).toBe(req.state);
  });

  it("rejects an unknown persona", async () => {
    const browser = new MiniBrowser();
    const page = await browser.follow(authRequest(newClient()).url);
    const res = await browser.request(page.url, { form: { persona: "root" } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Unknown persona");
  });
});

describe("end session", () => {
  it("signs out without a confirmation step and returns to post_logout_redirect_uri with state", async () => {
    const { tokenSet, browser } = await signInAndRedeem("admin");
    const state = generators.state();
    const endUrl = newClient().endSessionUrl({
      id_token_hint: tokenSet.id_token!,
      post_logout_redirect_uri: POST_LOGOUT,
      state,
    });
    const landing = await browser.request(endUrl);
    expect(landing.status).toBe(200);
    const html = await landing.text();
    // Auto-submitting form with logout=yes (the only thing a real browser does here is run the script).
    expect(html).toContain('document.getElementById("op.logoutForm").submit()');
    const form = parseForm(html, "op.logoutForm");
    expect(form.fields.logout).toBe("yes");
    expect(form.fields.xsrf).toEqual(expect.any(String));

    const done = await browser.request(new URL(form.action, endUrl).href, { form: form.fields });
    expect(done.status).toBe(303);
    const loc = new URL(done.headers.get("location")!);
    expect(`${loc.origin}${loc.pathname}`).toBe(POST_LOGOUT);
    expect(loc.searchParams.get("state")).toBe(state);
    // Session cookie cleared.
    expect(browser.jar.names(new URL(idp.issuer).host)).not.toContain("_session");
  });

  it("rejects an unregistered post_logout_redirect_uri", async () => {
    const { tokenSet, browser } = await signInAndRedeem("viewer");
    const endUrl = newClient().endSessionUrl({
      id_token_hint: tokenSet.id_token!,
      post_logout_redirect_uri: "http://evil.example/bye",
    });
    const res = await browser.request(endUrl);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("post_logout_redirect_uri");
  });
});

describe("options: sso and requirePkce", () => {
  it("signs in silently when an IdP session exists", async () => {
    const ssoIdp = await startIdp({
      tenantId: TENANT,
      sso: true,
      clients: [{ clientId: BASIC.id, clientSecret: BASIC.secret, redirectUris: [REDIRECT] }],
    });
    try {
      expect(ssoIdp.port).not.toBe(idp.port);
      const ssoIssuer = await Issuer.discover(ssoIdp.wellKnown);
      const client = new ssoIssuer.Client({
        client_id: BASIC.id,
        client_secret: BASIC.secret,
        redirect_uris: [REDIRECT],
      });
      const browser = new MiniBrowser();
      const r1 = authRequest(client);
      const s1 = await signInAs(browser, r1.url, "auditor", REDIRECT);
      expect(s1.loginPageHtml).not.toBe("");
      const r2 = authRequest(client);
      const s2 = await signInAs(browser, r2.url, "admin", REDIRECT);
      expect(s2.loginPageHtml).toBe(""); // no picker: silent SSO as the existing auditor session
      const t2 = await client.callback(REDIRECT, client.callbackParams(s2.callbackUrl), {
        code_verifier: r2.codeVerifier,
        state: r2.state,
        nonce: r2.nonce,
      });
      expect(t2.claims().oid).toBe(PERSONA_BY_KEY.auditor.oid);
    } finally {
      await ssoIdp.stop();
    }
  });

  it('requirePkce: false accepts a code flow without PKCE (next-auth\'s default checks: ["state"])', async () => {
    const noPkce = await startIdp({
      tenantId: TENANT,
      requirePkce: false,
      clients: [{ clientId: BASIC.id, clientSecret: BASIC.secret, redirectUris: [REDIRECT] }],
    });
    try {
      const iss = await Issuer.discover(noPkce.wellKnown);
      const client = new iss.Client({ client_id: BASIC.id, client_secret: BASIC.secret, redirect_uris: [REDIRECT] });
      const state = generators.state();
      const url = client.authorizationUrl({ scope: "openid profile email", state });
      const { callbackUrl } = await signInAs(new MiniBrowser(), url, "norole", REDIRECT);
      const tokens = await client.callback(REDIRECT, client.callbackParams(callbackUrl), { state });
      expect(tokens.claims().oid).toBe(PERSONA_BY_KEY.norole.oid);
      expect(tokens.claims()).not.toHaveProperty("roles");
    } finally {
      await noPkce.stop();
    }
  });
});
