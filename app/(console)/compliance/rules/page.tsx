import { Link } from "@/app/_components/link";
import { PageHeader } from "@/app/_components/page-header";
import { ruleSettings } from "@/lib/compliance/rule-settings";
import { requirePage } from "@/lib/web/page-guard";
import { ComplianceNav } from "../_components/compliance-nav";
import { SeverityBadge } from "../_components/score";

export const metadata = { title: "Compliance rules" };

export default async function RulesPage() {
  const ctx = await requirePage("dashboard:read", "/compliance/rules");
  const rules = await ruleSettings(ctx);
  return (
    <>
      <PageHeader
        title="Rules"
        description="The catalogue: each rule reproduces an Azure Policy built-in definition where one exists (its GUID is on the rule page) or states its own check."
      />
      <ComplianceNav current="/compliance/rules" />
      <div role="region" aria-label="Rules" tabIndex={0} className="card overflow-x-auto">
        <table className="table" data-testid="rules-table">
          <caption className="sr-only">Compliance rules</caption>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Scope</th>
              <th scope="col">Severity</th>
              <th scope="col">State</th>
              <th scope="col">Azure Policy</th>
            </tr>
          </thead>
          <tbody>
            {rules.map(({ rule, enabled }) => (
              <tr key={rule.id}>
                <td>
                  <Link className="link text-sm" href={`/compliance/rules/${rule.id}`}>
                    {rule.title}
                  </Link>
                  <div className="font-mono text-[11px] text-muted">{rule.id}</div>
                </td>
                <td className="text-xs">{rule.scope}</td>
                <td>
                  <SeverityBadge severity={rule.severity} />
                </td>
                <td className="text-xs">{enabled ? "Enabled" : "Disabled"}</td>
                <td className="font-mono text-[11px]">{rule.references.azurePolicy ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
