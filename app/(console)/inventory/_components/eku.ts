/**
 * Names of the extended key usages Key Vault certificate policies carry (RFC 5280 §4.2.1.12 and Microsoft's
 * registered purposes), so the object page says "Server Authentication" rather than 1.3.6.1.5.5.7.3.1.
 */
const EKU_NAMES: Record<string, string> = {
  "2.5.29.37.0": "Any Purpose",
  "1.3.6.1.5.5.7.3.1": "Server Authentication",
  "1.3.6.1.5.5.7.3.2": "Client Authentication",
  "1.3.6.1.5.5.7.3.3": "Code Signing",
  "1.3.6.1.5.5.7.3.4": "Secure Email",
  "1.3.6.1.5.5.7.3.5": "IPsec End System",
  "1.3.6.1.5.5.7.3.6": "IPsec Tunnel",
  "1.3.6.1.5.5.7.3.7": "IPsec User",
  "1.3.6.1.5.5.7.3.8": "Time Stamping",
  "1.3.6.1.5.5.7.3.9": "OCSP Signing",
  "1.3.6.1.5.5.7.3.17": "IKE Intermediate",
  "1.3.6.1.4.1.311.10.3.4": "Encrypting File System",
  "1.3.6.1.4.1.311.10.3.12": "Document Signing",
  "1.3.6.1.4.1.311.20.2.2": "Smart Card Logon",
  "1.3.6.1.4.1.311.80.1": "Document Encryption",
};

/** The usage's name, or the OID itself when it is not a well-known one. */
export function ekuName(oid: string): string {
  return EKU_NAMES[oid.trim()] ?? oid;
}
