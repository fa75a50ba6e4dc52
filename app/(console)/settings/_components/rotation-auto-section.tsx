import { Link } from "@/app/_components/link";
import type { SettingValue } from "@/lib/settings/definitions";
import { updateRotationAuto } from "../actions";
import { SettingForm, TextField } from "./setting-form";

const DAY = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function Check({ name, checked, children }: { name: string; checked: boolean; children: React.ReactNode }) {
  return (
    <label className="flex items-start gap-2 text-sm">
      <input type="checkbox" name={name} defaultChecked={checked} className="mt-0.5 h-4 w-4 accent-brand-600" />
      <span>{children}</span>
    </label>
  );
}

interface Override {
  appObjectId: string;
  displayName: string;
  auto: "always" | "never";
}

/** Settings → Automatic rotation: the form for Admins, the values for everyone else, and the per-app overrides. */
export function RotationAutoSection({
  auto,
  canWrite,
  overrides,
}: {
  auto: SettingValue<"rotation.auto">;
  canWrite: boolean;
  overrides: Override[];
}) {
  const window = `${auto.windowDays.map((d) => DAY[d]).join(", ")} ${String(auto.windowStartHour).padStart(2, "0")}:00–${String(auto.windowEndHour).padStart(2, "0")}:00 (${auto.timezone})`;
  return (
    <section className="card mb-4 p-5" aria-labelledby="rot-auto-h" data-testid="settings-rotation-auto">
      <h2 id="rot-auto-h" className="text-base font-semibold">
        Automatic rotation
      </h2>
      <p className="mt-1 text-xs text-muted">
        Apps whose linked client secret or Key Vault certificate expires within the days below are rotated by the
        scheduler, only inside the maintenance window, when their name or appId matches an include pattern and no
        exclude pattern (<code>*</code> matches anything) — or when an Admin set the app to <em>always</em> on its page
        (<em>never</em> keeps it out). With approval required, every rotation — automatic or started by an Operator —
        waits until an Admin other than its requester approves it.
      </p>
      {canWrite ? (
        <SettingForm action={updateRotationAuto} testId="rotation-auto-form">
          <div className="mt-3 space-y-2">
            <Check name="enabled" checked={auto.enabled}>
              Rotate automatically before expiry
            </Check>
            <Check name="requireApproval" checked={auto.requireApproval}>
              Require an Admin&apos;s approval for every rotation (four eyes: not the requester)
            </Check>
            <Check name="updateReferences" checked={auto.updateReferences}>
              Automatic rotations update versioned App Service / Container Apps references to the new version
            </Check>
          </div>
          <div className="mt-3 grid gap-3 sm:grid-cols-3">
            <TextField
              name="daysBeforeExpiry"
              label="Days before expiry"
              type="number"
              inputMode="numeric"
              defaultValue={auto.daysBeforeExpiry}
            />
            <TextField
              name="windowDays"
              label="Window days (e.g. Mon, Tue)"
              defaultValue={auto.windowDays.map((d) => DAY[d]).join(", ")}
            />
            <TextField name="windowTimezone" label="Timezone (IANA)" defaultValue={auto.timezone} />
            <TextField
              name="windowStartHour"
              label="Window start (hour, 0–23)"
              type="number"
              inputMode="numeric"
              defaultValue={auto.windowStartHour}
            />
            <TextField
              name="windowEndHour"
              label="Window end (hour, 1–24)"
              type="number"
              inputMode="numeric"
              defaultValue={auto.windowEndHour}
            />
            <div />
            <TextField name="include" label="Include apps (patterns)" mono defaultValue={auto.include.join(", ")} />
            <TextField name="exclude" label="Exclude apps (patterns)" mono defaultValue={auto.exclude.join(", ")} />
          </div>
        </SettingForm>
      ) : (
        <dl className="mt-3 space-y-3 text-sm">
          {[
            ["Automatic rotation", auto.enabled ? `on, ${auto.daysBeforeExpiry} days before expiry` : "off"],
            ["Window", window],
            [
              "Approval",
              auto.requireApproval ? "an Admin other than the requester approves each rotation" : "not required",
            ],
            ["Versioned references", auto.updateReferences ? "updated by automatic rotations" : "left as they are"],
            ["Include", auto.include.join(", ") || "*"],
            ["Exclude", auto.exclude.join(", ") || "none"],
          ].map(([k, v]) => (
            <div key={k} className="grid grid-cols-3 gap-2">
              <dt className="text-muted">{k}</dt>
              <dd className="col-span-2 break-words">{v}</dd>
            </div>
          ))}
        </dl>
      )}
      <div className="mt-4 text-sm" data-testid="rotation-auto-overrides">
        <h3 className="font-medium">Per-app overrides</h3>
        {overrides.length === 0 ? (
          <p className="text-muted">None: every app follows the patterns. Set one on the app&apos;s page.</p>
        ) : (
          (["always", "never"] as const).map((k) => {
            const apps = overrides.filter((o) => o.auto === k);
            return apps.length ? (
              <p key={k}>
                <span className="text-muted">{k === "always" ? "Always rotated: " : "Never rotated: "}</span>
                {apps.map((o, i) => (
                  <span key={o.appObjectId}>
                    {i > 0 && ", "}
                    <Link className="link" href={`/apps/${encodeURIComponent(o.appObjectId)}`}>
                      {o.displayName}
                    </Link>
                  </span>
                ))}
              </p>
            ) : null;
          })
        )}
      </div>
    </section>
  );
}
