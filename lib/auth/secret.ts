import "server-only";

const DEVELOPMENT_SECRET = "taste-clusters-development-secret-do-not-use-in-production";

/**
 * The secret that signs sessions and seals stored tokens. Required in
 * production: a missing one stops the app at start-up with this message.
 */
export function appSecret(): string {
  const secret = process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  if (secret && secret.length >= 16) return secret;
  if (secret) throw new Error("NEXTAUTH_SECRET is too short: use at least 32 random characters (openssl rand -base64 32).");
  if (process.env.NODE_ENV === "production") {
    throw new Error("NEXTAUTH_SECRET is required in production: set it to a long random string (openssl rand -base64 32).");
  }
  return DEVELOPMENT_SECRET;
}
