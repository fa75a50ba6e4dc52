/**
 * The plan's permission check: what the product identity needs for this rotation and whether it has it, read live
 * (metadata only) — each target vault's permission model and the identity's access policy or role assignments, and
 * whether the identity owns the app registration. Advisory: a missing permission is shown before the rotation starts;
 * if a rotation runs anyway, the failed write holds it and removes the new credential again (machine.ts).
 */
import { classifyError } from "../cloud/errors";
import { productObjectId, vaultAccess, type VaultAccess } from "../cloud/role-assignments";

export interface PermissionCheck {
  scope: string;
  needs: string;
  /** yes / no as read now; unknown when it could not be read (the reason says why) */
  has: "yes" | "no" | "unknown";
  detail: string;
}

/** What a rotation does in a vault, the roles that allow it (RBAC) and the access-policy permission that does. */
interface VaultNeed {
  what: string;
  roles: string[];
  policy: { kind: "secrets" | "certificates" | "keys"; perm: string };
}
const SECRET_WRITE: VaultNeed = {
  what: "write secrets",
  roles: ["Key Vault Secrets Officer", "Key Vault Administrator"],
  policy: { kind: "secrets", perm: "set" },
};
const CERT_CREATE: VaultNeed = {
  what: "create certificate versions",
  roles: ["Key Vault Certificates Officer", "Key Vault Administrator"],
  policy: { kind: "certificates", perm: "create" },
};
const KEY_SIGN: VaultNeed = {
  what: "sign with keys",
  roles: ["Key Vault Crypto User", "Key Vault Crypto Officer", "Key Vault Administrator"],
  policy: { kind: "keys", perm: "sign" },
};
/** A secret rotation writes secrets; a certificate rotation creates a version and signs proofs and assertions. */
export const VAULT_NEEDS = { secret: [SECRET_WRITE], certificate: [CERT_CREATE, KEY_SIGN] };

const describe = (needs: VaultNeed[]) =>
  needs.map((n) => `${n.roles[0]} (RBAC) or an access policy with ${n.policy.kind}: ${n.policy.perm}`).join("; and ");

/** The needs `a` does not meet, and a description of what it has. */
function judge(a: VaultAccess, needs: VaultNeed[]): { missing: VaultNeed[]; has: string } {
  if (a.model === "rbac")
    return {
      missing: needs.filter((n) => !n.roles.some((r) => a.roles.includes(r))),
      has: a.roles.length ? `RBAC: ${a.roles.join(", ")}` : "RBAC vault: none of the Key Vault roles a rotation uses",
    };
  if (!a.permissions) return { missing: needs, has: "access-policy vault: no access policy for the identity" };
  const p = a.permissions;
  return {
    missing: needs.filter((n) => !p[n.policy.kind].includes(n.policy.perm) && !p[n.policy.kind].includes("all")),
    has: `access policy: ${needs.map((n) => `${n.policy.kind} ${p[n.policy.kind].join(", ") || "none"}`).join("; ")}`,
  };
}

/** What updating versioned references needs; not read (no role list for every consumer): the write itself answers. */
export function referencePermissions(
  consumers: { versioned: boolean; kind: "app_service" | "function_app" | "container_app"; resourceName: string }[],
): PermissionCheck[] {
  const names = (k: (typeof consumers)[number]["kind"][]) => [
    ...new Set(consumers.filter((c) => c.versioned && k.includes(c.kind)).map((c) => c.resourceName)),
  ];
  const kinds = [
    {
      names: names(["app_service", "function_app"]),
      needs:
        "Microsoft.Web/sites/config/list/action and Microsoft.Web/sites/config/write (Website Contributor) — only to update them",
    },
    {
      names: names(["container_app"]),
      needs:
        "Microsoft.App/containerApps/listSecrets/action and Microsoft.App/containerApps/write (Container Apps Contributor) — only to update them",
    },
  ];
  const out: PermissionCheck[] = kinds
    .filter((k) => k.names.length)
    .map((k) => ({
      scope: `Versioned references in ${k.names.join(", ")}`,
      needs: k.needs,
      has: "unknown",
      detail: "not read: a refused update holds the rotation before the old secret is removed",
    }));
  return out;
}

export async function checkPermissions(
  app: { owners: { id: string }[] },
  vaults: { id: string; name: string }[],
  needs: VaultNeed[] = VAULT_NEEDS.secret,
): Promise<PermissionCheck[]> {
  let oid: string | null = null;
  try {
    oid = await productObjectId();
  } catch {
    oid = null;
  }
  const graph: PermissionCheck = {
    scope: "Microsoft Graph",
    needs: "Application.ReadWrite.OwnedBy with the identity an owner of the app (or Application.ReadWrite.All)",
    has: oid && app.owners.some((o) => o.id.toLowerCase() === oid) ? "yes" : "unknown",
    detail:
      oid && app.owners.some((o) => o.id.toLowerCase() === oid)
        ? "the identity is an owner of the app"
        : "the identity is not among the app's owners: the rotation works only if it holds Application.ReadWrite.All (Graph does not say)",
  };
  const checks = await Promise.all(
    vaults.map(async (v): Promise<PermissionCheck> => {
      const base = { scope: `Key Vault ${v.name}`, needs: describe(needs) };
      if (!oid) return { ...base, has: "unknown", detail: "the identity's object id could not be read from its token" };
      try {
        const { missing, has } = judge(
          await vaultAccess(v.id, oid, { retry: { attempts: 2, timeoutMs: 10_000 } }),
          needs,
        );
        return missing.length
          ? { ...base, has: "no", detail: `cannot ${missing.map((n) => n.what).join(" or ")} — ${has}` }
          : { ...base, has: "yes", detail: has };
      } catch (e) {
        const c = classifyError(e);
        return {
          ...base,
          has: "unknown",
          detail: `could not be read (${c.kind}${c.status ? `, HTTP ${c.status}` : ""})`,
        };
      }
    }),
  );
  return [graph, ...checks];
}
