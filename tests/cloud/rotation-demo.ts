// The rotation part of a demo estate: the product identity may write the vaults that hold app secrets (so a rotation
// can run end to end), and unlinked apps get a "suggested" secret — its name mentions the app, nothing links it.
import type { Control } from "./control";
import type { Estate } from "./estate";
import { slug } from "./estate";

export function prepareRotationDemo(control: Control, estate: Estate): void {
  const oid = estate.productIdentity.oid;
  const vaults = control.vaults().filter((v) => v.reachable && v.access === "full");
  for (const vi of estate.appLinks.keys()) {
    const v = vaults.find((x) => x.name === estate.vaults.find((d) => d.index === vi)?.name);
    if (!v) continue;
    if (v.rbac) control.addRoleAssignment(v.name, oid, "Key Vault Secrets Officer");
    else
      control.setAccessPolicy(v.name, oid, {
        keys: ["get", "list", "getrotationpolicy"],
        secrets: ["get", "list", "set"],
        certificates: ["get", "list"],
      });
  }
  if (!vaults.length) return;
  estate.apps
    .filter((a) => a.link === "none" && a.passwordCredentials.length > 0)
    .slice(0, 5)
    .forEach((a, i) => {
      const v = vaults[i % vaults.length];
      const cred = a.passwordCredentials[a.passwordCredentials.length - 1];
      control.setSecret(v.name, `${slug(a.displayName)}-password`, cred.secretText, { contentType: "password" });
    });
}
