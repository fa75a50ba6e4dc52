import css from "./data-table.module.css";

/**
 * Classes for tables whose rows a client component renders (the inventory): the same whole-row link as DataTable's
 * `rowHref` — `linkedRowClass` on the <tr>, `rowLinkClass` on the first cell's anchor — and its cell detail line.
 */
export const linkedRowClass = css.linkedRow;
export const rowLinkClass = css.rowLink;
/** DataTable's muted second line under a cell's content. */
export const cellDetailClass = css.detail;
