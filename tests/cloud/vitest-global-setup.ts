// Vitest globalSetup: make sure the local-cloud CA exists and that test workers trust it.
// NODE_EXTRA_CA_CERTS is read only when a Node process starts. globalSetup runs in the main vitest process before the
// worker pool spawns its child processes (pool 'forks', the vitest 4 default) and the children inherit process.env, so
// setting it here is enough for forks (verified with vitest 4.1.12). With pool 'threads' it would NOT work.
// If NODE_EXTRA_CA_CERTS already names another file (CI images set /etc/ssl/certs/ca-certificates.crt), we point it
// at .data/local-cloud/ca-bundle.pem = that file + our CA.
import { ensureCa } from "./ensure-ca.mjs";

export default function setup() {
  process.env.NODE_EXTRA_CA_CERTS = ensureCa().bundlePath;
}
