import type { Metadata } from "next";
import { cookies } from "next/headers";
import { ClientNavigation } from "@/app/_components/client-navigation";
import { THEME_COOKIE } from "@/lib/web/cookies";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "CertifyClouds", template: "%s · CertifyClouds" },
  description: "Self-hosted governance console for Azure Key Vault",
  robots: { index: false, follow: false },
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const theme = (await cookies()).get(THEME_COOKIE)?.value;
  const cls = theme === "dark" || theme === "light" ? theme : "system";
  return (
    <html lang="en" className={cls}>
      <body className="min-h-screen">
        {children}
        <ClientNavigation />
      </body>
    </html>
  );
}
