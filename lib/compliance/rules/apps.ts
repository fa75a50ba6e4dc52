/**
 * App-registration rules (Microsoft Graph passwordCredentials/keyCredentials). No Azure Policy covers Entra ID apps;
 * the boundaries follow the Key Vault ones for consistency: exactly N days is compliant, exactly "now" is expired.
 */
import { z } from "zod";
import {
  addDays,
  ahead,
  DAY_MS,
  daysBetween,
  defineRule,
  fail,
  notApplicable,
  pass,
  unknown,
  daysParam,
} from "../rule";

const appPortal = "Microsoft Entra ID → App registrations → the app";

export const appRules = [
  defineRule({
    id: "app-credential-expired",
    title: "App credentials are not expired",
    why: "An expired client secret or certificate breaks sign-in for the app that uses it.",
    severity: "high",
    scope: "appCredential",
    enabledByDefault: true,
    params: z.object({}),
    interpretation:
      "Non-compliant when the end date is at or before now (the same instant as the inventory's 'expired').",
    evaluate: (f, _p, now) => {
      if (!f.endDateTime) return unknown("end date not recorded");
      return f.endDateTime.getTime() <= now.getTime()
        ? fail(`expired ${daysBetween(f.endDateTime, now)} days ago`)
        : pass(`valid for ${daysBetween(now, f.endDateTime)} more days`);
    },
    nextChange: (f, _p, now) => (f.endDateTime ? ahead(f.endDateTime.getTime(), now) : null),
    remediation: {
      portal: [
        `${appPortal} → Certificates & secrets`,
        "+ New client secret (or upload a certificate), update the app, delete the old one",
      ],
      cli: "az ad app credential reset --id <appId> --append --years 1",
    },
    references: { mcsb: ["IM-3"] },
  }),
  defineRule({
    id: "app-credential-expiring",
    title: "App credentials have more than the required number of days before expiration",
    why: "A credential about to expire needs a replacement rolled out before sign-in fails.",
    severity: "medium",
    scope: "appCredential",
    enabledByDefault: true,
    params: z.object({ minimumDaysBeforeExpiration: daysParam(30) }),
    interpretation:
      "Non-compliant when the credential is still valid but ends earlier than now + N days (exactly N days left is " +
      "compliant, as for secrets). Expired credentials are left to the expired rule.",
    evaluate: (f, p, now) => {
      if (!f.endDateTime) return unknown("end date not recorded");
      if (f.endDateTime.getTime() <= now.getTime()) return notApplicable("already expired");
      const left = daysBetween(now, f.endDateTime);
      return f.endDateTime.getTime() < addDays(now, p.minimumDaysBeforeExpiration).getTime()
        ? fail(`expires in ${left} days (fewer than ${p.minimumDaysBeforeExpiration})`)
        : pass(`expires in ${left} days`);
    },
    // fails from end − N + 1 ms, then leaves the rule (expired) at the end date
    nextChange: (f, p, now) => {
      if (!f.endDateTime) return null;
      const end = f.endDateTime.getTime();
      return ahead(end - p.minimumDaysBeforeExpiration * DAY_MS + 1, now) ?? ahead(end, now);
    },
    remediation: {
      portal: [`${appPortal} → Certificates & secrets`, "Add the replacement credential now and roll it out"],
      cli: "az ad app credential reset --id <appId> --append --years 1",
    },
    references: { mcsb: ["IM-3"] },
  }),
  defineRule({
    id: "app-credential-lifetime",
    title: "App credentials have at most the maximum lifetime",
    why: "A long-lived client secret stays useful to whoever copies it; Microsoft recommends less than two years.",
    severity: "medium",
    scope: "appCredential",
    enabledByDefault: true,
    params: z.object({ maximumLifetimeInDays: daysParam(730) }),
    interpretation: "Non-compliant when the end date is more than N days after the start date (exactly N passes).",
    evaluate: (f, p) => {
      if (!f.startDateTime || !f.endDateTime) return unknown("start or end date not recorded");
      const d = daysBetween(f.startDateTime, f.endDateTime);
      return f.endDateTime.getTime() > addDays(f.startDateTime, p.maximumLifetimeInDays).getTime()
        ? fail(`lifetime ${d} days (more than ${p.maximumLifetimeInDays})`)
        : pass(`lifetime ${d} days`);
    },
    remediation: {
      portal: [`${appPortal} → Certificates & secrets`, "Replace it with a credential of shorter lifetime"],
      cli: "az ad app credential reset --id <appId> --append --years 1",
    },
    references: { mcsb: ["IM-3"] },
  }),
  defineRule({
    id: "app-no-owner",
    title: "App registrations have an owner",
    why: "Nobody renews or retires the credentials of an app nobody owns.",
    severity: "low",
    scope: "app",
    enabledByDefault: true,
    params: z.object({}),
    interpretation: "Application objects with no owner are non-compliant; service principals are not applicable.",
    evaluate: (f) => {
      if (f.kind !== "application") return notApplicable("service principal");
      return f.ownerCount > 0 ? pass(`${f.ownerCount} owner(s)`) : fail("no owner");
    },
    remediation: {
      portal: [`${appPortal} → Owners`, "+ Add owners"],
      cli: "az ad app owner add --id <appId> --owner-object-id <user object id>",
    },
    references: { mcsb: ["IM-3"] },
  }),
  defineRule({
    id: "app-stale-credentials",
    title: "Apps do not keep long-expired credentials",
    why: "Expired credentials left on an app clutter reviews and hide which credential is really in use.",
    severity: "low",
    scope: "app",
    enabledByDefault: true,
    params: z.object({ expiredForMoreThanDays: daysParam(30) }),
    interpretation:
      "Non-compliant when the app holds a credential that ended more than N days ago (exactly N days ago passes).",
    evaluate: (f, p, now) => {
      if (!f.credentials.length) return notApplicable("no credentials");
      const limit = addDays(now, -p.expiredForMoreThanDays).getTime();
      const stale = f.credentials.filter((c) => c.endDateTime && c.endDateTime.getTime() < limit).length;
      return stale
        ? fail(`${stale} credential(s) expired more than ${p.expiredForMoreThanDays} days ago`)
        : pass("none");
    },
    // once a credential is stale the app fails for good; until then, the first credential to become stale
    nextChange: (f, p, now) => {
      const at = f.credentials.flatMap((c) =>
        c.endDateTime ? [c.endDateTime.getTime() + p.expiredForMoreThanDays * DAY_MS + 1] : [],
      );
      if (at.some((t) => t <= now.getTime())) return null;
      return at.length ? ahead(Math.min(...at), now) : null;
    },
    remediation: {
      portal: [`${appPortal} → Certificates & secrets`, "Delete the expired entries"],
      cli: "az ad app credential delete --id <appId> --key-id <keyId>",
    },
    references: { mcsb: ["IM-3"] },
  }),
];
