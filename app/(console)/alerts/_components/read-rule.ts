/** The rule form's fields as the rule verbs take them (lists split on commas, tags as key=value lines). */
const list = (s: string) =>
  s
    .split(/[,;\n]+/)
    .map((x) => x.trim())
    .filter(Boolean);

export function readRule(form: HTMLFormElement) {
  const f = new FormData(form);
  const get = (k: string) => String(f.get(k) ?? "").trim();
  const tags: Record<string, string[]> = {};
  for (const line of get("tags").split("\n")) {
    const [k, v] = line.split("=");
    if (k?.trim() && v?.trim()) tags[k.trim()] = list(v);
  }
  const severities = f.getAll("severities").map(String);
  const mode = get("mode") === "digest" ? "digest" : "immediate";
  return {
    name: get("name"),
    types: f.getAll("types").map(String),
    thresholds: list(get("thresholds")).map(Number),
    scoreBelow: Number(get("scoreBelow") || 80),
    scoreDrop: Number(get("scoreDrop") || 5),
    channelIds: f.getAll("channelIds").map(String),
    scope: {
      ...(list(get("subscriptions")).length ? { subscriptions: list(get("subscriptions")) } : {}),
      ...(list(get("vaults")).length ? { vaults: list(get("vaults")) } : {}),
      ...(Object.keys(tags).length ? { tags } : {}),
      ...(severities.length ? { severities } : {}),
    },
    ownerTag: get("ownerTag") || null,
    fallbackRecipients: list(get("fallbackRecipients")),
    mode,
    digestCron: mode === "digest" ? get("digestCron") : null,
    digestTimezone: mode === "digest" ? get("digestTimezone") || "UTC" : null,
    enabled: f.get("enabled") === "on",
  };
}
