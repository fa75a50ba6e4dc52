/**
 * The Compliance section of an object page (secret, key, certificate, vault, app registration): the object's own
 * score, the vault's roll-up on a vault page, and every enabled rule's outcome with the reason of an open finding.
 */
import { Link } from "@/app/_components/link";
import { formatDateTime } from "@/app/_components/format";
import { BADGE_PILL, STATUS_STYLE } from "@/app/_components/status";
import type { ObjectCompliance, ObjectOutcomeStatus } from "@/lib/compliance/object-compliance";
import { Section } from "../../_components/detail";
import { ScoreValue, SeverityBadge } from "./score";

const OUTCOME: Record<ObjectOutcomeStatus, { label: string; tone: string }> = {
  fail: { label: "Fail", tone: "expired" },
  unknown: { label: "Unknown", tone: "warning" },
  waived: { label: "Waived", tone: "no-expiry" },
  pass: { label: "Pass", tone: "healthy" },
  notApplicable: { label: "Not applicable", tone: "disabled" },
};

export function ObjectComplianceSection({
  data,
  noun,
  className,
}: {
  data: ObjectCompliance | null;
  noun: string;
  className?: string;
}) {
  if (!data)
    return (
      <Section title="Compliance" id="compliance-h" className={className}>
        <p className="text-muted" data-testid="object-compliance-none">
          Not evaluated yet: compliance is evaluated after every scan.
        </p>
      </Section>
    );
  const failing = data.outcomes.filter((o) => o.status === "fail").length;
  const evaluated = data.outcomes.filter((o) => o.status === "fail" || o.status === "pass").length;
  return (
    <Section
      title="Compliance"
      id="compliance-h"
      className={className}
      actions={
        <Link className="link text-xs" href="/compliance">
          How scores work
        </Link>
      }
    >
      <div className="flex flex-wrap items-baseline gap-x-6 gap-y-1" data-testid="object-compliance">
        <p>
          <span className="text-muted">This {noun}: </span>
          <ScoreValue score={data.score} className="text-lg" />
          <span className="ml-2 text-xs text-muted">
            {evaluated ? `${evaluated - failing} of ${evaluated} rules pass` : "no rule evaluated"}
          </span>
        </p>
        {data.vaultScore !== undefined && (
          <p data-testid="vault-rollup-score">
            <span className="text-muted">With its secrets, keys and certificates: </span>
            <ScoreValue score={data.vaultScore} className="text-lg" />
          </p>
        )}
        <p className="text-xs text-muted">
          Evaluated {formatDateTime(data.evaluatedAt)} · outcomes unchanged since {formatDateTime(data.changedAt)}
        </p>
      </div>
      <table className="mt-3 w-full text-left text-sm" data-testid="object-compliance-rules">
        <caption className="sr-only">Rules evaluated for this {noun}</caption>
        <thead className="text-xs uppercase tracking-wide text-muted">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">
              Outcome
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Severity
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Rule
            </th>
            <th scope="col" className="py-1 font-medium">
              Why
            </th>
          </tr>
        </thead>
        <tbody>
          {data.outcomes.map((o) => (
            <tr key={o.ruleId} className="border-t border-slate-200 align-top dark:border-slate-800">
              <td className="py-1.5 pr-3">
                <span className={`${BADGE_PILL} ${STATUS_STYLE[OUTCOME[o.status].tone]}`}>
                  {OUTCOME[o.status].label}
                </span>
              </td>
              <td className="py-1.5 pr-3">
                <SeverityBadge severity={o.severity} />
              </td>
              <td className="py-1.5 pr-3">
                <Link className="link" href={`/compliance/rules/${o.ruleId}`}>
                  {o.title}
                </Link>
              </td>
              <td className="py-1.5 text-muted">
                {o.reason ?? ""}
                {o.since && <span className="block text-xs">since {formatDateTime(o.since)}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
