/** What the rule form edits: a stored rule, or the new-rule defaults. */
export interface RuleFormValue {
  id?: string;
  name: string;
  types: string[];
  thresholds: number[];
  scoreBelow: number;
  scoreDrop: number;
  channelIds: string[];
  scope: { subscriptions?: string[]; vaults?: string[]; tags?: Record<string, string[]>; severities?: string[] };
  ownerTag: string | null;
  fallbackRecipients: string[];
  mode: "immediate" | "digest";
  digestCron: string | null;
  digestTimezone: string | null;
  enabled: boolean;
}
