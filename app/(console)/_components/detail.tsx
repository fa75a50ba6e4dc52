import { Link } from "@/app/_components/link";
/** Definition-list rows for detail pages. */
export function Field({
  k,
  children,
  mono,
  testId,
}: {
  k: string;
  children: React.ReactNode;
  mono?: boolean;
  testId?: string;
}) {
  return (
    <div className="grid grid-cols-3 gap-2 py-1.5">
      <dt className="text-muted">{k}</dt>
      <dd
        className={`col-span-2 ${mono ? "font-mono text-xs leading-5 [overflow-wrap:anywhere]" : "break-words"}`}
        data-testid={testId}
      >
        {children === null || children === undefined || children === "" ? (
          <span className="text-muted">—</span>
        ) : (
          children
        )}
      </dd>
    </div>
  );
}

export function Section({
  title,
  children,
  id,
  className = "",
  actions,
}: {
  title: string;
  children: React.ReactNode;
  id: string;
  className?: string;
  actions?: React.ReactNode;
}) {
  return (
    <section className={`card p-5 ${className}`} aria-labelledby={id}>
      <div className="flex items-baseline justify-between gap-2">
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        {actions}
      </div>
      <div className="mt-3 text-sm">{children}</div>
    </section>
  );
}

export function Breadcrumb({ items }: { items: { href?: string; label: string }[] }) {
  return (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm text-muted">
      {items.map((it, i) => (
        <span key={i}>
          {i > 0 && <span className="mx-1.5">/</span>}
          {it.href ? (
            <Link href={it.href} className="hover:underline">
              {it.label}
            </Link>
          ) : (
            <span>{it.label}</span>
          )}
        </span>
      ))}
    </nav>
  );
}

export function Tags({ tags }: { tags: Record<string, string> }) {
  const entries = Object.entries(tags ?? {});
  if (!entries.length) return <span className="text-muted">No tags</span>;
  return (
    <div className="flex flex-wrap gap-1.5">
      {entries.map(([k, v]) => (
        <span
          key={k}
          className="badge bg-slate-100 font-mono text-[11px] text-slate-700 dark:bg-slate-800 dark:text-slate-300"
        >
          {k}={v}
        </span>
      ))}
    </div>
  );
}
