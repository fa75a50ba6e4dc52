import type { NextAuthOptions } from "next-auth";
import type { Adapter, AdapterUser } from "next-auth/adapters";
import AzureADProvider from "next-auth/providers/azure-ad";
import { audit } from "../audit/record";
import { resolveRoles } from "../auth/resolve-roles";
import { createSessionRow, deleteSessionByToken, resolveSession } from "../auth/session-store";
import { getUserById, getUserByOid, upsertUserFromSignIn } from "../auth/users";
import { getConfig } from "../config";
import { userActor, type Ctx } from "../context";
import { getDb } from "../db/client";
import type { User } from "../db/schema";
import { errorForLog, logger } from "../log";
import { authScope } from "./auth-scope";
import { sessionCookieName } from "./cookies";
import { safeRedirectUrl } from "./redirect-target";
import { classifyNextAuthError } from "./signin-failure";

const log = logger("auth");

interface EntraClaims {
  sub: string;
  oid?: string;
  tid?: string;
  name?: string;
  preferred_username?: string;
  email?: string;
  roles?: unknown;
  groups?: unknown;
}

const toAdapterUser = (u: User): AdapterUser => ({ id: u.id, name: u.name, email: u.upn, emailVerified: null });

function ctxFor(actor: Ctx["actor"]): Ctx {
  return { actor, request: authScope.getStore()?.meta ?? { requestId: crypto.randomUUID() } };
}

/**
 * A small adapter of our own rather than @auth/drizzle-adapter: it stores only a hash of the session token,
 * enforces the absolute and idle limits in one place (resolveSession), keeps no OAuth tokens at all, and
 * keys users by Entra object id.
 */
function adapter(): Adapter {
  return {
    async createUser(user: Omit<AdapterUser, "id">) {
      // Users are upserted by the signIn callback before next-auth gets here; this path is a fallback.
      const existing = await getUserByOid(await getDb(), String((user as { oid?: string }).oid ?? ""));
      if (!existing) throw new Error("user must be provisioned by the signIn callback");
      return toAdapterUser(existing);
    },
    async getUser(id) {
      const u = await getUserById(await getDb(), id);
      return u ? toAdapterUser(u) : null;
    },
    async getUserByEmail() {
      // Identity is the Entra object id, never an e-mail address.
      return null;
    },
    async getUserByAccount({ providerAccountId }) {
      const u = await getUserByOid(await getDb(), providerAccountId);
      return u ? toAdapterUser(u) : null;
    },
    async updateUser(user) {
      const u = await getUserById(await getDb(), user.id!);
      return toAdapterUser(u!);
    },
    async linkAccount() {
      // Deliberately stores nothing: the console needs no Entra access or refresh tokens.
      return undefined;
    },
    async createSession({ sessionToken, userId, expires }) {
      const meta = authScope.getStore()?.meta;
      await createSessionRow(await getDb(), {
        token: sessionToken,
        userId,
        expires,
        ip: meta?.ip,
        userAgent: meta?.userAgent,
      });
      return { sessionToken, userId, expires };
    },
    async getSessionAndUser(sessionToken) {
      const r = await resolveSession(await getDb(), sessionToken);
      if (!r) return null;
      return { session: { sessionToken, userId: r.user.id, expires: r.session.expires }, user: toAdapterUser(r.user) };
    },
    async updateSession({ sessionToken }) {
      // The absolute end never moves; idle time is tracked by resolveSession.
      const r = await resolveSession(await getDb(), sessionToken);
      return r ? { sessionToken, userId: r.user.id, expires: r.session.expires } : null;
    },
    async deleteSession(sessionToken) {
      const row = await deleteSessionByToken(await getDb(), sessionToken);
      return row ? { sessionToken, userId: row.userId, expires: row.expires } : null;
    },
  };
}

function errorOf(metadata: unknown): unknown {
  if (metadata instanceof Error) return metadata;
  return metadata && typeof metadata === "object" && "error" in metadata
    ? (metadata as { error: unknown }).error
    : metadata;
}

export function wellKnownUrl(): string {
  const { authorityHost, tenantId, clientId } = getConfig().auth;
  return `${authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration?appid=${clientId}`;
}

