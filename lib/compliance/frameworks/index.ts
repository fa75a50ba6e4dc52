/** Every framework mapping, in the order the console shows them. */
import { cisAzure } from "./cis";
import { hipaa } from "./hipaa";
import { iso27001 } from "./iso27001";
import { mcsb } from "./mcsb";
import { nist80053 } from "./nist";
import { pciDss } from "./pci";
import { soc2 } from "./soc2";
import type { Framework } from "./types";

export type { Coverage, Framework, FrameworkControl } from "./types";

export const FRAMEWORKS: readonly Framework[] = [cisAzure, mcsb, soc2, iso27001, nist80053, pciDss, hipaa];

export function frameworkById(id: string): Framework | undefined {
  return FRAMEWORKS.find((f) => f.id === id);
}
