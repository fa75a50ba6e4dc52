/**
 * Framework mappings: which rules give evidence for which control. Coverage says how much: "direct" (the rules test
 * what the control asks for Key Vault and app credentials), "supporting" (they give evidence for part of it),
 * "customer" (a customer responsibility the product cannot assess; listed so an auditor sees the gap, never scored).
 */
export type Coverage = "direct" | "supporting" | "customer";

export interface FrameworkControl {
  id: string;
  title: string;
  coverage: Coverage;
  rules: string[];
}

export interface Framework {
  id: string;
  name: string;
  version: string;
  /** Where the control ids come from (documents; the tests keep id lists for those with a machine-readable source). */
  source: string;
  controls: FrameworkControl[];
}

export const control = (id: string, title: string, coverage: Coverage, rules: string[] = []): FrameworkControl => ({
  id,
  title,
  coverage,
  rules,
});
