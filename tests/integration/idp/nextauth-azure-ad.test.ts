/**
 * The real next-auth 4 `azure-ad` provider against the local IdP, through next-auth's own request handler
 * (core AuthHandler: csrf -> signin -> IdP persona page -> callback). Verifies the configuration the app
 * should use: wellKnown override, checks ["pkce","state","nonce"], and a profile() that does not call Graph.
 */
import { createRequire } from "node:module";
import path from "node:path";

import type { NextAuthOptions } from "next-auth";
import AzureADImport from "next-auth/providers/azure-ad";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MiniBrowser, signInAs } from "../../idp/browser";
import { PERSONA_BY_KEY, TEST_GROUPS, startIdp, type PersonaKey, type RunningIdp } from "../../idp/server";

// CJS default-export interop differs between loaders.
const AzureADProvider = ((AzureADImport as unknown as { default?: typeof AzureADImport }).default ??
  AzureADImport) as typeof AzureADImport;

// next-auth does not export its framework-agnostic core; load it by path (test-only).
const requireCjs = createRequire(import.meta.url);
const { AuthHandler } = requireCjs(path.resolve(process.cwd(), "node_modules/next-auth/core/index.js")) as {
  AuthHandler: (params: { req: Record<string, unknown>; options: NextAuthOptions }) => Promise<{
    status?: number;
    body?: unknown;
    redirect?: string;
    cookies?: Array<{ name: string; value: string; options?: { expires?: Date | string; maxAge?: number } }>;
  }>;
};

const APP = "http://localhost:3000";
const TENANT = "b0d4e6f8-1a2c-4e3b-9d5f-7a8b9c0d1e2f";
const CLIENT_ID = "certifyclouds-nextauth";
const CLIENT_SECRET = "nextauth-secret-3f9a";
const CALLBACK = `${APP}/api/auth/callback/azure-ad`;

let idp: RunningIdp;
const savedNextAuthUrl = process.env.NEXTAUTH_URL;

beforeAll(async () => {
  process.env.NEXTAUTH_URL = `${APP}/api/auth`;
  idp = await startIdp({
    tenantId: TENANT,
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [CALLBACK] }],
  });
});

afterAll(async () => {
  await idp?.stop();
  if (savedNextAuthUrl === undefined) delete process.env.NEXTAUTH_URL;
  else process.env.NEXTAUTH_URL = savedNextAuthUrl;
});

function authOptions(captured: { profile?: Record<string, unknown>; user?: Record<string, unknown> }): NextAuthOptions {
  return {
    secret: "test-secret-for-nextauth-idp-integration",
    session: { strategy: "jwt" },
    providers: [
      AzureADProvider({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        tenantId: TENANT,
        // Point the real provider at the local IdP.
        wellKnown: idp.wellKnown,
        checks: ["pkce", "state", "nonce"],
        authorization: { params: { scope: "openid profile email" } },
        // The default profile() calls Microsoft Graph for a photo; map the ID token instead.
        profile(p: Record<string, unknown>) {
          return {
            id: String(p.oid ?? p.sub),
            name: (p.name as string) ?? null,
            email: ((p.email ?? p.preferred_username) as string) ?? null,
            image: null,
          };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, profile, user }) {
        if (profile) captured.profile = profile as Record<string, unknown>;
        if (user) captured.user = user as unknown as Record<string, unknown>;
        return token;
      },
    },
  };
}

class AppCookies {
  readonly values: Record<string, string> = {};
  add(cookies: Array<{ name: string; value: string; options?: { expires?: Date | string; maxAge?: number } }> = []) {
    for (const c of cookies) {
      const expired =
        c.options?.maxAge === 0 ||
        (c.options?.expires !== undefined && new Date(c.options.expires).getTime() <= Date.now());
      if (expired || c.value === "") delete this.values[c.name];
      else this.values[c.name] = c.value;
    }
  }
}

async function nextAuthSignIn(persona: PersonaKey) {
  const captured: { profile?: Record<string, unknown>; user?: Record<string, unknown> } = {};
  const options = authOptions(captured);
  const jar = new AppCookies();
  const headers = { host: "localhost:3000" };

  const csrf = await AuthHandler({
    req: { action: "csrf", method: "GET", headers, cookies: {}, query: {}, body: {} },
    options,
  });
  jar.add(csrf.cookies);
  const csrfToken = (csrf.body as { csrfToken: string }).csrfToken;
  expect(csrfToken).toEqual(expect.any(String));

  const signin = await AuthHandler({
    req: {
      action: "signin",
      providerId: "azure-ad",
      method: "POST",
      headers,
      cookies: { ...jar.values },
      query: {},
      body: { csrfToken, callbackUrl: `${APP}/dashboard` },
    },
    options,
  });
  jar.add(signin.cookies);
  expect(signin.redirect).toBeDefined();
  const authUrl = new URL(signin.redirect!);
  expect(`${authUrl.origin}${authUrl.pathname}`).toBe(`${idp.issuer}/auth`);
  expect(authUrl.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authUrl.searchParams.get("nonce")).toEqual(expect.any(String));
  expect(authUrl.searchParams.get("state")).toEqual(expect.any(String));

  const { callbackUrl } = await signInAs(new MiniBrowser(), signin.redirect!, persona, CALLBACK);

  const cb = new URL(callbackUrl);
  const callback = await AuthHandler({
    req: {
      action: "callback",
      providerId: "azure-ad",
      method: "GET",
      headers,
      cookies: { ...jar.values },
      query: Object.fromEntries(cb.searchParams),
      body: {},
    },
    options,
  });
  jar.add(callback.cookies);
  return { callback, captured, jar };
}

describe("next-auth 4 azure-ad provider against the local IdP", () => {
  it.each(["admin", "norole", "grouponly"] as const)(
    "signs in %s and exposes the Entra claims to callbacks",
    async (key) => {
      const persona = PERSONA_BY_KEY[key];
      const { callback, captured, jar } = await nextAuthSignIn(key);

      expect(callback.redirect).toBe(`${APP}/dashboard`);
      expect(Object.keys(jar.values)).toContain("next-auth.session-token");
      expect(captured.user).toMatchObject({ id: persona.oid, name: persona.name, email: persona.email });
      expect(captured.profile).toMatchObject({
        iss: idp.issuer,
        aud: CLIENT_ID,
        tid: TENANT,
        oid: persona.oid,
        sub: persona.sub,
        preferred_username: persona.upn,
        ver: "2.0",
      });
      if (persona.roles.length) expect(captured.profile!.roles).toEqual(persona.roles);
      else expect(captured.profile).not.toHaveProperty("roles");
      if (key === "grouponly") expect(captured.profile!.groups).toEqual([TEST_GROUPS.operators.id]);
    },
  );
});
