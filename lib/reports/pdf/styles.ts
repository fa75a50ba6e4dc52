import type { Style } from "./primitives";

export const INK = "#0f172a";
export const MUTED = "#475569";
export const RULE = "#cbd5e1";
export const BAND = "#f1f5f9";
export const ACCENT = "#1e3a8a";
export const STATUS_COLOUR: Record<string, string> = {
  pass: "#166534",
  fail: "#b91c1c",
  notAssessed: "#475569",
  customer: "#475569",
  expired: "#b91c1c",
  critical: "#b91c1c",
  high: "#c2410c",
  warning: "#a16207",
  medium: "#a16207",
  low: "#475569",
  healthy: "#166534",
};

export const s = {
  page: { fontFamily: "Plex", fontSize: 8.5, color: INK, paddingTop: 54, paddingBottom: 50, paddingHorizontal: 40 },
  header: {
    position: "absolute",
    top: 20,
    left: 40,
    right: 40,
    flexDirection: "row",
    justifyContent: "space-between",
    fontSize: 7.5,
    color: MUTED,
    borderBottomWidth: 0.5,
    borderBottomColor: RULE,
    paddingBottom: 4,
  },
  footer: {
    position: "absolute",
    bottom: 20,
    left: 40,
    right: 40,
    flexDirection: "row",
    justifyContent: "space-between",
    fontSize: 7.5,
    color: MUTED,
    borderTopWidth: 0.5,
    borderTopColor: RULE,
    paddingTop: 4,
  },
  h1: { fontSize: 16, fontWeight: 600, color: ACCENT, marginBottom: 8 },
  h2: { fontSize: 11, fontWeight: 600, color: INK, marginTop: 10, marginBottom: 5 },
  p: { marginBottom: 5 },
  note: { fontSize: 7.5, color: MUTED, marginBottom: 5 },
  mono: { fontFamily: "PlexMono", fontSize: 7 },
  row: { flexDirection: "row", borderBottomWidth: 0.5, borderBottomColor: RULE },
  headRow: { flexDirection: "row", backgroundColor: BAND, borderBottomWidth: 0.75, borderBottomColor: MUTED },
  cell: { paddingVertical: 2, paddingHorizontal: 3 },
  headCell: { paddingVertical: 3, paddingHorizontal: 3, fontWeight: 600, fontSize: 7.5 },
  kpis: { flexDirection: "row", marginBottom: 8 },
  kpi: { flexGrow: 1, flexBasis: 0, borderWidth: 0.5, borderColor: RULE, padding: 6, marginRight: 6 },
  kpiValue: { fontSize: 16, fontWeight: 600 },
  kpiLabel: { fontSize: 7, color: MUTED },
} satisfies Record<string, Style>;
