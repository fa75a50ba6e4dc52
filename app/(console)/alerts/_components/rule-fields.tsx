import type { RuleFormValue } from "./rule-value";

/** The compliance score thresholds (read by name in read-rule.ts, like every field of the form). */
export function ScoreFields({ scoreBelow, scoreDrop }: { scoreBelow: number; scoreDrop: number }) {
  return (
    <div className="grid grid-cols-2 gap-3">
      <div className="space-y-1">
        <label htmlFor="scoreBelow" className="block text-sm font-medium">
          Score below
        </label>
        <input
          id="scoreBelow"
          name="scoreBelow"
          type="number"
          min={1}
          max={100}
          className="input"
          defaultValue={scoreBelow}
        />
      </div>
      <div className="space-y-1">
        <label htmlFor="scoreDrop" className="block text-sm font-medium">
          Score drop (points)
        </label>
        <input
          id="scoreDrop"
          name="scoreDrop"
          type="number"
          min={1}
          max={100}
          className="input"
          defaultValue={scoreDrop}
        />
      </div>
      <p className="col-span-2 text-xs text-muted">
        For the compliance score types: alert once as the score crosses below, or when one evaluation lowers it by at
        least the drop.
      </p>
    </div>
  );
}

/** Which items a rule covers (subscriptions, vaults, tags, severities) and who receives them (owner tag, fallback). */
export function ScopeFields({
  initial,
}: {
  initial: Pick<RuleFormValue, "scope" | "ownerTag" | "fallbackRecipients">;
}) {
  const tagText = Object.entries(initial.scope.tags ?? {})
    .map(([k, v]) => `${k}=${v.join(",")}`)
    .join("\n");
  return (
    <div className="card grid gap-4 p-5 sm:grid-cols-2">
      <h2 className="text-base font-semibold sm:col-span-2">Scope and routing</h2>
      <div className="space-y-1">
        <label htmlFor="subscriptions" className="block text-sm font-medium">
          Subscriptions (ids, empty: all)
        </label>
        <input
          id="subscriptions"
          name="subscriptions"
          className="input"
          defaultValue={(initial.scope.subscriptions ?? []).join(", ")}
        />
      </div>
      <div className="space-y-1">
        <label htmlFor="vaults" className="block text-sm font-medium">
          Vaults (names, empty: all)
        </label>
        <input id="vaults" name="vaults" className="input" defaultValue={(initial.scope.vaults ?? []).join(", ")} />
      </div>
      <div className="space-y-1">
        <label htmlFor="tags" className="block text-sm font-medium">
          Tags (one per line: environment=prod,staging)
        </label>
        <textarea id="tags" name="tags" rows={2} className="input" defaultValue={tagText} />
      </div>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Severities (none: all)</legend>
        <div className="flex flex-wrap gap-3">
          {["critical", "high", "medium", "low"].map((s) => (
            <label key={s} className="flex items-center gap-1 text-sm">
              <input
                type="checkbox"
                name="severities"
                value={s}
                defaultChecked={initial.scope.severities?.includes(s)}
              />
              {s}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="space-y-1">
        <label htmlFor="ownerTag" className="block text-sm font-medium">
          Owner tag
        </label>
        <input
          id="ownerTag"
          name="ownerTag"
          className="input"
          placeholder="owner"
          defaultValue={initial.ownerTag ?? ""}
        />
        <p className="text-xs text-muted">An email address in this tag receives the item&apos;s email alerts.</p>
      </div>
      <div className="space-y-1">
        <label htmlFor="fallbackRecipients" className="block text-sm font-medium">
          Fallback recipients
        </label>
        <input
          id="fallbackRecipients"
          name="fallbackRecipients"
          className="input"
          defaultValue={initial.fallbackRecipients.join(", ")}
        />
        <p className="text-xs text-muted">For items without an owner; empty: the channel&apos;s own recipients.</p>
      </div>
    </div>
  );
}
