/**
 * The plan's permission check: what the product identity needs for this rotation and whether it has it, read live
 * (metadata only) — each target vault's permission model and the identity's access policy or role assignments, and
 * whether the identity owns the app registration. Advisory: a missing permission is shown before the rotation starts;
 * if a rotation runs anyway, the failed write holds it and removes the new credential again (machine.ts).
 */
import { classifyError } from "../cloud/errors";
import { productObjectId, secretWriteAccess } from "../cloud/role-assignments";

export interface PermissionCheck {
  scope: string;
  needs: string;
  /** yes / no as read now; unknown when it could not be read (the reason says why) */
  has: "yes" | "no" | "unknown";
  detail: string;
}

const WRITE = "Key Vault Secrets Officer (RBAC) or an access policy with secrets: set";

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
      const base = { scope: `Key Vault ${v.name}`, needs: WRITE };
      if (!oid) return { ...base, has: "unknown", detail: "the identity's object id could not be read from its token" };
      try {
        const a = await secretWriteAccess(v.id, oid, { retry: { attempts: 2, timeoutMs: 10_000 } });
        if (a.model === "rbac")
          return a.roles.length
            ? { ...base, has: "yes", detail: `RBAC: ${a.roles.join(", ")}` }
            : {
                ...base,
                has: "no",
                detail: "RBAC vault: no Key Vault Secrets Officer or Administrator assignment for the identity",
              };
        if (a.permissions === null)
          return { ...base, has: "no", detail: "access-policy vault: no access policy for the identity" };
        return a.permissions.includes("set") || a.permissions.includes("all")
          ? { ...base, has: "yes", detail: `access policy: secrets ${a.permissions.join(", ")}` }
          : {
              ...base,
              has: "no",
              detail: `access policy without set (secrets: ${a.permissions.join(", ") || "none"})`,
            };
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
