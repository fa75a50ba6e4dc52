import type { NextConfig } from "next";

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  {
    key: "Permissions-Policy",
    value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
  },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

const nextConfig: NextConfig = {
  output: "standalone",
  // proxy.ts removes a trailing slash itself, after refusing over-long addresses: Next's own redirect runs before the
  // proxy and copies the whole query into two headers (Location, Refresh), which a long query pushes past 16 KiB
  skipTrailingSlashRedirect: true,
  poweredByHeader: false,
  // PGlite loads its wasm from a file URL; bundling it breaks start-up.
  // @react-pdf/renderer (and pdfkit under it) load fonts and wasm at run time: not bundled either.
  // undici (the scanner's Key Vault transport, docs/adr/0008) carries its HTTP parser as wasm: traced, not bundled.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pino",
    "pg-boss",
    "@react-pdf/renderer",
    "pdfkit",
    "fontkit",
    "undici",
  ],
  experimental: { authInterrupts: true },
  // `npm run typecheck` checks the whole tree (tests included) in CI; the build need not do it twice.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      // Next serves the favicon with max-age=0 and no validator, and Chromium fetches it again on every client
      // navigation: a request to the server per click. Its address carries a content hash (icon.svg?icon.<hash>).
      { source: "/icon.svg", headers: [{ key: "Cache-Control", value: "public, max-age=31536000, immutable" }] },
    ];
  },
};

export default nextConfig;
