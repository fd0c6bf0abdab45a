/**
 * Liked-songs libraries of the fake users: loading the JSON library files,
 * normalising them (newest first) and generating synthetic tracks for big-library tests.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { deterministicSpotifyId, hashString, SPOTIFY_ID_PATTERN } from "./random";

/** What the fake knows about a track; rendered into a Spotify TrackObject on the way out. */
export interface LibraryTrack {
  /** Spotify track id, or null for a local file (local files have no catalog id). */
  id: string | null;
  name: string;
  artists: string[];
  durationMs: number;
  isLocal: boolean;
  albumName?: string;
  explicit?: boolean;
  isrc?: string;
}

export interface SavedLibraryTrack {
  /** ISO 8601 UTC, second precision, like Spotify: "2026-01-15T14:30:00Z". */
  addedAt: string;
  track: LibraryTrack;
}

/** Shape of `prisma/sample/demo-user.json` and the fixtures in ./fixtures. */
const savedTrackInputSchema = z
  .object({
    id: z.string().nullable(),
    name: z.string().min(1),
    artists: z.array(z.string().min(1)).min(1),
    durationMs: z.number().int().nonnegative(),
    addedAt: z.string().refine((value) => !Number.isNaN(Date.parse(value)), "addedAt must be an ISO date-time"),
    isLocal: z.boolean().optional(),
    album: z.string().optional(),
    explicit: z.boolean().optional(),
    isrc: z.string().optional(),
  })
  .refine((t) => (t.id === null) === (t.isLocal ?? t.id === null), {
    message: "a track has id null exactly when it is a local file (isLocal: true)",
  })
  .refine((t) => t.id === null || SPOTIFY_ID_PATTERN.test(t.id), {
    message: "track id must be 22 base62 characters",
  });

export const libraryFileSchema = z.object({
  userId: z.string().min(1),
  displayName: z.string().min(1),
  savedTracks: z.array(savedTrackInputSchema),
});

export type LibraryFile = z.infer<typeof libraryFileSchema>;
export type SavedTrackInput = z.input<typeof savedTrackInputSchema>;

export function readLibraryFile(filePath: string): LibraryFile {
  const raw: unknown = JSON.parse(readFileSync(filePath, "utf8"));
  const parsed = libraryFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Invalid library file ${filePath}: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** Spotify returns timestamps without milliseconds. */
export function toSpotifyTimestamp(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function toSavedLibraryTrack(input: SavedTrackInput): SavedLibraryTrack {
  const parsed = savedTrackInputSchema.parse(input);
  return {
    addedAt: toSpotifyTimestamp(Date.parse(parsed.addedAt)),
    track: {
      id: parsed.id,
      name: parsed.name,
      artists: parsed.artists,
      durationMs: parsed.durationMs,
      isLocal: parsed.isLocal ?? parsed.id === null,
      albumName: parsed.album,
      explicit: parsed.explicit,
      isrc: parsed.isrc,
    },
  };
}

/** Liked songs are listed newest first; ties keep their input order. */
export function sortNewestFirst(tracks: SavedLibraryTrack[]): SavedLibraryTrack[] {
  return tracks
    .map((saved, index) => ({ saved, index }))
    .sort((a, b) => Date.parse(b.saved.addedAt) - Date.parse(a.saved.addedAt) || a.index - b.index)
    .map(({ saved }) => saved);
}

/** A synthetic track whose id and metadata depend only on (userId, index). */
export function syntheticTrack(userId: string, index: number): LibraryTrack {
  const key = `${userId}:synthetic:${index}`;
  const hash = hashString(key);
  return {
    id: deterministicSpotifyId(key),
    name: `Synthetic Song ${index + 1}`,
    artists: [`Synthetic Artist ${(hash % 97) + 1}`],
    durationMs: 120_000 + (hash % 180_000),
    isLocal: false,
    albumName: `Synthetic Album ${(hash % 500) + 1}`,
    explicit: hash % 7 === 0,
  };
}

/**
 * Pads (or trims) a newest-first library to exactly `size` saved tracks. Padding goes
 * back in time from the oldest real track, so the real tracks stay on top.
 */
export function resizeLibrary(userId: string, newestFirst: SavedLibraryTrack[], size: number): SavedLibraryTrack[] {
  if (size <= newestFirst.length) return newestFirst.slice(0, size);
  const oldest = newestFirst.at(-1);
  const startMs = oldest ? Date.parse(oldest.addedAt) : Date.parse("2026-01-01T00:00:00Z");
  const padded = [...newestFirst];
  for (let i = 0; padded.length < size; i++) {
    padded.push({
      // 37 minutes apart: distinct timestamps keep the order unambiguous.
      addedAt: toSpotifyTimestamp(startMs - (i + 1) * 37 * 60_000),
      track: syntheticTrack(userId, i),
    });
  }
  return padded;
}
