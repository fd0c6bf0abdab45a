import Link from "next/link";
import { SignOutButton } from "@/app/components/SignOutButton";

/**
 * The app's header on every page but the home page. One line at any width down to a phone's
 * 390 px: the name never wraps, a long user name is cut with an ellipsis instead.
 */
export function AppHeader({
  userName,
  className = "",
  placeholder = false,
}: {
  userName?: string;
  className?: string;
  /**
   * In a Suspense fallback: while React swaps in the page, the fallback's header and the page's own
   * (still hidden) one are both in the document for a moment; only the page's carries the test id.
   */
  placeholder?: boolean;
}) {
  return (
    <header className={`flex items-center justify-between gap-3 ${className}`}>
      <Link href="/" className="shrink-0 whitespace-nowrap rounded text-xl font-bold tracking-tight sm:text-2xl">
        Taste Clusters
      </Link>
      {userName !== undefined && (
        <div className="flex min-w-0 items-center gap-2 text-sm text-zinc-300 sm:gap-3">
          <span data-testid={placeholder ? undefined : "user-name"} className="truncate" title={userName}>{userName}</span>
          <SignOutButton />
        </div>
      )}
    </header>
  );
}
