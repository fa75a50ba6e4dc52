import { AsyncLocalStorage } from "node:async_hooks";
import type { RequestMeta } from "../context";

/**
 * What one request to next-auth's route knows beyond next-auth's own callbacks: its request metadata (for the adapter
 * and audit entries), why a sign-in failed as next-auth reported it to its logger, and details the signIn callback
 * learned from verified claims. next-auth passes none of this along, so it travels in async-local storage.
 */
export interface AuthScope {
  meta: RequestMeta;
  /** Classified next-auth errors of this request, oldest first. */
  errors: { code: string; cause: string; idpError?: string }[];
  /** Safe facts about a refused sign-in (e.g. the token's tenant), merged into its audit entry. */
  refusal?: Record<string, string>;
}

export const authScope = new AsyncLocalStorage<AuthScope>();
