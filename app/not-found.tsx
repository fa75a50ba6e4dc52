import { Link } from "@/app/_components/link";
import { AuthFrame } from "./_components/auth-frame";

export default function NotFound() {
  return (
    <AuthFrame>
      <p className="text-sm font-semibold text-muted">404 · Not found</p>
      <h1 className="mt-1 text-xl font-semibold" data-testid="not-found">
        This page does not exist
      </h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        Check the address, or go back to the overview and use the navigation.
      </p>
      <Link href="/" className="btn-primary mt-6 w-full">
        Back to the overview
      </Link>
    </AuthFrame>
  );
}
