import { Line, Polyline, Svg, Text, View } from "./primitives";
import type { EvidenceData, ScorePoint } from "../evidence-data";
import { Heading, Kpis, pct } from "./frame";
import { Table } from "./table";
import { ACCENT, MUTED, RULE, s } from "./styles";

function Trend({ points }: { points: ScorePoint[] }) {
  const W = 500;
  const H = 120;
  const x = (i: number) => 30 + (i * (W - 40)) / Math.max(1, points.length - 1);
  const y = (v: number) => H - 15 - ((H - 25) * v) / 100;
  return (
    <Svg width={W} height={H}>
      {[0, 50, 100].map((v) => (
        <Line key={v} x1={30} x2={W - 10} y1={y(v)} y2={y(v)} stroke={RULE} strokeWidth={0.5} />
      ))}
      {[0, 50, 100].map((v) => (
        <Text key={`t${v}`} x={4} y={y(v) + 3} style={{ fontSize: 7 }} fill={MUTED}>
          {String(v)}
        </Text>
      ))}
      <Polyline
        points={points.map((p, i) => `${x(i)},${y(p.score)}`).join(" ")}
        stroke={ACCENT}
        strokeWidth={1.5}
        fill="none"
      />
    </Svg>
  );
}

export function Summary({ d }: { d: NonNullable<EvidenceData["summary"]> }) {
  return (
    <View>
      <Heading>Executive summary</Heading>
      <Kpis
        items={[
          { label: "Compliance score (0-100)", value: pct(d.score), colour: ACCENT },
          { label: "Evaluated findings", value: String(d.counts.evaluated) },
          { label: "Failing", value: String(d.counts.failing), colour: d.counts.failing ? "#b91c1c" : undefined },
          { label: "Not assessable (facts not recorded)", value: String(d.counts.unknown) },
        ]}
      />
      <Text style={s.p}>
        The score is 100 x the severity-weighted share of passing findings per rule (critical 10, high 5, medium 3, low
        1); each rule weighs the same however many objects it applies to. Findings that are unknown or not applicable
        are left out.{" "}
        {d.source === "on-the-fly"
          ? "Findings were evaluated from the inventory at generation time with the rules' default parameters."
          : "Figures are the persisted evaluation."}
      </Text>
      <Text style={s.h2} minPresenceAhead={120}>
        Score trend
      </Text>
      {d.trend && d.trend.length > 1 ? (
        <Trend points={d.trend} />
      ) : (
        <Text style={s.note}>No score history is recorded yet: the trend appears once score snapshots are kept.</Text>
      )}
      <Text style={s.h2} minPresenceAhead={120}>
        By framework
      </Text>
      <Table
        columns={[
          { title: "Framework", width: 4, value: (r) => r.name },
          { title: "Score", width: 1, align: "right", value: (r) => pct(r.score) },
        ]}
        rows={d.frameworks}
      />
      <Text style={s.h2} minPresenceAhead={120}>
        By subscription
      </Text>
      <Table
        columns={[
          { title: "Subscription", width: 3, value: (r) => r.name },
          { title: "Id", width: 3, mono: true, value: (r) => r.id },
          { title: "Score", width: 1, align: "right", value: (r) => pct(r.score) },
        ]}
        rows={d.bySubscription}
      />
    </View>
  );
}
