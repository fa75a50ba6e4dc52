import { describe, expect, it } from "vitest";
import { isMissing, loadOrNotFound } from "@/app/_components/load-or-not-found";
import { z } from "zod";
import { AppError } from "@/lib/errors";

/** notFound() throws Next's 404 signal, recognisable by its digest. */
const isNotFoundSignal = (err: unknown) =>
  typeof (err as { digest?: unknown })?.digest === "string" && (err as { digest: string }).digest.includes("404");

describe("loadOrNotFound", () => {
  it("returns what the load resolves to", async () => {
    await expect(loadOrNotFound(Promise.resolve({ id: 1 }))).resolves.toEqual({ id: 1 });
  });

  it.each(["not_found", "invalid_input"] as const)("turns AppError %s into a 404", async (code) => {
    const err = await loadOrNotFound(Promise.reject(new AppError(code, "no"))).catch((e: unknown) => e);
    expect(isNotFoundSignal(err)).toBe(true);
  });

  it("turns the verb's validation error (an id too long, or with a control character) into a 404", async () => {
    const tooLong = z.object({ id: z.string().max(200) }).safeParse({ id: "x".repeat(201) }).error!;
    const err = await loadOrNotFound(Promise.reject(tooLong)).catch((e: unknown) => e);
    expect(isNotFoundSignal(err)).toBe(true);
  });

  it("rethrows anything else unchanged", async () => {
    const forbidden = new AppError("forbidden", "no");
    await expect(loadOrNotFound(Promise.reject(forbidden))).rejects.toBe(forbidden);
    const crash = new Error("boom");
    await expect(loadOrNotFound(Promise.reject(crash))).rejects.toBe(crash);
  });
});

describe("isMissing", () => {
  it("is only true for not_found and invalid_input AppErrors", () => {
    expect(isMissing(new AppError("not_found", "x"))).toBe(true);
    expect(isMissing(new AppError("invalid_input", "x"))).toBe(true);
    expect(isMissing(new AppError("conflict", "x"))).toBe(false);
    expect(isMissing(new Error("not_found"))).toBe(false);
  });
});
