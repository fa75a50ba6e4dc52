"use client";

export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", padding: "3rem", color: "#0f172a" }}>
        <h1>CertifyClouds could not load</h1>
        <p>Reload the page. If it keeps failing, give your administrator this reference: {error.digest ?? "none"}</p>
      </body>
    </html>
  );
}
