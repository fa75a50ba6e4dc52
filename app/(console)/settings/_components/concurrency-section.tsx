import type { SettingValue } from "@/lib/settings/definitions";
import { updateConcurrency } from "../actions";
import { SettingForm, TextField } from "./setting-form";

/** Settings → Scanner concurrency: how many calls a scan keeps in flight, and whether the limit adapts. */
export function ConcurrencySection({
  conc,
  canWrite,
}: {
  conc: SettingValue<"discovery.concurrency">;
  canWrite: boolean;
}) {
  return (
    <section className="card mb-4 p-5" aria-labelledby="conc-h" data-testid="settings-concurrency">
      <h2 id="conc-h" className="text-base font-semibold">
        Scanner concurrency
      </h2>
      <p className="mt-1 text-xs text-muted">
        Calls a scan keeps in flight in all and per vault. Adaptive: the overall limit grows (up to 4×) while Azure
        answers quickly and the scanner has CPU to spare; a vault or subscription that Azure throttles is slowed down on
        its own and waits for the Retry-After. Lower the per-vault limit when scans report throttled vaults.
      </p>
      {canWrite ? (
        <SettingForm action={updateConcurrency} testId="concurrency-form">
          <div className="mt-3 grid gap-3 sm:grid-cols-3">
            <TextField
              name="global"
              label="In all (1–256)"
              type="number"
              inputMode="numeric"
              defaultValue={conc.global}
            />
            <TextField
              name="perVault"
              label="Per vault (1–16)"
              type="number"
              inputMode="numeric"
              defaultValue={conc.perVault}
            />
            <label className="flex items-end gap-2 pb-2 text-sm">
              <input
                type="checkbox"
                name="adaptive"
                defaultChecked={conc.adaptive}
                className="mb-0.5 h-4 w-4 accent-brand-600"
              />
              Adaptive
            </label>
          </div>
        </SettingForm>
      ) : (
        <p className="mt-3 text-sm">
          {conc.global} in all, {conc.perVault} per vault, {conc.adaptive ? "adaptive" : "fixed"}
        </p>
      )}
    </section>
  );
}
