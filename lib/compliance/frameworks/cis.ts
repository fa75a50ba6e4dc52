/** CIS Microsoft Azure Foundations Benchmark v6.0.0: the Key Vault items (8.3.x), its logging and Defender items. */
import { RECOVERY } from "./rule-groups";
import { control, type Framework } from "./types";

export const cisAzure: Framework = {
  id: "cis-azure-6.0",
  name: "CIS Microsoft Azure Foundations Benchmark",
  version: "6.0.0",
  source: "CIS Microsoft Azure Foundations Benchmark v6.0.0 (ids as listed by prowler-cloud/prowler cis_6.0.json)",
  controls: [
    control("6.1.1.4", "Ensure that Logging for Azure Key Vault is 'Enabled'", "direct", ["vault-resource-logs"]),
    control("8.1.8.1", "Ensure That Microsoft Defender for Key Vault Is Set To 'On'", "direct", ["vault-defender"]),
    control("8.3.1", "Ensure that the Expiration Date is Set for all Keys in Key Vaults using RBAC", "direct", [
      "key-expiration-set",
    ]),
    control(
      "8.3.2",
      "Ensure that the Expiration Date is set for All Keys in Key Vaults using access policies (legacy)",
      "direct",
      ["key-expiration-set"],
    ),
    control("8.3.3", "Ensure that the Expiration Date is set for All Secrets in Key Vaults using RBAC", "direct", [
      "secret-expiration-set",
    ]),
    control(
      "8.3.4",
      "Ensure that the Expiration Date is set for All Secrets in Key Vaults using access policies (legacy)",
      "direct",
      ["secret-expiration-set"],
    ),
    control("8.3.5", "Ensure 'Purge protection' is Set to 'Enabled'", "direct", [...RECOVERY]),
    control("8.3.6", "Ensure that Role Based Access Control for Azure Key Vault is Enabled", "direct", ["vault-rbac"]),
    control("8.3.7", "Ensure Public Network Access is Disabled", "direct", ["vault-public-network-disabled"]),
    control("8.3.8", "Ensure Private Endpoints are Used to Access Azure Key Vault", "direct", ["vault-private-link"]),
    control("8.3.9", "Ensure Automatic Key Rotation is Enabled within Azure Key Vault", "direct", [
      "key-rotation-scheduled",
    ]),
    // Whether a workload requires a Managed HSM is the customer's decision; HSM-backed keys are related evidence only.
    control("8.3.10", "Ensure that Azure Key Vault Managed HSM is Used when Required", "customer"),
    control("8.3.11", "Ensure Certificate 'Validity Period (in months)' is Less Than or Equal to '12'", "direct", [
      "certificate-max-validity",
    ]),
  ],
};
