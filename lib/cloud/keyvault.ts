/**
 * Key Vault data plane: metadata only. There is deliberately no function in lib/cloud that reads a secret value
 * (discovery); rotation and sync will add their own, separately reviewed, writers.
 */
export * from "./keyvault-list";
export * from "./keyvault-detail";
