/**
 * For incremental evaluation: a rule's `nextChange` is exactly the first instant its outcome changes with the facts
 * unchanged (same outcome 1 ms before, a different one at it), and a rule without `nextChange` never changes with time.
 */
import { describe, expect, test } from "vitest";
import { RULES } from "@/lib/compliance/catalogue";
import type { Facts } from "@/lib/compliance/facts";
import { app, cert, credential, inDays, key, now, secret, status, vault } from "./fixtures";

const offsets = [-800, -400, -31, -30, -7, -1, 0, 0.5, 1, 7, 29.5, 30, 31, 89, 90, 365, 400, 730, 800];
const estate: Facts[] = [
  vault(),
  vault({ enablePurgeProtection: false, publicNetworkAccess: "Enabled", networkDefaultAction: "Allow" }),
  app({ ownerCount: 0 }),
  app({ credentials: [] }),
  ...offsets.flatMap((d) => [
    secret({ expiresOn: inDays(d), createdOn: inDays(d - 300) }),
    secret({ expiresOn: null, createdOn: inDays(d), notBefore: inDays(d / 2) }),
    key({ expiresOn: inDays(d), createdOn: inDays(-d) }),
    cert({ expiresOn: inDays(d) }),
    credential({ endDateTime: inDays(d), startDateTime: inDays(d - 400) }),
    app({
      credentials: [
        { keyId: "a", endDateTime: inDays(d) },
        { keyId: "b", endDateTime: inDays(d + 3) },
      ],
    }),
  ]),
];
const later = [1, 29.5, 30, 31, 400, 3650].map((d) => inDays(d));

describe.each(RULES.map((r) => [r.id, r] as const))("%s", (id, rule) => {
  const facts = estate.filter((f) => f.scope === rule.scope);
  const params = rule.params.parse({}) as never;
  test(rule.nextChange ? "nextChange is the first instant the outcome changes" : "does not change with time", () => {
    for (const f of facts) {
      const s = status(id, f, {}, now);
      const t = rule.nextChange?.(f as never, params, now) ?? null;
      if (t) {
        expect(t.getTime()).toBeGreaterThan(now.getTime());
        expect(status(id, f, {}, new Date(t.getTime() - 1)), `${f.id} before ${t.toISOString()}`).toBe(s);
        expect(status(id, f, {}, t), `${f.id} at ${t.toISOString()}`).not.toBe(s);
      } else for (const at of later) expect(status(id, f, {}, at), `${f.id} at ${at.toISOString()}`).toBe(s);
    }
  });
});
