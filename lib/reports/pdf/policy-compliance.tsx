import { Text, View } from "./primitives";
import type { EvidenceData, FrameworkResult } from "../evidence-data";
import { Heading, pct } from "./frame";
import { Table } from "./table";
import { STATUS_COLOUR, s } from "./styles";

export function Policy({ d }: { d: NonNullable<EvidenceData["policy"]> }) {
  return (
    <View>
      <Heading>Policy configuration</Heading>
      <Table
        columns={[
          { title: "Setting", width: 2, value: (r) => r.name },
          { title: "Value", width: 5, value: (r) => r.value },
        ]}
        rows={d.settings}
      />
      <Text style={s.h2} minPresenceAhead={120}>
        Rules and parameters
      </Text>
      <Table
        columns={[
          { title: "Rule", width: 2.8, mono: true, value: (r) => r.id },
          { title: "Title", width: 3.6, value: (r) => r.title },
          { title: "Severity", width: 1, value: (r) => r.severity, colour: (r) => STATUS_COLOUR[r.severity] },
          { title: "Scope", width: 1.2, value: (r) => r.scope },
          { title: "On", width: 0.6, value: (r) => (r.enabled ? "yes" : "no") },
          { title: "Parameters", width: 3, mono: true, value: (r) => r.params },
        ]}
        rows={d.rules}
      />
      <Text style={s.h2} minPresenceAhead={120}>
        Waivers
      </Text>
      {d.waivers === null ? (
        <Text style={s.note}>No waiver is recorded: no finding was waived.</Text>
      ) : (
        <Table
          columns={[
            { title: "Rule", width: 2, value: (r) => r.rule },
            { title: "Object", width: 3, value: (r) => r.object },
            { title: "Proposed by", width: 2, value: (r) => r.proposer },
            { title: "Approved by", width: 2, value: (r) => r.approver },
            { title: "Expires", width: 1.5, value: (r) => r.expires },
          ]}
          rows={d.waivers}
          empty="No waiver was in force in the period."
        />
      )}
    </View>
  );
}

const STATUS_LABEL: Record<string, string> = {
  pass: "Pass",
  fail: "Fail",
  notAssessed: "Not assessed",
  customer: "Customer",
};

/** A fragment, not a View: the heading's minPresenceAhead only moves it to the next page among siblings before it. */
function FrameworkTable({ fw }: { fw: FrameworkResult }) {
  return (
    <>
      <Text style={s.h2} minPresenceAhead={120}>
        {fw.name} {fw.version} - score {pct(fw.score)}
      </Text>
      <Table
        columns={[
          { title: "Control", width: 1.4, mono: true, value: (r) => r.id },
          { title: "Title", width: 5, value: (r) => r.title },
          { title: "Coverage", width: 1.3, value: (r) => r.coverage },
          {
            title: "Status",
            width: 1.3,
            value: (r) => STATUS_LABEL[r.status] ?? r.status,
            colour: (r) => STATUS_COLOUR[r.status],
          },
          { title: "Score", width: 0.8, align: "right", value: (r) => pct(r.score) },
          { title: "Failing", width: 0.8, align: "right", value: (r) => r.failing },
        ]}
        rows={fw.controls}
      />
    </>
  );
}

export function Compliance({ d }: { d: NonNullable<EvidenceData["compliance"]> }) {
  return (
    <View>
      <Heading>Compliance by framework</Heading>
      <Text style={s.p}>
        Coverage says how much the product&apos;s rules evidence a control: direct (they test what the control asks of
        Key Vault and app credentials), supporting (part of it), customer (a customer responsibility the product cannot
        assess; listed so the gap is visible, never scored). A control passes when all its evaluated findings pass.
      </Text>
      {d.frameworks.map((fw) => (
        <FrameworkTable key={fw.id} fw={fw} />
      ))}
    </View>
  );
}
