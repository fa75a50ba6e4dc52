export * from "./auth";
export * from "./audit";
export * from "./inventory";
export * from "./scheduler";
export * from "./scan-vaults";
export * from "./compliance";
export * from "./reports";
