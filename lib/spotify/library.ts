import "server-only";
import type { SavedTrack as SdkSavedTrack } from "@spotify/web-api-ts-sdk";
import pLimit from "p-limit";
import { matchKey } from "../catalog/parse";
import type { Db } from "../db/client";
import type { UserSpotify } from "./client";

/** GET /me/tracks serves at most 50 items a page. */
const PAGE_SIZE = 50;
/** Pages fetched at once in a full sync: fast, yet gentle on the rate limit. */
const PAGE_CONCURRENCY = 8;

export interface SyncResult {
  total: number;
  stored: number;
  added: number;
  skippedLocal: number;
  pagesFetched: number;
  /** True when the whole library was fetched (first visit, or songs were removed). */
  full: boolean;
}

interface LikedSong {
  trackId: string;
  name: string;
  primaryArtist: string;
  addedAt: Date;
}

/** Splits a page into songs with a catalog id and local files / id-less items. */
function songsOf(items: SdkSavedTrack[]): { songs: LikedSong[]; skipped: number } {
  const songs: LikedSong[] = [];
  let skipped = 0;
  for (const item of items) {
    const track = item.track;
    if (!track || track.is_local || !track.id) {
      skipped++;
      continue;
    }
    songs.push({ trackId: track.id, name: track.name, primaryArtist: track.artists[0]?.name ?? "", addedAt: new Date(item.added_at) });
  }
  return { songs, skipped };
}

/**
 * Brings the user's cached liked songs up to date. A return visit reads pages
 * newest first only until it meets a song already cached; when the counts then
 * disagree with Spotify's `total` (songs were un-liked), or on the first
 * visit, it fetches every page, several at once.
 */
export async function syncLibrary(db: Db, spotify: UserSpotify, userId: string): Promise<SyncResult> {
  const page = (offset: number) => spotify.call((sdk) => sdk.currentUser.tracks.savedTracks(PAGE_SIZE, offset));
  const first = await page(0);
  const total = first.total;
  const user = await db.spotifyUser.findUnique({ where: { id: userId }, select: { skippedLocal: true, librarySyncedAt: true } });
  const cached = new Map(
    (await db.savedTrack.findMany({ where: { userId }, select: { trackId: true, addedAt: true } })).map((s) => [s.trackId, s.addedAt.getTime()]),
  );

  if (user?.librarySyncedAt && cached.size > 0) {
    const fresh: LikedSong[] = [];
    let skipped = 0;
    let pagesFetched = 1;
    let current = first;
    let boundary = false;
    for (;;) {
      const { songs, skipped: pageSkipped } = songsOf(current.items);
      for (const song of songs) {
        if (cached.get(song.trackId) === song.addedAt.getTime()) {
          boundary = true;
          break;
        }
        fresh.push(song);
      }
      skipped += pageSkipped;
      if (boundary || current.items.length < PAGE_SIZE || current.offset + PAGE_SIZE >= total) break;
      current = await page(current.offset + PAGE_SIZE);
      pagesFetched++;
    }
    const newSongs = fresh.filter((s) => !cached.has(s.trackId));
    const skippedLocal = user.skippedLocal + skipped;
    if (cached.size + newSongs.length + skippedLocal === total) {
      await storeSongs(db, userId, newSongs, { replace: false, total, skippedLocal });
      return { total, stored: cached.size + newSongs.length, added: newSongs.length, skippedLocal, pagesFetched, full: false };
    }
  }

  // Full sync: every page, PAGE_CONCURRENCY at a time, in order.
  const limit = pLimit(PAGE_CONCURRENCY);
  const offsets = [];
  for (let offset = PAGE_SIZE; offset < total; offset += PAGE_SIZE) offsets.push(offset);
  const pages = [first, ...(await Promise.all(offsets.map((offset) => limit(() => page(offset)))))];
  const songs: LikedSong[] = [];
  let skippedLocal = 0;
  const seen = new Set<string>();
  for (const p of pages) {
    const { songs: pageSongs, skipped } = songsOf(p.items);
    skippedLocal += skipped;
    for (const song of pageSongs) {
      if (seen.has(song.trackId)) continue;
      seen.add(song.trackId);
      songs.push(song);
    }
  }
  await storeSongs(db, userId, songs, { replace: true, total, skippedLocal });
  const added = songs.filter((s) => !cached.has(s.trackId)).length;
  return { total, stored: songs.length, added, skippedLocal, pagesFetched: pages.length, full: true };
}

async function storeSongs(
  db: Db,
  userId: string,
  songs: LikedSong[],
  options: { replace: boolean; total: number; skippedLocal: number },
): Promise<void> {
  await db.$transaction(
    async (tx) => {
      if (options.replace) await tx.savedTrack.deleteMany({ where: { userId } });
      for (let start = 0; start < songs.length; start += 5_000) {
        await tx.savedTrack.createMany({
          data: songs.slice(start, start + 5_000).map((s) => ({ userId, ...s })),
          skipDuplicates: true,
        });
      }
      await tx.spotifyUser.update({
        where: { id: userId },
        data: { libraryTotal: options.total, skippedLocal: options.skippedLocal, librarySyncedAt: new Date() },
      });
    },
    { timeout: 60_000 },
  );
}

/** The cached liked songs, newest first, as the recommendation request wants them. */
export async function likedSongsFor(db: Db, userId: string) {
  const songs = await db.savedTrack.findMany({
    where: { userId },
    orderBy: [{ addedAt: "desc" }, { trackId: "asc" }],
    select: { trackId: true, name: true, primaryArtist: true },
  });
  return {
    trackIds: songs.map((s) => s.trackId),
    byName: songs.map((s) => ({ id: s.trackId, matchKey: matchKey(s.name, s.primaryArtist) })),
  };
}
