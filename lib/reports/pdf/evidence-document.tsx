import { Document } from "./primitives";
import type { ReactNode } from "react";
import { SECTION_TITLES, type EvidenceData, type SectionId } from "../evidence-data";
import { Cover } from "./cover";
import { Apps, Coverage, Expiry, Findings, Inventory } from "./estate";
import { Assertion, AuditSummary, Rotations } from "./audit-pages";
import { SectionPage } from "./frame";
import { Compliance, Policy } from "./policy-compliance";
import { Summary } from "./summary";

export const EVIDENCE_TITLE = "Key Vault evidence package";

/** A section's content: one page group, or (long tables, see tablePages) several, each a <Page> of its own. */
function body(id: SectionId, data: EvidenceData): ReactNode | ReactNode[] {
  switch (id) {
    case "summary":
      return data.summary && <Summary d={data.summary} />;
    case "policy":
      return data.policy && <Policy d={data.policy} />;
    case "compliance":
      return data.compliance && <Compliance d={data.compliance} />;
    case "findings":
      return data.findings && Findings({ d: data.findings });
    case "inventory":
      return data.inventory && Inventory({ d: data.inventory });
    case "expiry":
      return data.expiry && Expiry({ d: data.expiry });
    case "apps":
      return data.apps && Apps({ d: data.apps });
    case "coverage":
      return data.coverage && Coverage({ d: data.coverage });
    case "rotations":
      return data.rotations && <Rotations d={data.rotations} />;
    case "audit":
      return data.audit && <AuditSummary d={data.audit} />;
    case "assertion":
      return <Assertion data={data} />;
  }
}

/** The whole package: a pure function of its data object. */
export function EvidenceDocument({ data }: { data: EvidenceData }) {
  const m = data.meta;
  return (
    <Document
      title={`${EVIDENCE_TITLE} - ${m.tenant}`}
      author={m.generatedBy}
      subject={`Period ${m.period.from} to ${m.period.to}`}
      creator={m.productVersion}
      producer={m.productVersion}
      creationDate={new Date(m.generatedAt)}
      pageMode="useOutlines"
    >
      <Cover data={data} title={EVIDENCE_TITLE} />
      {m.sections.flatMap((id) => {
        const content = body(id, data);
        if (!content) return [];
        return (Array.isArray(content) ? content : [content]).map((group, i) => (
          <SectionPage
            key={`${id}-${i}`}
            meta={m}
            docTitle={EVIDENCE_TITLE}
            title={SECTION_TITLES[id]}
            bookmark={i === 0 ? undefined : false}
          >
            {group}
          </SectionPage>
        ));
      })}
    </Document>
  );
}
