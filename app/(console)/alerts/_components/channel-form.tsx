"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createChannel, deleteChannel, updateChannel } from "../actions";

export interface KindOption {
  kind: string;
  label: string;
  secretFields: { name: string; label: string; required: boolean }[];
}

export interface ChannelFormValue {
  id?: string;
  name: string;
  kind: string;
  enabled: boolean;
  config: Record<string, unknown>;
  secretsSet: Record<string, boolean>;
}

const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));

function Field({ id, label, children, hint }: { id: string; label: string; children: React.ReactNode; hint?: string }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      {hint && <p className="text-xs text-muted">{hint}</p>}
    </div>
  );
}

export function ChannelForm({ kinds, initial }: { kinds: KindOption[]; initial: ChannelFormValue }) {
  const router = useRouter();
  const [kind, setKind] = useState(initial.kind);
  const [error, setError] = useState<string | null>(null);
  const [signingSecret, setSigningSecret] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const def = kinds.find((k) => k.kind === kind)!;
  const editing = !!initial.id;

  function submit(form: HTMLFormElement) {
    const f = new FormData(form);
    const get = (k: string) => String(f.get(k) ?? "").trim();
    const config: Record<string, unknown> = {};
    if (kind === "email") {
      Object.assign(config, {
        host: get("host"),
        port: get("port") || "587",
        security: get("security"),
        from: get("from"),
        to: get("to")
          .split(/[,;\s]+/)
          .filter(Boolean),
      });
      if (get("username")) config.username = get("username");
    }
    if (kind === "pagerduty" && get("endpoint")) config.endpoint = get("endpoint");
    const secrets = Object.fromEntries(def.secretFields.map((s) => [s.name, get(`secret-${s.name}`)]));
    const base = { name: get("name"), config, secrets, enabled: f.get("enabled") === "on" };
    start(async () => {
      setError(null);
      const r = editing
        ? await updateChannel({ id: initial.id!, ...base })
        : await createChannel({ ...base, kind: kind as "email" });
      if (!r.ok) return setError(r.error.message);
      const generated = (r.data as { signingSecret?: string }).signingSecret;
      if (generated) setSigningSecret(generated);
      else router.push("/alerts");
    });
  }

  if (signingSecret)
    return (
      <div className="card space-y-3 p-5" data-testid="signing-secret">
        <h2 className="text-base font-semibold">Channel saved</h2>
        <p className="text-sm">
          This is the webhook&apos;s signing secret. Configure your receiver with it now: it is not shown again.
        </p>
        <code className="block break-all rounded bg-slate-100 p-3 text-sm dark:bg-slate-800">{signingSecret}</code>
        <button type="button" className="btn-primary" onClick={() => router.push("/alerts")}>
          Done
        </button>
      </div>
    );

  return (
    <form
      className="card max-w-2xl space-y-4 p-5"
      data-testid="channel-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit(e.currentTarget);
      }}
    >
      <Field id="name" label="Name">
        <input id="name" name="name" className="input" required maxLength={100} defaultValue={initial.name} />
      </Field>
      <Field id="kind" label="Kind">
        <select id="kind" className="input" value={kind} disabled={editing} onChange={(e) => setKind(e.target.value)}>
          {kinds.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </Field>
      {kind === "email" && (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="host" label="SMTP host">
            <input id="host" name="host" className="input" required defaultValue={str(initial.config.host)} />
          </Field>
          <Field id="port" label="Port">
            <input
              id="port"
              name="port"
              className="input"
              inputMode="numeric"
              defaultValue={str(initial.config.port ?? 587)}
            />
          </Field>
          <Field id="security" label="Security">
            <select
              id="security"
              name="security"
              className="input"
              defaultValue={str(initial.config.security ?? "starttls")}
            >
              <option value="starttls">STARTTLS (required)</option>
              <option value="tls">TLS (port 465)</option>
              <option value="none">None (local relay only)</option>
            </select>
          </Field>
          <Field id="username" label="Username (optional)">
            <input id="username" name="username" className="input" defaultValue={str(initial.config.username)} />
          </Field>
          <Field id="from" label="From address">
            <input id="from" name="from" className="input" required defaultValue={str(initial.config.from)} />
          </Field>
          <Field id="to" label="Recipients" hint="Comma-separated. Rules with an owner tag send to the owner instead.">
            <input
              id="to"
              name="to"
              className="input"
              required
              defaultValue={Array.isArray(initial.config.to) ? initial.config.to.join(", ") : ""}
            />
          </Field>
        </div>
      )}
      {kind === "pagerduty" && (
        <Field
          id="endpoint"
          label="Events API endpoint"
          hint="Leave empty for https://events.pagerduty.com/v2/enqueue."
        >
          <input id="endpoint" name="endpoint" className="input" defaultValue={str(initial.config.endpoint)} />
        </Field>
      )}
      {def.secretFields.map((s) => (
        <Field
          key={`${kind}-${s.name}`}
          id={`secret-${s.name}`}
          label={s.label}
          hint={
            initial.secretsSet[s.name]
              ? "Set. Stored encrypted and never shown again; leave empty to keep it."
              : "Stored encrypted and never shown again."
          }
        >
          <input
            id={`secret-${s.name}`}
            name={`secret-${s.name}`}
            type="password"
            autoComplete="off"
            className="input"
            required={s.required && !initial.secretsSet[s.name]}
            placeholder={initial.secretsSet[s.name] ? "set" : ""}
          />
        </Field>
      ))}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="enabled" defaultChecked={initial.enabled} /> Enabled
      </label>
      {error && (
        <p className="text-sm text-red-700 dark:text-red-300" role="alert">
          {error}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <button className="btn-primary" type="submit" disabled={pending} data-testid="save-channel">
          {pending ? "Saving…" : "Save channel"}
        </button>
        {editing && (
          <button
            type="button"
            className="btn-danger"
            disabled={pending}
            onClick={() => {
              if (!confirm("Delete this channel and its delivery history?")) return;
              start(async () => {
                const r = await deleteChannel({ id: initial.id! });
                if (!r.ok) setError(r.error.message);
                else router.push("/alerts");
              });
            }}
          >
            Delete
          </button>
        )}
      </div>
    </form>
  );
}
