/** Where a person who pressed Cancel on Spotify's consent page is sent. */
export const CANCELLED_SIGN_IN_PAGE = "/signin?error=Cancelled";

/**
 * Spotify sends someone who pressed Cancel back to the callback with `error=access_denied`.
 * next-auth (v4) takes that for a failure: it logs two errors with a stack trace and shows a
 * generic "did not complete". It is an ordinary choice, so this answers it before next-auth does:
 * one log line, and the sign-in page saying "You cancelled the sign-in". Nothing was stored yet.
 * Returns null for any other request.
 */
export function answerCancelledSignIn(request: Request): Response | null {
  const url = new URL(request.url);
  if (request.method !== "GET" || !url.pathname.endsWith("/callback/spotify")) return null;
  if (url.searchParams.get("error") !== "access_denied") return null;
  console.warn("Sign-in cancelled: the person chose Cancel on Spotify's consent page (access_denied).");
  // A relative Location, as in app/auth/expired: request.url may name `localhost` instead of 127.0.0.1.
  return new Response(null, { status: 303, headers: { Location: CANCELLED_SIGN_IN_PAGE } });
}
