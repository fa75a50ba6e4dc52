import type { Vault } from "@/lib/inventory/vaults";
import { Field } from "./detail";

/** On / Off, or Unknown when the payload did not say (never a default dressed as a fact). */
export function onOff(b: boolean | null) {
  return b === null ? <span className="text-slate-600 dark:text-slate-300">Unknown</span> : b ? "On" : "Off";
}

/** The posture facts kept for compliance: deployment access, ACL bypass, private endpoint states. */
export function PostureFacts({ v }: { v: Vault }) {
  const pes = v.privateEndpoints ?? [];
  return (
    <>
      <Field k="VM deployment">{onOff(v.enabledForDeployment)}</Field>
      <Field k="Disk encryption">{onOff(v.enabledForDiskEncryption)}</Field>
      <Field k="Template deployment">{onOff(v.enabledForTemplateDeployment)}</Field>
      <Field k="Network bypass">{v.networkBypass ?? "Unknown"}</Field>
      <Field k="Private endpoints">
        {pes.length === 0
          ? "None"
          : pes.map((p, i) => (
              <span key={`${p.name}-${i}`} className="block">
                {p.name ?? "unnamed"} · {p.status ?? "state unknown"}
              </span>
            ))}
      </Field>
    </>
  );
}

const FLAGS = ["all", "get", "purge"] as const;

/** Access-policy vaults: who each policy names and whether it grants all / get / purge on secrets. */
export function AccessPolicyTable({ v }: { v: Vault }) {
  if (v.enableRbacAuthorization === true || !v.accessPolicies) return null;
  if (v.accessPolicies.length === 0) return <p className="text-sm text-slate-500">No access policies.</p>;
  return (
    <table className="w-full text-sm" data-testid="vault-access-policies">
      <caption className="sr-only">Access policies and their secret permissions</caption>
      <thead>
        <tr className="text-left text-xs text-slate-600 dark:text-slate-300">
          <th scope="col" className="py-1 font-medium">
            Principal (object id)
          </th>
          {FLAGS.map((f) => (
            <th key={f} scope="col" className="py-1 font-medium">
              secrets: {f}
            </th>
          ))}
          <th scope="col" className="py-1 font-medium">
            Other secret permissions
          </th>
        </tr>
      </thead>
      <tbody>
        {v.accessPolicies.map((p, i) => (
          <tr key={`${p.objectId}-${i}`} className="border-t border-slate-100 dark:border-slate-800">
            <td className="py-1 font-mono text-xs">
              {p.objectId ?? "—"}
              {p.applicationId && <span className="block">app {p.applicationId}</span>}
            </td>
            {FLAGS.map((f) => (
              <td key={f} className="py-1">
                {p.secrets.includes(f) ? "yes" : "no"}
              </td>
            ))}
            <td className="py-1 text-xs">
              {p.secrets.filter((s) => !(FLAGS as readonly string[]).includes(s)).join(", ") || "—"}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
