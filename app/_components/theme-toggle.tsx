"use client";

import { useState } from "react";

type Theme = "light" | "dark" | "system";
const ORDER: Theme[] = ["system", "light", "dark"];
const LABEL: Record<Theme, string> = { system: "System theme", light: "Light theme", dark: "Dark theme" };

/** Stores the choice in a cookie so the server renders the right class on the next page load (no flash). */
export function ThemeToggle({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState<Theme>(initial);
  const next = ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length];
  // Only an explicit choice is stored; rendering never rewrites the cookie.
  const choose = (t: Theme) => {
    const html = document.documentElement;
    html.classList.remove("light", "dark", "system");
    html.classList.add(t);
    document.cookie = `cc-theme=${t}; path=/; max-age=31536000; samesite=lax`;
    setTheme(t);
  };
  return (
    <button
      type="button"
      onClick={() => choose(next)}
      className="rounded-lg p-2 text-muted hover:bg-slate-100 hover:text-slate-900 dark:hover:bg-slate-800 dark:hover:text-slate-100"
      title={`${LABEL[theme]} — switch to ${LABEL[next].toLowerCase()}`}
      aria-label={`${LABEL[theme]}; switch to ${LABEL[next].toLowerCase()}`}
      data-testid="theme-toggle"
    >
      {theme === "dark" ? (
        <svg
          viewBox="0 0 20 20"
          className="h-5 w-5"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
          strokeLinejoin="round"
          aria-hidden="true"
        >
          <path d="M16.5 12.3A7 7 0 0 1 7.7 3.5a7 7 0 1 0 8.8 8.8Z" />
        </svg>
      ) : theme === "light" ? (
        <svg viewBox="0 0 20 20" className="h-5 w-5" fill="currentColor" aria-hidden="true">
          <circle cx="10" cy="10" r="3.5" />
          <path
            d="M10 1.5v2M10 16.5v2M1.5 10h2M16.5 10h2M4 4l1.4 1.4M14.6 14.6 16 16M4 16l1.4-1.4M14.6 5.4 16 4"
            stroke="currentColor"
            strokeWidth="1.5"
            strokeLinecap="round"
          />
        </svg>
      ) : (
        <svg
          viewBox="0 0 20 20"
          className="h-5 w-5"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
          aria-hidden="true"
        >
          <rect x="2.5" y="3.5" width="15" height="10" rx="1.5" />
          <path d="M7 16.5h6M10 13.5v3" strokeLinecap="round" />
        </svg>
      )}
    </button>
  );
}
