import { notFound } from "next/navigation";
import { ZodError } from "zod";
import { AppError } from "@/lib/errors";

/**
 * A detail page's id that names nothing (or cannot name anything: too long, a control character, the verb's schema
 * refuses it) is a 404, not an error page.
 */
export function isMissing(err: unknown): boolean {
  if (err instanceof ZodError) return true;
  return err instanceof AppError && (err.code === "not_found" || err.code === "invalid_input");
}

/** Awaits a detail page's load; a missing or malformed id renders the 404 page, anything else propagates. */
export async function loadOrNotFound<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    if (isMissing(err)) notFound();
    throw err;
  }
}
