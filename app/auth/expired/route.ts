import { NextResponse } from "next/server";

/** Ends a session whose Spotify sign-in can no longer be refreshed, and says why. */
export function GET(request: Request) {
  const response = NextResponse.redirect(new URL("/signin?error=SessionExpired", request.url));
  for (const name of ["next-auth.session-token", "__Secure-next-auth.session-token"]) {
    response.cookies.set(name, "", { maxAge: 0, path: "/" });
  }
  return response;
}
