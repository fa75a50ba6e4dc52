// The rotation part of a demo estate: the product identity may write the vaults that hold app secrets (so a rotation
// can run end to end), unlinked apps get a "suggested" secret — its name mentions the app, nothing links it — and a
// few apps authenticate with a certificate kept in Key Vault (one expiring soon, one imported that Key Vault cannot
// renew), with the permissions a certificate rotation needs.
import type { Control } from "./control";
import type { Estate } from "./estate";
import { DAY, slug } from "./estate";
import { nowS } from "./state";

export function prepareRotationDemo(control: Control, estate: Estate): void {
  const oid = estate.productIdentity.oid;
  const vaults = control.vaults().filter((v) => v.reachable && v.access === "full");
  const grant = (v: (typeof vaults)[number], certificates: boolean) => {
    if (v.rbac) {
      control.addRoleAssignment(v.name, oid, "Key Vault Secrets Officer");
      if (certificates) {
        control.addRoleAssignment(v.name, oid, "Key Vault Certificates Officer");
        control.addRoleAssignment(v.name, oid, "Key Vault Crypto User");
      }
    } else
      control.setAccessPolicy(v.name, oid, {
        keys: ["get", "list", "getrotationpolicy", ...(certificates ? ["sign"] : [])],
        secrets: ["get", "list", "set"],
        certificates: ["get", "list", ...(certificates ? ["create"] : [])],
      });
  };
  for (const vi of estate.appLinks.keys()) {
    const v = vaults.find((x) => x.name === estate.vaults.find((d) => d.index === vi)?.name);
    if (v) grant(v, false);
  }
  if (!vaults.length) return;
  const certApps = estate.apps.filter((a) => a.keyCredentials.length === 0).slice(0, 3);
  certApps.forEach((a, i) => {
    const v = vaults[(i + 1) % vaults.length];
    const name = `${slug(a.displayName)}-auth`;
    control.addCertificate(v.name, name, {
      subject: `CN=${slug(a.displayName)}.apps.contoso.com`,
      exp: nowS() + (i === 0 ? 18 : 200) * DAY,
      issuer: i === 2 ? "Unknown" : "Self",
    });
    control.addAppCertificate(a.id, v.name, name);
    grant(v, true);
  });
  estate.apps
    .filter((a) => a.link === "none" && a.passwordCredentials.length > 0)
    .slice(0, 5)
    .forEach((a, i) => {
      const v = vaults[i % vaults.length];
      const cred = a.passwordCredentials[a.passwordCredentials.length - 1];
      control.setSecret(v.name, `${slug(a.displayName)}-password`, cred.secretText, { contentType: "password" });
    });
}
