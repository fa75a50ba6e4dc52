/**
 * oidc-provider 9 prints "Unsupported runtime. Use Node.js v22.x LTS…" when first imported on Node 20.
 * It works on Node 20 (measured), so drop exactly that line while the package is being imported.
 * Imported for its side effect by ./oidc.ts *before* "oidc-provider"; ./oidc.ts restores console.warn afterwards.
 */
const originalWarn = console.warn;

console.warn = function filteredWarn(...args: unknown[]): void {
  if (typeof args[0] === "string" && args[0].includes("oidc-provider WARNING: Unsupported runtime")) return;
  originalWarn.apply(console, args);
};

export function restoreConsoleWarn(): void {
  console.warn = originalWarn;
}
