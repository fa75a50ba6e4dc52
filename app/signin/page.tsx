import { redirect } from "next/navigation";
import { AuthFrame } from "@/app/_components/auth-frame";
import { getConfig } from "@/lib/config";
import { safeRedirectPath } from "@/lib/web/redirect-target";
import { currentCtx } from "@/lib/web/session";
import { SignInButton } from "./_components/sign-in-button";

export const metadata = { title: "Sign in" };

/** next-auth error codes → what the user should do about them. */
const ERRORS: Record<string, string> = {
  RateLimited: "Too many sign-in attempts from your network. Wait a few minutes, then try again.",
  WrongTenant: "That account belongs to a different Microsoft Entra tenant than this installation.",
  MissingClaims:
    "Microsoft Entra did not send the expected claims (oid, tid). Check the app registration's token configuration.",
  OAuthCallback:
    "Sign-in with Microsoft did not complete. Try again; if it keeps failing, ask your administrator to check the app registration's redirect URI.",
  OAuthSignin: "Could not start sign-in with Microsoft. The identity provider may be unreachable.",
  Callback: "Sign-in could not be completed. Try again.",
  AccessDenied: "Access was denied.",
  SessionRequired: "Please sign in to continue.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const sp = await searchParams;
  const ctx = await currentCtx();
  const callbackUrl = safeRedirectPath(sp.callbackUrl, getConfig().appUrl);
  if (ctx.actor.type === "user") redirect(callbackUrl);
  const errorCode = typeof sp.error === "string" ? sp.error : undefined;
  // Own keys only: "constructor" or "__proto__" in the query must not reach the page.
  const error = errorCode
    ? Object.hasOwn(ERRORS, errorCode)
      ? ERRORS[errorCode]
      : "Sign-in failed. Try again, or contact your administrator."
    : undefined;
  return (
    <AuthFrame>
      <h1 className="text-xl font-semibold">Sign in</h1>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        Use your organisation&apos;s Microsoft Entra ID account. CertifyClouds has no passwords of its own.
      </p>
      {sp.signedOut && !error && (
        <p
          className="mt-4 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-500/10 dark:text-emerald-300"
          role="status"
        >
          You have signed out.
        </p>
      )}
      {error && (
        <p
          className="mt-4 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-300"
          role="alert"
          data-testid="signin-error"
        >
          {error}
        </p>
      )}
      <div className="mt-6">
        <SignInButton callbackUrl={callbackUrl} />
      </div>
    </AuthFrame>
  );
}
