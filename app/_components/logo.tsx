/** The CertifyClouds mark: a shield over a cloud. */
export function Logo({ className = "h-7 w-7" }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true">
      <path d="M16 2 4 6.5v8.2c0 7.3 5.1 13.3 12 15.3 6.9-2 12-8 12-15.3V6.5L16 2Z" fill="#1d4ed8" />
      <path d="M11 19.5a3.2 3.2 0 0 1 .4-6.4 4.6 4.6 0 0 1 8.8-.9 3.7 3.7 0 0 1 .6 7.3H11Z" fill="#fff" />
      <path
        d="m13.6 16.2 1.8 1.8 3.4-3.6"
        stroke="#1d4ed8"
        strokeWidth="1.6"
        fill="none"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
