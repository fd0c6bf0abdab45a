import { z } from "zod";
import type { Db } from "../db/client";
import { MAX_EXCLUDED_ARTISTS, MAX_TRACK_IDS, SPOTIFY_ID } from "./request";

/**
 * "Not for me": songs and artists a user hid from their recommendations, stored per user
 * (user_exclusions) and passed to the recommendation service as excludeIds / excludeArtists.
 */

/** One hidden song (value: its Spotify id) or artist (value: the name as the catalog spells it). */
export const exclusionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("track"), value: z.string().regex(SPOTIFY_ID) }),
  z.object({ kind: z.literal("artist"), value: z.string().trim().min(1).max(200) }),
]);
export type Exclusion = z.infer<typeof exclusionSchema>;

/** What the page lists under "Hidden", newest first; a song is named as the catalog names it. */
export interface HiddenItem {
  kind: Exclusion["kind"];
  value: string;
  /** "“Title” by Artist" for a song (its id when the catalog no longer has it), the name for an artist. */
  label: string;
}

/**
 * At most this many of each kind are kept per user, the newest: the same limits as the API's
 * excludeIds / excludeArtists, so every page view's request stays bounded.
 */
export const EXCLUSION_LIMITS: Record<Exclusion["kind"], number> = { track: MAX_TRACK_IDS, artist: MAX_EXCLUDED_ARTISTS };

/** Hides a song or an artist for this user; hiding it twice is a no-op. Past the limit the oldest of its kind is let go. */
export async function addExclusion(db: Db, userId: string, exclusion: Exclusion, limits = EXCLUSION_LIMITS): Promise<void> {
  await db.userExclusion.upsert({
    where: { userId_kind_value: { userId, ...exclusion } },
    create: { userId, ...exclusion },
    update: {},
  });
  const overflow = await db.userExclusion.findMany({
    where: { userId, kind: exclusion.kind },
    orderBy: [{ createdAt: "desc" }, { value: "asc" }],
    skip: limits[exclusion.kind],
    select: { value: true },
  });
  if (overflow.length > 0) {
    await db.userExclusion.deleteMany({ where: { userId, kind: exclusion.kind, value: { in: overflow.map((row) => row.value) } } });
  }
}

/** Undoes a hide; undoing what is not hidden is a no-op. */
export async function removeExclusion(db: Db, userId: string, exclusion: Exclusion): Promise<void> {
  await db.userExclusion.deleteMany({ where: { userId, ...exclusion } });
}

/** This user's exclusions, newest first. */
export async function exclusionsFor(db: Db, userId: string): Promise<Exclusion[]> {
  const rows = await db.userExclusion.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { value: "asc" }],
    select: { kind: true, value: true },
  });
  return rows.flatMap((row) => {
    const parsed = exclusionSchema.safeParse(row);
    return parsed.success ? [parsed.data] : [];
  });
}

/** The recommendation request's fields for these exclusions. */
export function excludedForRequest(exclusions: readonly Exclusion[]): { excludeIds: string[]; excludeArtists: string[] } {
  return {
    excludeIds: exclusions.filter((e) => e.kind === "track").map((e) => e.value),
    excludeArtists: exclusions.filter((e) => e.kind === "artist").map((e) => e.value),
  };
}

/**
 * As excludedForRequest, with every version of a hidden song (same title and artist under another
 * id: remasters, re-releases): the service keeps one version of a song, so hiding one would
 * otherwise bring the next version in its place.
 */
export async function excludedWithVersions(db: Db, exclusions: readonly Exclusion[]): Promise<{ excludeIds: string[]; excludeArtists: string[] }> {
  const excluded = excludedForRequest(exclusions);
  if (excluded.excludeIds.length === 0) return excluded;
  const hidden = await db.track.findMany({ where: { id: { in: excluded.excludeIds } }, select: { matchKey: true } });
  const versions = hidden.length
    ? await db.track.findMany({ where: { matchKey: { in: [...new Set(hidden.map((t) => t.matchKey))] } }, select: { id: true } })
    : [];
  return { ...excluded, excludeIds: [...new Set([...excluded.excludeIds, ...versions.map((t) => t.id)])] };
}

/** The exclusions as the page lists them: songs named from the catalog. */
export async function hiddenItems(db: Db, exclusions: readonly Exclusion[]): Promise<HiddenItem[]> {
  const trackIds = exclusions.filter((e) => e.kind === "track").map((e) => e.value);
  const tracks = trackIds.length
    ? await db.track.findMany({ where: { id: { in: trackIds } }, select: { id: true, name: true, primaryArtist: true } })
    : [];
  const byId = new Map(tracks.map((t) => [t.id, t]));
  return exclusions.map((e) => ({ ...e, label: hiddenLabel(e, byId.get(e.value)) }));
}

/** How a hidden song or artist is named in the list. */
export function hiddenLabel(exclusion: Exclusion, track?: { name: string; primaryArtist: string }): string {
  if (exclusion.kind === "artist") return `all songs by ${exclusion.value}`;
  return track ? `“${track.name}” by ${track.primaryArtist}` : `song ${exclusion.value}`;
}
