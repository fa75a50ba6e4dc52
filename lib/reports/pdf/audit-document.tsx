import type { AnchorRef, ChainHead } from "../../audit/export-format";
import { Document, Text, View } from "./primitives";
import { SectionPage, utc } from "./frame";
import { tablePages } from "./table";
import { MUTED, STATUS_COLOUR, s } from "./styles";

export interface AuditPdfData {
  tenant: string;
  period: { from: string | null; to: string };
  generatedAt: string;
  generatedBy: string;
  productVersion: string;
  head: ChainHead | null;
  anchor: AnchorRef | null;
  total: number;
  rows: { seq: number; at: string; actor: string; action: string; outcome: string; target: string; hash: string }[];
}

export const AUDIT_TITLE = "Audit log";

/** The audit log of a period for people: who did what, when, with each row's chain position and hash prefix. */
export function AuditDocument({ data }: { data: AuditPdfData }) {
  const meta = { tenant: data.tenant, generatedAt: data.generatedAt };
  return (
    <Document
      title={`${AUDIT_TITLE} - ${data.tenant}`}
      author={data.generatedBy}
      creator={data.productVersion}
      producer={data.productVersion}
      creationDate={new Date(data.generatedAt)}
    >
      {tablePages(
        {
          columns: [
            { title: "Seq", width: 0.8, align: "right", value: (r) => r.seq },
            { title: "At (UTC)", width: 1.9, value: (r) => r.at },
            { title: "Actor", width: 2.2, value: (r) => r.actor },
            { title: "Action", width: 2.8, mono: true, value: (r) => r.action },
            {
              title: "Outcome",
              width: 1,
              value: (r) => r.outcome,
              colour: (r) => (r.outcome === "success" ? undefined : STATUS_COLOUR.fail),
            },
            { title: "Target", width: 2.2, value: (r) => r.target },
            { title: "Hash (12)", width: 1.5, mono: true, value: (r) => r.hash },
          ],
          rows: data.rows,
          empty: "No entries in the period.",
        },
        {
          head: (
            <>
              <Text style={s.h1}>Audit log</Text>
              <View style={{ marginBottom: 8 }}>
                <Text style={s.p}>
                  {data.tenant} - {data.period.from ? utc(data.period.from) : "from the first entry"} to{" "}
                  {utc(data.period.to)}
                </Text>
                <Text style={s.p}>
                  Generated {utc(data.generatedAt)} by {data.generatedBy} with {data.productVersion}. {data.total}{" "}
                  entries in the period{data.rows.length < data.total ? `, the first ${data.rows.length} shown` : ""}.
                </Text>
                <Text style={{ color: MUTED, fontSize: 7.5 }}>Chain head (sequence : hash)</Text>
                <Text style={s.mono}>{data.head ? `${data.head.seq}:${data.head.hash}` : "empty log"}</Text>
                <Text style={{ color: MUTED, fontSize: 7.5, marginTop: 3 }}>Newest anchor</Text>
                <Text style={s.mono}>
                  {data.anchor
                    ? `${data.anchor.seq}:${data.anchor.hash} (${utc(data.anchor.at)})`
                    : "anchoring not configured"}
                </Text>
                <Text style={[s.note, { marginTop: 4 }]}>
                  This PDF is for reading. To verify the log, export it as JSONL (Reports page or /api/audit/export) and
                  run npm run audit:verify -- --file export.jsonl.
                </Text>
              </View>
            </>
          ),
          first: 30,
        },
      ).map((group, i) => (
        <SectionPage key={i} meta={meta} docTitle={AUDIT_TITLE} title="Entries" bookmark={i === 0 ? undefined : false}>
          {group}
        </SectionPage>
      ))}
    </Document>
  );
}
