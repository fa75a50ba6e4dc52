/** Query-string values a list page carries in its URL: filters, sort, page and page size, all as strings. */
export type ListUrlParams = Readonly<Record<string, string>>;

/**
 * The URL of a list view: the current params with some replaced (`undefined` removes one). Empty values are dropped
 * and page 1 is left implicit, so the same view always has the same, shortest URL.
 */
export function listHref(
  path: string,
  params: ListUrlParams,
  over: Readonly<Record<string, string | number | undefined>> = {},
): string {
  const merged: Record<string, string | number | undefined> = { ...params, ...over };
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || value === "") continue;
    if (key === "page" && String(value) === "1") continue;
    query.set(key, String(value));
  }
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}
