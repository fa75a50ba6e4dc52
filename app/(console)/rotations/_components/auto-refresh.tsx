"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Live progress: re-renders the server page every 1.5 s while the rotation has work in flight. */
export function AutoRefresh({ active }: { active: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => router.refresh(), 1500);
    return () => clearInterval(t);
  }, [active, router]);
  return null;
}
