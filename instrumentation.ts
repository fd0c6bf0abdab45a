// Runs once when the Next.js server starts: refuse to serve without the
// session secret in production, with a clear message, instead of failing at
// the first sign-in.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NODE_ENV !== "production") return;
  if (!process.env.NEXTAUTH_SECRET && !process.env.AUTH_SECRET) {
    throw new Error(
      "Taste Clusters cannot start: NEXTAUTH_SECRET is required in production. " +
        "Set it to a long random string (openssl rand -base64 32), or use `npm start`, which makes one for demo mode.",
    );
  }
}
