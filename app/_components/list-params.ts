import { ZodError, type z } from "zod";
import { hasControlChars } from "@/lib/validation";
import type { ListUrlParams } from "./list-href";
import { clampPage } from "./paging";

/** Next's `searchParams`: a repeated key arrives as an array. */
export type SearchParams = Record<string, string | string[] | undefined>;

/** What a list page reads from its URL. */
export interface ListParams<T> {
  /** Validated values, the schema's defaults filled in. */
  values: T;
  /** The schema's defaults: what the page shows when the URL's values cannot be used. */
  defaults: T;
  /** The accepted values as they stood in the URL, without `page`: what filter, sort and pager links carry on. */
  params: ListUrlParams;
  /** Some values were not valid and were left out (the page says so instead of failing). */
  inputError: boolean;
  /** The keys that were left out; empty when the schema rejected the combination rather than one field. */
  invalidFields: string[];
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * Reads a list page's search params through its zod schema (usually the list verb's own input schema, so the page
 * accepts exactly what the service does). Only the schema's keys are read; for a repeated key the first value counts;
 * blank values count as absent. A value that fails validation is dropped and reported, the valid ones stay, so
 * `?status=bogus&type=key` still shows keys. The schema must accept `{}` (every field optional or defaulted).
 */
export function readListParams<S extends z.ZodObject>(searchParams: SearchParams, schema: S): ListParams<z.output<S>> {
  const raw: Record<string, string> = {};
  // The transport's control-character check: such a value is dropped whatever its schema would make of it.
  const refused: string[] = [];
  for (const key of Object.keys(schema.shape)) {
    const value = first(searchParams[key]);
    if (value !== undefined && hasControlChars(value)) refused.push(key);
    else if (value !== undefined && value.trim() !== "") raw[key] = value;
  }
  const defaults = schema.parse({});
  const parsed = schema.safeParse(raw);
  if (parsed.success && refused.length === 0)
    return { values: parsed.data, defaults, params: withoutPage(raw), inputError: false, invalidFields: [] };

  const issues = parsed.success ? [] : parsed.error.issues;
  const invalid = [...new Set([...refused, ...issues.map((i) => (i.path.length ? String(i.path[0]) : ""))])];
  const kept = Object.fromEntries(Object.entries(raw).filter(([k]) => !invalid.includes(k)));
  // An issue without a path is a rule across fields: no single value to drop, so the whole filter goes.
  const retry = invalid.includes("") ? undefined : schema.safeParse(kept);
  if (retry?.success)
    return { values: retry.data, defaults, params: withoutPage(kept), inputError: true, invalidFields: invalid };
  return { values: defaults, defaults, params: {}, inputError: true, invalidFields: invalid.filter(Boolean) };
}

function withoutPage(raw: Record<string, string>): ListUrlParams {
  return Object.fromEntries(Object.entries(raw).filter(([k]) => k !== "page"));
}

/** A loaded list page: the verb's result and what the filter form and pager need to describe it. */
export interface ListView<R> {
  result: R;
  /** The page shown (clamped into range) and its size. */
  page: number;
  pageSize: number;
  total: number;
  defaultPageSize: number;
  params: ListUrlParams;
  inputError: boolean;
  invalidFields: string[];
}

/**
 * Runs a list verb for the page's params. Should the verb still reject them (its schema stricter than the page's), the
 * page shows the unfiltered list with the invalid-filter notice instead of an error page. A page past the end is
 * loaded as the last page, so "page 999 of 35" never shows.
 */
export async function loadList<T extends { page: number; pageSize: number }, R extends { total: number }>(
  list: ListParams<T>,
  load: (input: T) => Promise<R>,
): Promise<ListView<R>> {
  let input = list.values;
  let fellBack = false;
  let result: R;
  try {
    result = await load(input);
  } catch (err) {
    if (!(err instanceof ZodError)) throw err;
    fellBack = true;
    input = list.defaults;
    result = await load(input);
  }
  const page = clampPage(input.page, result.total, input.pageSize);
  if (page !== input.page) result = await load({ ...input, page });
  return {
    result,
    page,
    pageSize: input.pageSize,
    total: result.total,
    defaultPageSize: list.defaults.pageSize,
    // after a fallback the links must not carry the values the verb refused
    params: fellBack ? {} : list.params,
    inputError: list.inputError || fellBack,
    invalidFields: list.invalidFields,
  };
}
