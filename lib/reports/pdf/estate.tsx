import { Text } from "./primitives";
import type { EvidenceData } from "../evidence-data";
import { Heading, Kpis, pct, utc } from "./frame";
import { Table, tablePages } from "./table";
import { STATUS_COLOUR, s } from "./styles";

const more = (shown: number, total: number, file: string) =>
  total > shown ? (
    <Text style={[s.note, { marginTop: 4 }]}>
      {shown} of {total} rows shown; every row is in the attached {file}.
    </Text>
  ) : null;

export function Findings({ d }: { d: NonNullable<EvidenceData["findings"]> }) {
  return tablePages(
    {
      columns: [
        { title: "Severity", width: 1, value: (r) => r.severity, colour: (r) => STATUS_COLOUR[r.severity] },
        { title: "Rule", width: 3, value: (r) => r.rule },
        {
          title: "Object",
          width: 2.5,
          value: (r) => `${r.object}${r.vault && r.vault !== r.object ? ` (${r.vault})` : ""}`,
        },
        { title: "Reason", width: 4, value: (r) => r.reason },
      ],
      rows: d.shown,
      empty: "No failing findings.",
    },
    {
      head: (
        <>
          <Heading>Findings</Heading>
          <Kpis
            items={d.bySeverity.map((x) => ({
              label: `${x.severity} failing`,
              value: String(x.count),
              colour: STATUS_COLOUR[x.severity],
            }))}
          />
        </>
      ),
      tail: more(d.shown.length, d.total, "findings.csv"),
      first: 34,
    },
  );
}

export function Inventory({ d }: { d: NonNullable<EvidenceData["inventory"]> }) {
  return tablePages(
    {
      columns: [
        { title: "Vault", width: 2.5, value: (r) => r.name },
        { title: "Subscription", width: 2.5, value: (r) => r.subscription },
        { title: "Objects", width: 1, align: "right", value: (r) => r.objects },
        { title: "Expired", width: 1, align: "right", value: (r) => r.expired },
        { title: "Expiring 30 d", width: 1.2, align: "right", value: (r) => r.expiring30 },
        { title: "Score", width: 0.9, align: "right", value: (r) => pct(r.score) },
        { title: "Access", width: 1.1, value: (r) => r.access },
      ],
      rows: d.byVault,
    },
    {
      head: (
        <>
          <Heading>Inventory</Heading>
          <Text style={s.h2} minPresenceAhead={120}>
            By subscription
          </Text>
          <Table
            columns={[
              { title: "Subscription", width: 3, value: (r) => r.name },
              { title: "Vaults", width: 1, align: "right", value: (r) => r.vaults },
              { title: "Secrets", width: 1, align: "right", value: (r) => r.secrets },
              { title: "Certificates", width: 1.2, align: "right", value: (r) => r.certificates },
              { title: "Keys", width: 1, align: "right", value: (r) => r.keys },
              { title: "Expired", width: 1, align: "right", value: (r) => r.expired },
              { title: "Expiring 30 d", width: 1.2, align: "right", value: (r) => r.expiring30 },
            ]}
            rows={d.bySubscription}
          />
          <Text style={s.h2} minPresenceAhead={120}>
            By vault
          </Text>
        </>
      ),
      // the subscriptions table shares the first page
      first: Math.max(5, Math.floor(38 - 0.8 * d.bySubscription.length)),
    },
  );
}

export function Expiry({ d }: { d: NonNullable<EvidenceData["expiry"]> }) {
  return tablePages(
    {
      columns: [
        { title: "Date", width: 1.3, value: (r) => r.date },
        { title: "Days", width: 0.7, align: "right", value: (r) => r.days },
        { title: "Kind", width: 1.4, value: (r) => r.kind },
        { title: "Name", width: 3, value: (r) => r.name },
        { title: "Vault / app", width: 2.5, value: (r) => r.where },
        { title: "Status", width: 1, value: (r) => r.status, colour: (r) => STATUS_COLOUR[r.status] },
      ],
      rows: d.shown,
      empty: "Nothing expires in the next 90 days.",
    },
    {
      head: <Heading>Expiry schedule (next 90 days)</Heading>,
      tail: more(d.shown.length, d.total, "inventory.csv and app-credentials.csv"),
      first: 38,
    },
  );
}

export function Apps({ d }: { d: NonNullable<EvidenceData["apps"]> }) {
  return tablePages(
    {
      columns: [
        { title: "Application", width: 3, value: (r) => r.app },
        { title: "Type", width: 1.3, value: (r) => r.type },
        { title: "Credential", width: 2.5, value: (r) => r.name },
        { title: "Ends", width: 1.3, value: (r) => r.end },
        { title: "Days", width: 0.8, align: "right", value: (r) => r.days },
        { title: "Status", width: 1, value: (r) => r.status, colour: (r) => STATUS_COLOUR[r.status] },
      ],
      rows: d.shown,
      empty: "Every app credential is healthy.",
    },
    {
      head: (
        <>
          <Heading>App credential status</Heading>
          <Kpis
            items={d.counts.map((c) => ({ label: c.status, value: String(c.count), colour: STATUS_COLOUR[c.status] }))}
          />
          <Text style={s.h2} minPresenceAhead={120}>
            Credentials not healthy
          </Text>
        </>
      ),
      tail: more(
        d.shown.length,
        d.total - (d.counts.find((c) => c.status === "healthy")?.count ?? 0),
        "app-credentials.csv",
      ),
      first: 32,
    },
  );
}

export function Coverage({ d }: { d: NonNullable<EvidenceData["coverage"]> }) {
  return tablePages(
    {
      columns: [
        { title: "Vault", width: 2, value: (r) => r.vault },
        { title: "Subscription", width: 2, value: (r) => r.subscription },
        { title: "Cause", width: 1.1, value: (r) => r.status },
        { title: "Reason and remedy", width: 6, value: (r) => r.reason },
      ],
      rows: d.unreadable,
      empty: "Every vault in scope was read.",
    },
    {
      head: (
        <>
          <Heading>Scan coverage</Heading>
          <Kpis
            items={[
              { label: "Vaults in scope", value: String(d.vaults) },
              { label: "Read", value: String(d.read), colour: STATUS_COLOUR.pass },
              {
                label: "Unreadable",
                value: String(d.unreadable.length),
                colour: d.unreadable.length ? STATUS_COLOUR.fail : undefined,
              },
              { label: "Never scanned", value: String(d.neverScanned) },
            ]}
          />
          <Text style={s.p}>
            Last scan: {d.lastScan ? `${d.lastScan.status}, finished ${utc(d.lastScan.finishedAt)}` : "none"}. An
            unreadable vault&apos;s objects are not in this package: its findings cover only its ARM settings.
          </Text>
          <Text style={s.h2} minPresenceAhead={120}>
            Unreadable vaults and why
          </Text>
        </>
      ),
      first: 28,
    },
  );
}
