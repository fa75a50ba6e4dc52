import { Link } from "@/app/_components/link";
import { formatNumber } from "./format";
import { listHref } from "./list-href";
import type { ListView } from "./list-params";
import { clampPage, pageCount } from "./paging";

/** The page sizes offered under every list (each list verb accepts up to 200). */
export const PAGE_SIZES = [25, 50, 100, 200] as const;

const LABELS = {
  pages: { first: "« First", prev: "← Previous", next: "Next →", last: "Last »" },
  /** Newest-first logs read better as newer / older. */
  time: { first: "« Newest", prev: "← Newer", next: "Older →", last: "Oldest »" },
} as const;

export interface PagerProps {
  path: string;
  /** The loaded list (see loadList); choosing the default page size takes `pageSize` out of the URL. */
  view: Pick<ListView<unknown>, "page" | "pageSize" | "total" | "defaultPageSize" | "params">;
  /** What is counted: "vault", or [singular, plural] when "s" does not make the plural. */
  noun: string | readonly [string, string];
  /** On the "N things · page x of y" text. */
  testId?: string;
  labels?: keyof typeof LABELS;
  /** Page sizes to offer; none hides the choice. */
  sizes?: readonly number[];
  className?: string;
}

/** "N things · page x of y", first/previous/next/last links and the page-size choice. Out-of-range pages clamp. */
export function Pager({
  path,
  view: { page: requested, pageSize, total, defaultPageSize, params },
  noun,
  testId,
  labels = "pages",
  sizes = PAGE_SIZES,
  className = "mt-4",
}: PagerProps) {
  const pages = pageCount(total, pageSize);
  const page = clampPage(requested, total, pageSize);
  const [one, many] = typeof noun === "string" ? [noun, `${noun}s`] : noun;
  const text = LABELS[labels];
  const to = (p: number) => listHref(path, params, { page: p });
  return (
    <nav
      className={`flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600 dark:text-slate-400 ${className}`}
      aria-label="Pagination"
    >
      {/* a click on the pager, a sort header or the filter form changes the list without a page load: this line
          is what a screen reader hears about it */}
      <span data-testid={testId} aria-live="polite" aria-atomic="true">
        {formatNumber(total)} {total === 1 ? one : many} · page {formatNumber(page)} of {formatNumber(pages)}
      </span>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        {sizes.length > 0 && (
          <PageSizeChoice
            sizes={sizes}
            current={pageSize}
            href={(n) => listHref(path, params, { pageSize: n === defaultPageSize ? undefined : n, page: undefined })}
          />
        )}
        <div className="flex gap-2">
          <PagerLink href={page > 1 ? to(1) : undefined}>{text.first}</PagerLink>
          <PagerLink href={page > 1 ? to(page - 1) : undefined} rel="prev">
            {text.prev}
          </PagerLink>
          <PagerLink href={page < pages ? to(page + 1) : undefined} rel="next">
            {text.next}
          </PagerLink>
          <PagerLink href={page < pages ? to(pages) : undefined}>{text.last}</PagerLink>
        </div>
      </div>
    </nav>
  );
}

/** A pager button; without a target it stays in place, disabled, so the buttons do not jump between pages. */
function PagerLink({ href, rel, children }: { href?: string; rel?: string; children: React.ReactNode }) {
  if (href === undefined)
    return (
      <span className="btn-secondary pointer-events-none opacity-50" aria-disabled="true">
        {children}
      </span>
    );
  return (
    <Link className="btn-secondary" href={href} rel={rel}>
      {children}
    </Link>
  );
}

function PageSizeChoice({
  sizes,
  current,
  href,
}: {
  sizes: readonly number[];
  current: number;
  href: (size: number) => string;
}) {
  return (
    <div className="flex items-center gap-1" role="group" aria-label="Rows per page">
      <span aria-hidden="true">Rows per page:</span>
      {sizes.map((n) =>
        n === current ? (
          <span
            key={n}
            aria-current="true"
            className="rounded px-1.5 py-0.5 font-semibold text-slate-900 dark:text-white"
          >
            {n}
          </span>
        ) : (
          <Link
            key={n}
            href={href(n)}
            className="rounded px-1.5 py-0.5 hover:bg-slate-100 hover:text-slate-900 dark:hover:bg-slate-800 dark:hover:text-white"
            aria-label={`${n} rows per page`}
          >
            {n}
          </Link>
        ),
      )}
    </div>
  );
}
