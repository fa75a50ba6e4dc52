export interface Preview {
  total: number;
  items: { itemKey: string; typeLabel: string; name: string; level: string; severity: string; owner: string | null }[];
}

/** "This rule would alert on these items now." */
export function RulePreview({ preview }: { preview: Preview }) {
  return (
    <section className="card p-5" aria-labelledby="preview-h" data-testid="rule-preview">
      <h2 id="preview-h" className="text-base font-semibold">
        This rule would alert on {preview.total} item{preview.total === 1 ? "" : "s"} now
      </h2>
      <ul className="mt-3 max-h-[32rem] divide-y overflow-y-auto divide-slate-200 text-sm dark:divide-slate-800">
        {preview.items.map((i) => (
          <li key={i.itemKey} className="flex flex-wrap justify-between gap-2 py-2">
            <span>
              <span className="font-medium">{i.name}</span> <span className="text-muted">· {i.typeLabel}</span>
            </span>
            <span className="text-muted">
              {i.level === "expired" ? "expired" : /^\d+$/.test(i.level) ? `≤ ${i.level} days` : i.level} · {i.severity}
              {i.owner ? ` · ${i.owner}` : ""}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
