import "server-only";
import { z } from "zod";

/** Scopes the app asks for, and nothing more (README: "Spotify scopes"). */
export const SPOTIFY_SCOPES = ["user-library-read", "playlist-modify-private"] as const;

const url = z.string().url().transform((u) => u.replace(/\/+$/, ""));

const schema = z.object({
  SPOTIFY_CLIENT_ID: z.string().min(1, "is required: register an app at developer.spotify.com (see README)"),
  SPOTIFY_CLIENT_SECRET: z.string().min(1, "is required: copy it from your Spotify app's settings"),
  SPOTIFY_ACCOUNTS_URL: url.default("https://accounts.spotify.com"),
  SPOTIFY_API_URL: url.default("https://api.spotify.com/v1"),
});

export type SpotifyConfig = {
  clientId: string;
  clientSecret: string;
  accountsUrl: string;
  apiUrl: string;
};

let cached: SpotifyConfig | null = null;

/** Spotify settings from the environment, validated once; the error names the variable. */
export function spotifyConfig(): SpotifyConfig {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
    throw new Error(`Spotify is not configured: ${problems}`);
  }
  const env = parsed.data;
  cached = {
    clientId: env.SPOTIFY_CLIENT_ID,
    clientSecret: env.SPOTIFY_CLIENT_SECRET,
    accountsUrl: env.SPOTIFY_ACCOUNTS_URL,
    apiUrl: env.SPOTIFY_API_URL,
  };
  return cached;
}
