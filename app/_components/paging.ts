/** Page arithmetic shared by the pager and the loader, so the rows loaded and the "page x of y" shown always agree. */

/** At least one page: an empty list is "page 1 of 1". */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** A page past the end (an old bookmark, a list that shrank) becomes the last page; below 1 becomes 1. */
export function clampPage(page: number, total: number, pageSize: number): number {
  return Math.min(Math.max(1, Math.floor(page)), pageCount(total, pageSize));
}
