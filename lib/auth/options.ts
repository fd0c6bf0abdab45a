import "server-only";
import type { NextAuthOptions, Profile } from "next-auth";
import { getDb } from "../db/server";
import { SPOTIFY_SCOPES, spotifyConfig } from "../spotify/config";
import { rateLimitHold } from "../spotify/rate-limit";
import { exchangeCode, fetchProfile, SignInFailedError, SIGN_IN_RETRY_POLICY, type SignInFailure } from "../spotify/sign-in";
import { saveTokens } from "../spotify/tokens";
import { appSecret } from "./secret";

/** The profile id we hand next-auth when Spotify refused the user (Development Mode allow-list). */
const REFUSED_USER = "__spotify_refused__";

/**
 * next-auth (v4) lets only the signIn callback choose where a failed sign-in goes, so a failure
 * of the code exchange or of the profile request travels there as a stand-in token and profile
 * id naming it; signIn then sends the person to /signin?error=<failure>, and nothing is stored.
 */
const FAILED_PREFIX = "__sign_in_failed__:";
const failedId = (failure: SignInFailure) => `${FAILED_PREFIX}${failure}`;
function failureOf(id: string | undefined): SignInFailure | null {
  return id?.startsWith(FAILED_PREFIX) ? (id.slice(FAILED_PREFIX.length) as SignInFailure) : null;
}

function logFailure(step: string, error: SignInFailedError) {
  console.error(`Sign-in did not finish (${error.failure}): ${step}: ${error.message}`);
}

/** next-auth's errors as one line each (its default prints whole stack traces for expected refusals). */
const oneLineLogger = {
  error(code: string, metadata: unknown) {
    const error = metadata instanceof Error ? metadata : (metadata as { error?: unknown } | undefined)?.error;
    const detail = error instanceof Error ? error.message : typeof metadata === "string" ? metadata : "";
    console.error(`[next-auth] ${code}${detail ? `: ${detail}` : ""}`);
  },
  warn(code: string) {
    console.warn(`[next-auth] ${code}`);
  },
  debug() {},
};

interface SpotifyProfile extends Profile {
  id: string;
  display_name?: string | null;
}

/**
 * Sign-in with Spotify (Authorization Code flow; the client secret stays on
 * the server, next-auth checks `state`). The session cookie holds only the
 * user's id and name: Spotify tokens are sealed in the database.
 */
export function authOptions(): NextAuthOptions {
  const spotify = spotifyConfig();
  return {
    secret: appSecret(),
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/signin", signOut: "/signout", error: "/signin" },
    logger: oneLineLogger,
    providers: [
      {
        id: "spotify",
        name: "Spotify",
        type: "oauth",
        clientId: spotify.clientId,
        clientSecret: spotify.clientSecret,
        checks: ["state"],
        authorization: { url: `${spotify.accountsUrl}/authorize`, params: { scope: SPOTIFY_SCOPES.join(" ") } },
        token: {
          url: `${spotify.accountsUrl}/api/token`,
          // Our own exchange, under the app's retry policy. It must check `state` itself (next-auth
          // only compares it inside the exchange this replaces), before the code is ever sent.
          async request({ provider, params, checks }) {
            if (!checks.state || params.state !== checks.state) throw new Error("state mismatch");
            if (!params.code) throw new Error("the callback carries no code");
            try {
              // The app-wide 429 hold, shared with the app's other processes through the database.
              const hold = rateLimitHold(await getDb());
              return { tokens: await exchangeCode(spotify, params.code, provider.callbackUrl, SIGN_IN_RETRY_POLICY, hold) };
            } catch (error) {
              if (!(error instanceof SignInFailedError)) throw error;
              logFailure("code exchange", error);
              return { tokens: { access_token: failedId(error.failure), token_type: "Bearer" } };
            }
          },
        },
        userinfo: {
          url: `${spotify.apiUrl}/me`,
          async request({ tokens }): Promise<SpotifyProfile> {
            const failed = failureOf(tokens.access_token);
            if (failed) return { id: failedId(failed) };
            try {
              const answer = await fetchProfile(spotify, tokens.access_token!, SIGN_IN_RETRY_POLICY, rateLimitHold(await getDb()));
              return answer.kind === "refused" ? { id: REFUSED_USER } : (answer.profile as SpotifyProfile);
            } catch (error) {
              if (!(error instanceof SignInFailedError)) throw error;
              logFailure("profile request", error);
              return { id: failedId(error.failure) };
            }
          },
        },
        profile(profile: SpotifyProfile) {
          return { id: profile.id, name: profile.display_name ?? profile.id };
        },
      },
    ],
    callbacks: {
      async signIn({ user }) {
        if (user.id === REFUSED_USER) return "/signin?error=NotAllowlisted";
        const failure = failureOf(user.id);
        return failure ? `/signin?error=${failure}` : true;
      },
      async jwt({ token, account, user }) {
        if (account && user) {
          const db = await getDb();
          // The user and their tokens together or not at all: never a user without tokens.
          await db.$transaction(async (tx) => {
            await tx.spotifyUser.upsert({
              where: { id: user.id },
              create: { id: user.id, displayName: user.name },
              update: { displayName: user.name },
            });
            await saveTokens(tx as unknown as typeof db, user.id, {
              accessToken: account.access_token!,
              refreshToken: account.refresh_token!,
              expiresAt: new Date((account.expires_at ?? Math.floor(Date.now() / 1000) + 3600) * 1000),
              scope: account.scope ?? "",
            });
          });
          // Only who the user is goes into the cookie, never a token.
          return { sub: user.id, name: user.name };
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, user: { id: token.sub!, name: token.name ?? token.sub! } };
      },
    },
  };
}
