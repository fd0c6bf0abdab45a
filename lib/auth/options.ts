import "server-only";
import type { NextAuthOptions, Profile } from "next-auth";
import { getDb } from "../db/server";
import { SPOTIFY_SCOPES, spotifyConfig } from "../spotify/config";
import { saveTokens } from "../spotify/tokens";
import { appSecret } from "./secret";

/** The profile id we hand next-auth when Spotify refused the user (Development Mode allow-list). */
const REFUSED_USER = "__spotify_refused__";

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
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      {
        id: "spotify",
        name: "Spotify",
        type: "oauth",
        clientId: spotify.clientId,
        clientSecret: spotify.clientSecret,
        checks: ["state"],
        authorization: { url: `${spotify.accountsUrl}/authorize`, params: { scope: SPOTIFY_SCOPES.join(" ") } },
        token: `${spotify.accountsUrl}/api/token`,
        userinfo: {
          url: `${spotify.apiUrl}/me`,
          async request({ tokens }) {
            const response = await fetch(`${spotify.apiUrl}/me`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
            if (response.status === 403) return { id: REFUSED_USER };
            if (!response.ok) throw new Error(`Spotify profile request failed (${response.status})`);
            return response.json();
          },
        },
        profile(profile: SpotifyProfile) {
          return { id: profile.id, name: profile.display_name ?? profile.id };
        },
      },
    ],
    callbacks: {
      async signIn({ user }) {
        return user.id === REFUSED_USER ? "/signin?error=NotAllowlisted" : true;
      },
      async jwt({ token, account, user }) {
        if (account && user) {
          const db = await getDb();
          await db.spotifyUser.upsert({
            where: { id: user.id },
            create: { id: user.id, displayName: user.name },
            update: { displayName: user.name },
          });
          await saveTokens(db, user.id, {
            accessToken: account.access_token!,
            refreshToken: account.refresh_token!,
            expiresAt: new Date((account.expires_at ?? Math.floor(Date.now() / 1000) + 3600) * 1000),
            scope: account.scope ?? "",
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
