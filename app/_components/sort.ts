import { listHref, type ListUrlParams } from "./list-href";

export type SortDir = "asc" | "desc";
export type AriaSort = "ascending" | "descending" | "none";

/** What a sortable table needs to render its headers: the active sort and where each header links to. */
export interface SortState {
  key: string;
  dir: SortDir;
  hrefFor: (key: string) => string;
}

/** `aria-sort` of a sortable column: the active one says its direction, the others "none". */
export function ariaSort(active: { key: string; dir: SortDir }, key: string): AriaSort {
  if (active.key !== key) return "none";
  return active.dir === "asc" ? "ascending" : "descending";
}

/** Clicking the active column flips it; another column starts in its natural direction (e.g. newest first). */
export function nextSortDir(active: { key: string; dir: SortDir }, key: string, defaultDir: SortDir): SortDir {
  if (active.key !== key) return defaultDir;
  return active.dir === "asc" ? "desc" : "asc";
}

/** Sort links keep the filters and page size, and go back to page 1 (page 7 of another order means nothing). */
export function sortState({
  path,
  params,
  key,
  dir,
  defaultDir,
}: {
  path: string;
  params: ListUrlParams;
  key: string;
  dir: SortDir;
  defaultDir: (key: string) => SortDir;
}): SortState {
  const active = { key, dir };
  return {
    key,
    dir,
    hrefFor: (k) => listHref(path, params, { sort: k, dir: nextSortDir(active, k, defaultDir(k)), page: undefined }),
  };
}
