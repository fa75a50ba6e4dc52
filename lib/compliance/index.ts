/** Compliance, pure core: the public API later layers (persistence, console, bench) build on. */
export {
  RULES,
  evaluate,
  paramsFor,
  prepareRules,
  ruleById,
  rulesFor,
  type Finding,
  type PreparedRules,
  type RuleSetting,
} from "./catalogue";
export {
  explainChange,
  explainGroups,
  formatPoints,
  type ChangeExplained,
  type Explanation,
  type Group,
  type State,
} from "./explain";
export type * from "./facts";
export { FRAMEWORKS, frameworkById, type Coverage, type Framework, type FrameworkControl } from "./frameworks";
export { appCredentialFacts, appFacts, assetFacts, vaultFacts } from "./from-inventory";
export { SEVERITIES, type Outcome, type OutcomeStatus, type Rule, type Severity } from "./rule";
export {
  SEVERITY_WEIGHT,
  frameworkScore,
  locate,
  scoreOf,
  scores,
  tally,
  type LocatedFinding,
  type Scores,
} from "./score";
