"use client";

/** A labelled, scrollable grid of checkboxes for picking many items by name (scan scope, and any future picker). */
export function CheckboxGrid({
  label,
  items,
  selected,
  onChange,
  emptyText,
  error,
}: {
  label: string;
  items: { id: string; name: string; hint?: string }[];
  selected: string[];
  onChange: (next: string[]) => void;
  /** shown instead of the grid when there is nothing to pick */
  emptyText: string;
  error?: string;
}) {
  return (
    <>
      {items.length === 0 ? (
        <p className="text-sm text-slate-500">{emptyText}</p>
      ) : (
        <div
          className="grid max-h-48 gap-1 overflow-auto rounded-lg border border-slate-200 p-2 sm:grid-cols-2 dark:border-slate-700"
          role="group"
          aria-label={label}
        >
          {items.map((item) => (
            <label
              key={item.id}
              className="flex items-center gap-2 rounded px-2 py-1 text-sm hover:bg-slate-50 dark:hover:bg-slate-800"
            >
              <input
                type="checkbox"
                checked={selected.includes(item.id)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...selected, item.id] : selected.filter((x) => x !== item.id))
                }
                className="accent-brand-600"
              />
              <span className="truncate">{item.name}</span>
              {item.hint && <span className="ml-auto font-mono text-[10px] text-slate-400">{item.hint}</span>}
            </label>
          ))}
        </div>
      )}
      {error && (
        <p className="mt-1 text-xs text-red-600 dark:text-red-400" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
