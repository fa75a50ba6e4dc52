import type { KeyObject } from "node:crypto";
export declare const REPO_ROOT: string;
export declare const DEFAULT_DATA_DIR: string;
export interface CaMaterial {
  dir: string;
  caPath: string;
  caKeyPath: string;
  certPath: string;
  keyPath: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  /** what to put in NODE_EXTRA_CA_CERTS: ca.pem, or ca-bundle.pem when the env already named another CA file */
  bundlePath: string;
}
export declare function ensureCa(dataDir?: string): CaMaterial;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export declare function signCertificate(cert: any, privateKey: KeyObject | string): any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export declare function certToDer(cert: any): Buffer;
