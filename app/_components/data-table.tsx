import { Link } from "@/app/_components/link";
import type { ReactNode } from "react";
import css from "./data-table.module.css";
import { ariaSort, type SortState } from "./sort";

export interface Column<Row> {
  header: ReactNode;
  /** The cell's content; may be left out when `body` renders the rows. */
  cell?: (row: Row) => ReactNode;
  /** A muted second line under the cell (resource group, app id, date under "in 12 d"). */
  detail?: (row: Row) => ReactNode;
  /** Makes the header a sort link; the value is what the URL's `sort` carries. */
  sortKey?: string;
  align?: "left" | "center" | "right";
  /** Classes for the column's cells (widths, truncation, type). */
  className?: string;
}

/** Extra attributes for a row: a class (e.g. dimmed when removed) and data-* hooks for tests. */
export type RowAttributes = { className?: string } & { [key: `data-${string}`]: string | undefined };

export interface DataTableProps<Row> {
  /** Names the table for assistive technology (caption) and its scroll region. */
  label: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  /** Makes each row a link: the first cell's content becomes the link, stretched over the whole row. */
  rowHref?: (row: Row) => string;
  rowAttributes?: (row: Row) => RowAttributes;
  /** Shown in a single row when `rows` is empty. */
  empty: ReactNode;
  sort?: SortState;
  testId?: string;
  /** Tighter horizontal padding for tables with many columns. */
  dense?: boolean;
  /** "card": a card of its own; "none": inside a card or section that is already framed. */
  frame?: "card" | "none";
  /** Classes for the scroll region (margins inside a section). */
  className?: string;
  /** Rows rendered elsewhere (a client component that sends data, not markup); `rows` then only decides emptiness. */
  body?: ReactNode;
}

const ALIGN = { left: "", center: "text-center", right: "text-right" } as const;

const join = (...classes: (string | false | undefined)[]) => classes.filter(Boolean).join(" ") || undefined;

const hasContent = (n: ReactNode) => n !== null && n !== undefined && n !== false && n !== "";

/** A list table: declarative columns, sortable headers, empty row, optional row links, horizontal scroll. */
export function DataTable<Row>({
  label,
  columns,
  rows,
  rowKey,
  rowHref,
  rowAttributes,
  empty,
  sort,
  testId,
  dense,
  frame = "card",
  className,
  body,
}: DataTableProps<Row>) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      className={join(frame === "card" && "card", css.scroll, className)}
    >
      <table className={dense ? "table [&_td]:px-3 [&_th]:px-3" : "table"} data-testid={testId}>
        <caption className="sr-only">{label}</caption>
        <thead>
          <tr>
            {columns.map((col, i) => (
              <HeaderCell key={i} column={col} sort={sort} />
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} className={css.empty}>
                {empty}
              </td>
            </tr>
          )}
          {body ??
            rows.map((row) => {
              const href = rowHref?.(row);
              const attrs = rowAttributes?.(row) ?? {};
              return (
                <tr key={rowKey(row)} {...attrs} className={join(href !== undefined && css.linkedRow, attrs.className)}>
                  {columns.map((col, i) => (
                    <BodyCell key={i} column={col} row={row} href={i === 0 ? href : undefined} />
                  ))}
                </tr>
              );
            })}
        </tbody>
      </table>
    </div>
  );
}

function HeaderCell<Row>({ column, sort }: { column: Column<Row>; sort?: SortState }) {
  const align = ALIGN[column.align ?? "left"] || undefined;
  if (!sort || column.sortKey === undefined)
    return (
      <th scope="col" className={align}>
        {column.header}
      </th>
    );
  const state = ariaSort(sort, column.sortKey);
  return (
    <th scope="col" className={align} aria-sort={state}>
      <Link href={sort.hrefFor(column.sortKey)} className={css.sortLink}>
        {column.header}
        <SortIndicator state={state} />
      </Link>
    </th>
  );
}

/** ↑ / ↓ on the active column, a faint ↕ on the others so that sortable columns are recognisable. */
function SortIndicator({ state }: { state: ReturnType<typeof ariaSort> }) {
  if (state === "none")
    return (
      <span aria-hidden="true" className={css.sortIdle}>
        ↕
      </span>
    );
  return <span aria-hidden="true">{state === "ascending" ? "↑" : "↓"}</span>;
}

function BodyCell<Row>({ column, row, href }: { column: Column<Row>; row: Row; href?: string }) {
  const content = column.cell?.(row);
  const detail = column.detail?.(row);
  return (
    <td className={join(ALIGN[column.align ?? "left"], column.className)}>
      {href !== undefined ? (
        <Link href={href} className={css.rowLink}>
          {content}
        </Link>
      ) : (
        content
      )}
      {hasContent(detail) && <div className={css.detail}>{detail}</div>}
    </td>
  );
}
