import type { z } from "zod";
import type { Ctx } from "../context";
import { toPublicError, type PublicError } from "./errors";
import { enforce, type Access } from "./guard";
import { currentCtx } from "./session";
import { assertNoControlChars } from "../validation";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: PublicError };

export type WrappedAction<I, T> = ((input: I) => Promise<ActionResult<T>>) & { access: Access; actionName: string };

/**
 * Every server action goes through here: authenticate → check the permission → validate input with zod →
 * run one service verb → map errors to a safe, typed result.
 */
export function action<S extends z.ZodType, T>(
  spec: { name: string; access: Access; input: S },
  fn: (args: { ctx: Ctx; input: z.infer<S> }) => Promise<T>,
): WrappedAction<z.input<S> | FormData, T> {
  const wrapped = async (raw: z.input<S> | FormData): Promise<ActionResult<T>> => {
    let requestId = "unknown";
    try {
      const ctx = await currentCtx();
      requestId = ctx.request.requestId;
      await enforce(ctx, spec.access, spec.name);
      const data = raw instanceof FormData ? Object.fromEntries(raw) : raw;
      if (raw instanceof FormData) for (const [k, v] of raw) assertNoControlChars({ [k]: v });
      assertNoControlChars(data);
      const input = spec.input.parse(data);
      return { ok: true, data: await fn({ ctx, input }) };
    } catch (err) {
      return { ok: false, error: toPublicError(err, requestId).body };
    }
  };
  return Object.assign(wrapped, { access: spec.access, actionName: spec.name });
}
