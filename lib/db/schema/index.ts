export * from "./auth";
export * from "./audit";
export * from "./inventory";
export * from "./scheduler";
export * from "./scan-vaults";
export * from "./reports";
export * from "./rotation";
export * from "./alerts";
