import Form from "next/form";
import { Link } from "@/app/_components/link";
import type { ReactNode } from "react";
import type { ListView } from "./list-params";

/**
 * The filter form every list page shares: a GET form (the URL is the state, so views can be shared; without script
 * it submits as a plain form), its fields, the Filter/Reset actions and the notice for values that were ignored.
 * With script it navigates client-side (next/form): one RSC request for the list, no document reload.
 */

const GRID = { 4: "lg:grid-cols-4", 5: "lg:grid-cols-5", 6: "lg:grid-cols-6" } as const;

const fieldId = (name: string) => `filter-${name}`;

export function FilterForm({
  path,
  label,
  columns,
  view,
  keep = ["pageSize"],
  testId,
  children,
}: {
  /** The list page the form submits to ("/vaults"). */
  path: string;
  /** Names the search landmark ("Filter vaults"). */
  label: string;
  /** Fields per row on wide screens. */
  columns: keyof typeof GRID;
  /** The loaded list (see loadList): its URL params and whether some were ignored. */
  view: Pick<ListView<unknown>, "params" | "inputError" | "invalidFields">;
  /** URL params the form does not show but a new filter should keep (page size, sort direction). */
  keep?: readonly string[];
  testId?: string;
  children: ReactNode;
}) {
  return (
    <>
      <Form
        // A client navigation keeps mounted inputs and their typed values: a new query remounts the form, so its
        // fields show the view (after Reset, a sort header, the pager's page size), not what was last typed.
        key={new URLSearchParams(view.params).toString()}
        action={path}
        prefetch={false}
        className={`card mb-4 grid gap-3 p-4 sm:grid-cols-2 ${GRID[columns]}`}
        role="search"
        aria-label={label}
        data-testid={testId}
      >
        {children}
        {keep.map((name) =>
          view.params[name] === undefined ? null : (
            <input key={name} type="hidden" name={name} value={view.params[name]} />
          ),
        )}
      </Form>
      {view.inputError && <InvalidFilterNotice fields={view.invalidFields} />}
    </>
  );
}

/** A labelled field cell; `wide` spans two columns. */
function Field({ name, label, wide, children }: { name: string; label: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={wide ? "sm:col-span-2" : undefined}>
      <label className="label" htmlFor={fieldId(name)}>
        {label}
      </label>
      {children}
    </div>
  );
}

/** A free-text filter, or an ISO date (YYYY-MM-DD, UTC) one. */
export function SearchFilter({
  name,
  label,
  value,
  placeholder,
  type = "text",
  wide,
}: {
  name: string;
  label: string;
  value?: string;
  placeholder?: string;
  type?: "text" | "date";
  wide?: boolean;
}) {
  return (
    <Field name={name} label={label} wide={wide}>
      {type === "date" ? (
        // Not <input type="date">: it shows dates in the browser's locale, while the console writes ISO everywhere.
        <input
          className="input font-mono"
          type="text"
          inputMode="numeric"
          pattern="\d{4}-\d{2}-\d{2}"
          title="A date as YYYY-MM-DD (UTC)"
          autoComplete="off"
          id={fieldId(name)}
          name={name}
          placeholder="YYYY-MM-DD"
          defaultValue={value}
        />
      ) : (
        <input
          className="input"
          type="text"
          id={fieldId(name)}
          name={name}
          placeholder={placeholder}
          defaultValue={value}
        />
      )}
    </Field>
  );
}

export interface FilterOption {
  value: string;
  label: string;
}

/** A choice filter; the `any` option means "no filter" and submits an empty value, which the reader drops. */
export function SelectFilter({
  name,
  label,
  value,
  any,
  options,
}: {
  name: string;
  label: string;
  value?: string;
  /** Without it the choice always has a value (e.g. a sort order). */
  any?: string;
  options: readonly FilterOption[];
}) {
  return (
    <Field name={name} label={label}>
      <select className="input" id={fieldId(name)} name={name} defaultValue={value ?? ""}>
        {any !== undefined && <option value="">{any}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A yes/no filter: checked sends `name=1`, unchecked sends nothing. */
export function ToggleFilter({
  name,
  label,
  checked,
  testId,
}: {
  name: string;
  label: string;
  checked: boolean;
  testId?: string;
}) {
  return (
    <label className="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
      <input
        type="checkbox"
        name={name}
        value="1"
        defaultChecked={checked}
        className="h-4 w-4 rounded border-slate-300 accent-brand-600"
        data-testid={testId}
      />
      {label}
    </label>
  );
}

/**
 * The submit / reset pair at the end of the form. With toggles it becomes a full-width row: toggles on the left,
 * buttons on the right.
 */
export function FilterActions({
  resetHref,
  submitLabel = "Filter",
  children,
}: {
  resetHref: string;
  submitLabel?: string;
  children?: ReactNode;
}) {
  if (!children)
    return (
      <div className="flex items-end gap-2">
        <button className="btn-primary flex-1" type="submit">
          {submitLabel}
        </button>
        <Link className="btn-secondary" href={resetHref}>
          Reset
        </Link>
      </div>
    );
  return (
    <div className="col-span-full flex flex-wrap items-end justify-between gap-3">
      <div className="flex flex-wrap gap-x-6 gap-y-2">{children}</div>
      <div className="flex gap-2">
        <Link className="btn-secondary" href={resetHref}>
          Reset
        </Link>
        <button className="btn-primary" type="submit">
          {submitLabel}
        </button>
      </div>
    </div>
  );
}

/** Shown when a URL carried filter values that failed validation (they were ignored, the valid ones still apply). */
export function InvalidFilterNotice({ fields = [] }: { fields?: readonly string[] }) {
  return (
    <p
      className="mb-4 rounded-lg border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-800 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-300"
      role="alert"
      data-testid="invalid-filter"
    >
      Some filter values were not valid and were ignored{fields.length > 0 ? `: ${fields.join(", ")}` : ""}.
    </p>
  );
}

/** The empty-table message of a filtered list, with the way out. */
export function NoMatches({ what, clearHref }: { what: string; clearHref: string }) {
  return (
    <>
      No {what} match these filters.{" "}
      <Link href={clearHref} className="link">
        Clear filters
      </Link>
    </>
  );
}
