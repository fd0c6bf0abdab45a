import { NextResponse } from "next/server";

/** Ends a session whose Spotify sign-in can no longer be refreshed, and says why. */
export function GET() {
  // A relative Location: Next's request.url names the host `localhost` even when the app is
  // served at 127.0.0.1 (the only loopback host Spotify accepts), which would leave the site.
  const response = new NextResponse(null, { status: 303, headers: { Location: "/signin?error=SessionExpired" } });
  for (const name of ["next-auth.session-token", "__Secure-next-auth.session-token"]) {
    response.cookies.set(name, "", { maxAge: 0, path: "/" });
  }
  return response;
}
