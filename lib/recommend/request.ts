import { z } from "zod";
import { DEFAULT_REQUEST } from "./service";

export const SPOTIFY_ID = /^[0-9A-Za-z]{22}$/;
export const MAX_TRACK_IDS = 1_000;
export const MAX_EXCLUDED_ARTISTS = 500;

/**
 * The one boundary schema for a recommendation request (HTTP API and CLI):
 * unknown fields are refused rather than silently ignored.
 */
export const recommendationRequestSchema = z
  .object({
    trackIds: z
      .array(z.string().regex(SPOTIFY_ID, "must be a 22-character base62 Spotify track id"))
      .min(1, "must hold at least one track id")
      .max(MAX_TRACK_IDS, `must hold at most ${MAX_TRACK_IDS} track ids`),
    limit: z.number().int().min(1).max(100).default(DEFAULT_REQUEST.limit),
    minPopularity: z.number().int().min(0).max(100).default(DEFAULT_REQUEST.minPopularity),
    mode: z.enum(["dominant", "mix"]).default(DEFAULT_REQUEST.mode),
    maxPerArtist: z.number().int().min(1).max(100).default(DEFAULT_REQUEST.maxPerArtist),
    allowExplicit: z.boolean().default(DEFAULT_REQUEST.allowExplicit),
    excludeIds: z
      .array(z.string().regex(SPOTIFY_ID, "must be a 22-character base62 Spotify track id"))
      .max(MAX_TRACK_IDS, `must hold at most ${MAX_TRACK_IDS} track ids`)
      .optional(),
    excludeArtists: z
      .array(z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"))
      .max(MAX_EXCLUDED_ARTISTS, `must hold at most ${MAX_EXCLUDED_ARTISTS} artists`)
      .optional(),
  })
  .strict();

export type RecommendationInput = z.input<typeof recommendationRequestSchema>;

/** "trackIds[3]: must be a 22-character base62 Spotify track id" — names the field. */
export function describeIssues(error: z.ZodError, max = 5): string {
  const described = error.issues
    .slice(0, max)
    .map((issue) => {
      const field = issue.path.reduce<string>(
        (acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
        "",
      );
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join("; ");
  // A thousand bad ids would otherwise make a 60 KB message.
  const more = error.issues.length - max;
  return more > 0 ? `${described}; and ${more} more` : described;
}
