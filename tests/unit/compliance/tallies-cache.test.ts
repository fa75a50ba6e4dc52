import { describe, expect, it } from "vitest";
import { keepNoTallies, keepTallies, takeTallies } from "@/lib/compliance/tallies-cache";
import { packTallies, unpackTallies, type Tallies } from "@/lib/compliance/tallies";
import type { TallyRow } from "@/lib/db/schema";

describe("the kept tallies", () => {
  it("are handed over once, and only for the snapshot that wrote them", () => {
    const t: Tallies = new Map([["r\0s\0v", { r: "r", s: "s", v: "v", n: 3, p: 2, w: 0, u: 0 }]]);
    keepTallies("snap-1", t);
    // another process wrote a newer snapshot: a miss, the evaluation reads the stored tallies
    expect(takeTallies("snap-2")).toBeUndefined();
    expect(takeTallies("snap-1")).toBe(t);
    // the evaluation changes them in place: a second taker must not get the changed map
    expect(takeTallies("snap-1")).toBeUndefined();
  });

  it("are not kept once keeping is off (the console's process in the single-container mode)", () => {
    const t: Tallies = new Map();
    keepTallies("snap-3", t);
    keepNoTallies();
    // what was kept goes, and nothing new is kept
    expect(takeTallies("snap-3")).toBeUndefined();
    keepTallies("snap-4", t);
    expect(takeTallies("snap-4")).toBeUndefined();
  });
});

describe("the stored tallies", () => {
  const rows: TallyRow[] = [
    ["vault-soft-delete", "sub-a", "/subscriptions/sub-a/…/vaults/kv-1", 1, 1, 0, 0],
    ["vault-soft-delete", "sub-a", "/subscriptions/sub-a/…/vaults/kv-2", 1, 0, 0, 0],
    ["app-credential-expired", "", "", 40, 37, 2, 1],
  ];

  it("write each id once and read back the same rows", () => {
    const packed = packTallies(rows);
    expect(packed.rules).toEqual(["vault-soft-delete", "app-credential-expired"]);
    expect(packed.subscriptions).toEqual(["sub-a", ""]);
    expect(packed.vaults).toHaveLength(3);
    expect(packed.rows[1]).toEqual([0, 0, 1, 1, 0, 0, 0]);
    expect(unpackTallies(JSON.parse(JSON.stringify(packed)))).toEqual(rows);
  });

  it("of snapshots written before the packed form are read as they are", () => {
    expect(unpackTallies(rows)).toBe(rows);
  });
});