let options: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (options) return options;
  const cfg = getConfig();
  const { auth } = cfg;
  options = {
    secret: cfg.secretKey.toString("base64"),
    adapter: adapter(),
    session: { strategy: "database", maxAge: auth.sessionMaxAgeSeconds, updateAge: auth.sessionMaxAgeSeconds },
    useSecureCookies: cfg.secureCookies,
    cookies: {
      sessionToken: {
        name: sessionCookieName(),
        options: { httpOnly: true, sameSite: "lax", path: "/", secure: cfg.secureCookies },
      },
    },
    pages: { signIn: "/signin", error: "/signin", signOut: "/signin" },
    providers: [
      AzureADProvider({
        clientId: auth.clientId ?? "unconfigured",
        clientSecret: auth.clientSecret ?? "unconfigured",
        tenantId: auth.tenantId ?? "unconfigured",
        wellKnown: wellKnownUrl(),
        checks: ["pkce", "state", "nonce"],
        authorization: { params: { scope: "openid profile email" } },
        // The default profile() calls Microsoft Graph for a photo: an extra outbound call the console does not need.
        profile(claims: EntraClaims) {
          return {
            id: claims.oid ?? claims.sub,
            name: claims.name ?? claims.preferred_username ?? "",
            email: claims.preferred_username ?? claims.email ?? "",
            image: null,
          };
        },
      }),
    ],
    callbacks: {
      // next-auth's default accepts any target starting with "/"; ours resolves it like a browser would.
      redirect: ({ url }) => safeRedirectUrl(url, cfg.appUrl),
      async signIn({ profile }) {
        const claims = profile as unknown as EntraClaims | undefined;
        if (!claims?.oid || !claims.tid) return "/signin?error=MissingClaims";
        if (auth.tenantId && claims.tid !== auth.tenantId) {
          // Audited by the route with every other failed callback; these come from a verified ID token.
          const scope = authScope.getStore();
          if (scope)
            scope.refusal = { tenantId: String(claims.tid).slice(0, 64), oid: String(claims.oid).slice(0, 64) };
          return "/signin?error=WrongTenant";
        }
        const roles = resolveRoles(claims, auth.roleGroupMap);
        await upsertUserFromSignIn(await getDb(), {
          oid: claims.oid,
          tenantId: claims.tid,
          upn: claims.preferred_username ?? claims.email ?? claims.oid,
          name: claims.name ?? claims.preferred_username ?? claims.oid,
          roles,
        });
        return true;
      },
      async session({ session, user }) {
        const u = await getUserById(await getDb(), user.id);
        return { ...session, user: { name: u?.name, email: u?.upn, roles: u?.roles ?? [] } };
      },
    },
    events: {
      async signIn({ user }) {
        const u = await getUserById(await getDb(), user.id);
        if (!u) return;
        const actor = userActor(u, []);
        await audit(ctxFor(actor), { action: "auth.signin.success", details: { roles: u.roles } });
        if (u.roles.length === 0) {
          await audit(ctxFor(actor), {
            action: "auth.access.denied",
            outcome: "denied",
            details: { reason: "no_app_role" },
          });
        }
      },
      async signOut({ session }) {
        const token = (session as { sessionToken?: string } | undefined)?.sessionToken;
        const userId = (session as { userId?: string } | undefined)?.userId;
        const u = userId ? await getUserById(await getDb(), userId) : undefined;
        const actor = u ? userActor(u, []) : { type: "anonymous" as const };
        await audit(ctxFor(actor), { action: "auth.signout", details: { hadSession: Boolean(token) } });
      },
    },
    logger: {
      error: (code, metadata) => {
        const scope = authScope.getStore();
        const requestId = scope?.meta.requestId;
        const failure = classifyNextAuthError(code, metadata);
        scope?.errors.push(failure);
        // A callback anyone can forge (bad state, IdP error, replayed code) is a warning with a fixed cause; the rest
        // (IdP unreachable, a failing adapter) is ours to fix and keeps its cause chain.
        const requestCaused =
          (code === "OAUTH_CALLBACK_ERROR" && failure.cause !== "idp_unreachable") ||
          (code === "OAUTH_CALLBACK_HANDLER_ERROR" && failure.cause === "idp_error");
        if (requestCaused) log.warn({ requestId, ...failure }, "sign-in callback failed");
        else log.error({ requestId, code, error: errorForLog(errorOf(metadata)) }, "next-auth error");
      },
      warn: (code) => log.warn({ code }, "next-auth warning"),
      debug: () => undefined,
    },
  };
  return options;
}
