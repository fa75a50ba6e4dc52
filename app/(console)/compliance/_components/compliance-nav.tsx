import { Link } from "@/app/_components/link";

const TABS = [
  { href: "/compliance", label: "Overview" },
  { href: "/compliance/findings", label: "Findings" },
  { href: "/compliance/waivers", label: "Waivers" },
  { href: "/compliance/rules", label: "Rules" },
];

/** The compliance section's own tabs (one nav entry in the console shell). */
export function ComplianceNav({ current }: { current: string }) {
  return (
    <nav aria-label="Compliance" className="mb-6 flex gap-1 border-b border-slate-200 dark:border-slate-800">
      {TABS.map((t) => (
        <Link
          key={t.href}
          href={t.href}
          aria-current={t.href === current ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-2 text-sm ${
            t.href === current
              ? "border-blue-600 font-semibold text-slate-900 dark:text-slate-100"
              : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100"
          }`}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
