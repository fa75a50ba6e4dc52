import { describe, expect, it } from "vitest";
import { describeTarget, targetIds } from "@/app/(console)/audit/_components/audit-target";
import { vaultSlug } from "@/lib/inventory/ids";

const VAULT =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourcegroups/rg-prod/providers/microsoft.keyvault/vaults/kv-payments";
const SCAN = "0b6e6f8e-4a51-4c1b-9a53-6c1f0f2d9e10";

describe("audit targets read as names with links", () => {
  it("names a vault and links its page, keeping the ARM id as the tooltip", () => {
    const v = describeTarget("vault", VAULT, { vaults: { [VAULT]: "kv-payments" }, scans: {} });
    expect(v).toEqual({ kind: "Vault", label: "kv-payments", href: `/vaults/${vaultSlug(VAULT)}`, title: VAULT });
  });

  it("falls back to the ARM id's last segment for a vault no longer in the inventory", () => {
    expect(describeTarget("vault", VAULT)?.label).toBe("kv-payments");
  });

  it("describes a scan by mode and time and links it", () => {
    const names = {
      vaults: {},
      scans: { [SCAN]: { mode: "full", trigger: "manual", createdAt: new Date("2026-12-01T07:00:00Z") } },
    };
    expect(describeTarget("scan", SCAN, names)).toEqual({
      kind: "Scan",
      label: "Full scan of 2026-12-01 07:00 UTC",
      href: `/scans/${SCAN}`,
      title: SCAN,
    });
    expect(describeTarget("scan", SCAN)?.label).toBe("Scan 0b6e6f8e");
  });

  it("names settings as the settings page does", () => {
    expect(describeTarget("setting", "discovery.subscriptions")).toMatchObject({
      label: "Subscriptions in scope",
      href: "/settings",
    });
  });

  it("shows nothing for an entry without a target", () => {
    expect(describeTarget(null, null)).toBeNull();
  });

  it("collects the vault and scan ids of a page to look up", () => {
    const rows = [
      { targetType: "vault", targetId: VAULT },
      { targetType: "scan", targetId: SCAN },
      { targetType: "scan", targetId: "not-a-uuid" },
      { targetType: "setting", targetId: "scan.schedule" },
      { targetType: null, targetId: null },
    ];
    expect(targetIds(rows)).toEqual({ vaults: [VAULT], scans: [SCAN] });
  });
});
