import Link from "next/link";

/** The Filter / Reset pair at the end of every filter form. */
export function FilterActions({ resetHref }: { resetHref: string }) {
  return (
    <div className="flex items-end gap-2">
      <button className="btn-primary flex-1" type="submit">
        Filter
      </button>
      <Link className="btn-secondary" href={resetHref}>
        Reset
      </Link>
    </div>
  );
}

/** Shown when a URL carried filter values that failed validation (they were ignored, nothing else was lost). */
export function InvalidFilterNotice() {
  return (
    <p
      className="mb-4 rounded-lg border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-800 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-300"
      role="alert"
    >
      Some filter values were not valid and were ignored.
    </p>
  );
}
