// Import order matters: the filter must be evaluated before oidc-provider's top-level runtime check.
import { restoreConsoleWarn } from "./node20-warning-filter";
import Provider, { interactionPolicy } from "oidc-provider";

restoreConsoleWarn();

export { Provider, interactionPolicy };
