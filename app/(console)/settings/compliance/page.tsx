import { Link } from "@/app/_components/link";
import { PageHeader } from "@/app/_components/page-header";
import { rolesGrant } from "@/lib/auth/permissions";
import { ruleSettings } from "@/lib/compliance/rule-settings";
import { requirePage } from "@/lib/web/page-guard";
import { SeverityBadge } from "../../compliance/_components/score";
import { RuleForm } from "./rule-form";

export const metadata = { title: "Settings · Compliance" };

export default async function ComplianceSettingsPage() {
  const ctx = await requirePage("dashboard:read", "/settings/compliance");
  const canWrite = rolesGrant(ctx.actor.roles, "settings:write");
  const rules = await ruleSettings(ctx);
  return (
    <>
      <PageHeader
        title="Settings · Compliance"
        description="Switch rules on or off and set their parameters. Every change is audited with its old and new value; the next evaluation (after a scan, or the refresh within 10 minutes) evaluates the whole estate again."
        actions={
          <Link className="btn-secondary" href="/settings">
            All settings
          </Link>
        }
      />
      {!canWrite && <p className="mb-4 text-sm text-muted">Only Admins change these settings.</p>}
      <div className="space-y-3" data-testid="compliance-settings">
        {rules.map(({ rule, enabled, params }) => (
          <section key={rule.id} className="card p-4">
            <div className="mb-2 flex flex-wrap items-center gap-2">
              <SeverityBadge severity={rule.severity} />
              <Link className="link text-sm font-medium" href={`/compliance/rules/${rule.id}`}>
                {rule.title}
              </Link>
              <span className="font-mono text-[11px] text-muted">{rule.id}</span>
            </div>
            <RuleForm ruleId={rule.id} enabled={enabled} params={params as never} canWrite={canWrite} />
          </section>
        ))}
      </div>
    </>
  );
}
