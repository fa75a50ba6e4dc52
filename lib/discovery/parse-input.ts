import type { z } from "zod";
import { AppError } from "../errors";

/** Parses a verb's input; invalid input is an `invalid_input` AppError listing each issue by path. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success)
    throw new AppError("invalid_input", "The scan request is not valid.", {
      issues: r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  return r.data;
}
