/**
 * What every channel renders: one alert (trigger or resolve), a digest of several, or a channel test. Names and
 * metadata only — the types' payload schemas (registry.ts) are strict, so a field that is not declared never leaves.
 */
export type Severity = "critical" | "high" | "medium" | "low";
export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];

export type AlertMessage = {
  type: string;
  typeLabel: string;
  action: "trigger" | "resolve";
  severity: Severity;
  title: string;
  summary: string;
  facts: { name: string; value: string }[];
  /** the console page for the item */
  link?: string;
  itemKey: string;
  /** the same for an item's trigger and its resolve (PagerDuty dedup_key) */
  dedupKey: string;
  owner?: string;
  /** the type's payload, validated against its schema */
  data: Record<string, unknown>;
  at: string;
};

export type DeliveryContent =
  | { kind: "alert"; message: AlertMessage }
  | { kind: "digest"; ruleName: string; messages: AlertMessage[] }
  | { kind: "test"; channelName: string; at: string };

/** One line for subjects, fallbacks and logs. */
export function headline(c: DeliveryContent): string {
  if (c.kind === "test") return `Test alert from CertifyClouds (${c.channelName})`;
  if (c.kind === "digest")
    return `CertifyClouds digest: ${c.messages.length} alert${c.messages.length === 1 ? "" : "s"} (${c.ruleName})`;
  const m = c.message;
  return `${m.action === "resolve" ? "Resolved: " : ""}${m.title}`;
}

/** The alert lines of any content (a test is one synthetic line). */
export function messagesOf(c: DeliveryContent): AlertMessage[] {
  if (c.kind === "alert") return [c.message];
  if (c.kind === "digest") return c.messages;
  return [
    {
      type: "test",
      typeLabel: "Channel test",
      action: "trigger",
      severity: "low",
      title: headline(c),
      summary: "If you can read this, the channel works. No action is needed.",
      facts: [{ name: "Channel", value: c.channelName }],
      itemKey: "test",
      dedupKey: `certifyclouds-test-${c.at}`,
      data: {},
      at: c.at,
    },
  ];
}

export const SEVERITY_COLOR: Record<Severity, string> = {
  critical: "#b42318",
  high: "#c4320a",
  medium: "#b54708",
  low: "#175cd3",
};
