/** lib/cloud: the only place that talks to the cloud SDKs. */
export * from "./semaphore";
export * from "./adaptive-limiter";
export * from "./errors";
export * from "./retry";
export {
  getCredential,
  azureConfig,
  keyVaultClients,
  keyVaultClientOptions,
  keyVaultManagementClient,
  resourceGraphClient,
  graphClient,
  armGetJson,
  armPostJson,
  armWriteJson,
  type KeyVaultClients,
} from "./clients";
export * from "./arm";
export * from "./monitoring";
export * from "./keyvault";
export { vaultConnections } from "./vault-transport";
export {
  VaultReader,
  forgetVaultChallenges,
  learnedVaultChallenges,
  rememberVaultChallenges,
  type VaultChallenge,
} from "./vault-reader";
export * from "./graph";
export * from "./validate";
export type { AccessPolicySummary, PrivateEndpointState } from "./vault-shape";
export * from "./rotation";
export * from "./certificate-rotation";
export * from "./consumers";
export * from "./consumer-update";
