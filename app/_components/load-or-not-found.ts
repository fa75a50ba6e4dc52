import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";

/** A detail page's id that names nothing (or cannot name anything) is a 404, not an error page. */
export function isMissing(err: unknown): boolean {
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
