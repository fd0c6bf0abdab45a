import "server-only";
import type { Page, SavedTrack as SdkSavedTrack } from "@spotify/web-api-ts-sdk";
import pLimit from "p-limit";
import pg from "pg";
import { matchKey } from "../catalog/parse";
import { withAdvisoryLock } from "../db/advisory-lock";
import { connectionStringOf, type Db } from "../db/client";
import type { UserSpotify } from "./client";
import type { SyncProgress } from "./sync-progress";

/** GET /me/tracks serves at most 50 items a page. */
const PAGE_SIZE = 50;
/**
 * Pages fetched at once in a full sync. Spotify counts requests over a rolling window, not
 * connections, and a sync needs the same pages either way; more at once shortens the time
 * between 429 windows. The price: when a window opens, the requests already on their way come
 * back 429 too (about 12 per window, against 8 with 8 at once). With 12, a 20,000-song sync with
 * 5 % 429s took 1.16–1.23× its Retry-After floor, 1.21× with 8, and 2.5 s without 429s
 * (docs/benchmarks.md, "Results with 12 pages at once"); 16 gained nothing more. With the cache
 * written as pages arrive (CacheReplacement): 1.15–1.20×, and 2.3 s without 429s.
 */
const PAGE_CONCURRENCY = 12;

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

/** GET /me/tracks refuses offsets above this. */
const MAX_OFFSET = 100_000;

type LibraryPage = Page<SdkSavedTrack>;

/** A song with a catalog id; local files (no id) are only counted. */
function likedSong(item: SdkSavedTrack): LikedSong | null {
  const track = item.track;
  if (!track || track.is_local || !track.id) return null;
  return { trackId: track.id, name: track.name, primaryArtist: track.artists[0]?.name ?? "", addedAt: new Date(item.added_at) };
}

/**
 * Brings the user's cached liked songs up to date, one sync per user at a time
 * across every app process on the database: a caller that finds another sync of
 * the same user running waits for it, then uses what it stored when it stored a
 * newer copy (two tabs, or a page view in each of two processes). A caller that
 * joins a sync already running in this process gets no progress reports.
 */
export function syncLibrary(
  db: Db,
  spotify: UserSpotify,
  userId: string,
  onProgress?: (progress: SyncProgress) => void,
): Promise<SyncResult> {
  // Callers in this process share the running sync: one lock (and one connection) per user here.
  let sync = runningSyncs.get(userId);
  if (!sync) {
    sync = syncLibraryOnce(db, spotify, userId, onProgress).finally(() => runningSyncs.delete(userId));
    runningSyncs.set(userId, sync);
  }
  return sync;
}

const runningSyncs = new Map<string, Promise<SyncResult>>();

async function syncLibraryOnce(...args: Parameters<typeof syncLibraryNow>): Promise<SyncResult> {
  const [db, , userId] = args;
  const syncedAt = async () =>
    (await db.spotifyUser.findUnique({ where: { id: userId }, select: { librarySyncedAt: true } }))?.librarySyncedAt?.getTime() ?? null;
  // Compared with what it is after the wait, not with this machine's clock: another process's may differ.
  const syncedBefore = await syncedAt();
  return withAdvisoryLock(db, `library-sync:${userId}`, async (waited) => {
    if (waited) {
      const user = await db.spotifyUser.findUnique({ where: { id: userId }, select: { libraryTotal: true, skippedLocal: true, librarySyncedAt: true } });
      // The sync we waited for finished (a failed one stored nothing): its result is ours.
      if (user?.librarySyncedAt && user.librarySyncedAt.getTime() !== syncedBefore) {
        const stored = await db.savedTrack.count({ where: { userId } });
        return { total: user.libraryTotal, stored, added: 0, skippedLocal: user.skippedLocal, pagesFetched: 0, full: false };
      }
    }
    return syncLibraryNow(...args);
  });
}

/**
 * Brings the user's cached liked songs up to date. A return visit reads pages
 * newest first only until it meets a cached song; when the counts then
 * disagree with Spotify's `total` (songs were un-liked), or on the first
 * visit, it fetches every page, several at once, and tells `onProgress` how
 * many songs it has read after each page.
 */
async function syncLibraryNow(
  db: Db,
  spotify: UserSpotify,
  userId: string,
  onProgress?: (progress: SyncProgress) => void,
): Promise<SyncResult> {
  const page = (offset: number) => spotify.call((sdk) => sdk.currentUser.tracks.savedTracks(PAGE_SIZE, offset));
  const first = await page(0);
  const total = first.total;
  const user = await db.spotifyUser.findUnique({
    where: { id: userId },
    select: { libraryTotal: true, skippedLocal: true, librarySyncedAt: true },
  });
  // When are these songs in the cache liked? A return visit asks only about the songs on the pages it reads.
  const cachedAddedAt = async (trackIds: string[]) =>
    new Map(
      (await db.savedTrack.findMany({ where: { userId, trackId: { in: trackIds } }, select: { trackId: true, addedAt: true } }))
        .map((s) => [s.trackId, s.addedAt.getTime()]),
    );

  // A return visit to a library that had songs: read only what was added since.
  if (user?.librarySyncedAt && user.libraryTotal > user.skippedLocal) {
    const last = { libraryTotal: user.libraryTotal, librarySyncedAt: user.librarySyncedAt };
    const additions = await readAdditions(first, page, cachedAddedAt, last, total);
    if (additions) {
      const skippedLocal = user.skippedLocal + additions.locals;
      // Nothing new (the usual visit): nothing to write.
      if (additions.songs.length > 0 || additions.locals > 0) {
        await storeAdditions(db, userId, additions.songs, { total, skippedLocal });
      }
      return {
        total,
        stored: await db.savedTrack.count({ where: { userId } }),
        added: additions.songs.length,
        skippedLocal,
        pagesFetched: additions.pagesFetched,
        full: false,
      };
    }
  }

  // Full sync: every page, PAGE_CONCURRENCY at a time, each page's songs into the new cache as it arrives.
  const replacement = await CacheReplacement.start(db, userId);
  try {
    const limit = pLimit(PAGE_CONCURRENCY);
    const offsets = [];
    for (let offset = PAGE_SIZE; offset < total && offset <= MAX_OFFSET; offset += PAGE_SIZE) offsets.push(offset);
    replacement.add(first.items, 0);
    let read = first.items.length;
    onProgress?.({ read, total });
    const readPage = async (offset: number) => {
      replacement.throwIfFailed(); // a write failed (the connection was lost…): ask Spotify for nothing more
      const { items } = await page(offset);
      replacement.add(items, offset);
      replacement.throwIfFailed();
      read += items.length;
      onProgress?.({ read, total });
    };
    try {
      await Promise.all(offsets.map((offset) => limit(() => readPage(offset))));
    } catch (error) {
      limit.clearQueue(); // one page failed: do not keep fetching the rest in the background
      throw error;
    }
    return { ...(await replacement.commit(total)), total, pagesFetched: offsets.length + 1, full: true };
  } catch (error) {
    await replacement.abort();
    throw error;
  }
}

/**
 * A full sync's new cache of one user's liked songs, replacing the old one in one transaction on a
 * connection of its own: the old songs are deleted at the start, each page's songs are inserted as
 * the page arrives (the database works while Spotify is waited for, much of it during Retry-After
 * holds, rather than for ~0.5 s after the last page of 20,000 songs), and the commit comes once every
 * page is in. Until then every reader sees the old cache; a sync that fails changes nothing.
 */
class CacheReplacement {
  /** The inserts, one after another on the connection; the first failure, kept for commit(). */
  private writes: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;
  /** Each stored song's place in the library (page offset + index): a repeat keeps the earliest. */
  private readonly places = new Map<string, number>();
  private skippedLocal = 0;
  /** Committing or rolled back: pages still arriving (after a failed one) are ignored. */
  private ended = false;
  /** The connection is ended. */
  private closed = false;

  private constructor(
    private readonly client: pg.Client,
    private readonly userId: string,
    /** The songs the old cache held, to count the additions. */
    private readonly cached: ReadonlySet<string>,
  ) {}

  static async start(db: Db, userId: string): Promise<CacheReplacement> {
    // Fail fast, as createDb's pool does, rather than wait forever on a server that is down.
    const client = new pg.Client({
      connectionString: connectionStringOf(db),
      connectionTimeoutMillis: 5_000,
      // It sits idle between pages, for minutes in a long sync: keepalives notice a connection that
      // silently died, and no statement waits forever on one.
      keepAlive: true,
      query_timeout: 60_000,
    });
    // Lost while idle (waiting out a hold): the next query fails and the sync with it. Unheard, the
    // error event would end the process.
    client.on("error", () => {});
    await client.connect();
    try {
      await client.query("BEGIN");
      // The whole cache by user (not an IN list: a library may hold 100,000 songs).
      const { rows } = await client.query<{ track_id: string }>("DELETE FROM saved_track WHERE user_id = $1 RETURNING track_id", [userId]);
      return new CacheReplacement(client, userId, new Set(rows.map((row) => row.track_id)));
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
  }

  /** Queues the songs of the page at `offset` (pages may come in any order). */
  add(items: readonly SdkSavedTrack[], offset: number): void {
    if (this.ended) return;
    const songs: LikedSong[] = [];
    items.forEach((item, index) => {
      const song = likedSong(item);
      if (!song) {
        this.skippedLocal++;
        return;
      }
      // A song listed twice (the library changed between two pages' requests) is stored as the
      // earlier place lists it, as if the pages had come in order.
      const place = offset + index;
      const earlier = this.places.get(song.trackId);
      if (earlier !== undefined && earlier < place) return;
      this.places.set(song.trackId, place);
      songs.push(song);
    });
    if (songs.length === 0) return;
    this.writes = this.writes
      .then(async () => {
        if (this.failure || this.ended) return;
        await this.client.query(
          `INSERT INTO saved_track (user_id, track_id, name, primary_artist, added_at)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[])
           ON CONFLICT (user_id, track_id) DO UPDATE
             SET name = EXCLUDED.name, primary_artist = EXCLUDED.primary_artist, added_at = EXCLUDED.added_at`,
          [this.userId, songs.map((s) => s.trackId), songs.map((s) => s.name), songs.map((s) => s.primaryArtist), songs.map((s) => s.addedAt)],
        );
      })
      .catch((error: unknown) => {
        this.failure ??= { error };
      });
  }

  /** Throws the error a write failed with, if one has: the sync cannot succeed any more. */
  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Waits for the inserts, records the sync on the user and commits; ends the connection. */
  async commit(total: number): Promise<{ stored: number; added: number; skippedLocal: number }> {
    try {
      await this.writes;
      if (this.failure) throw this.failure.error;
      this.ended = true;
      const updated = await this.client.query(
        "UPDATE spotify_user SET library_total = $2, skipped_local = $3, library_synced_at = $4 WHERE id = $1",
        [this.userId, total, this.skippedLocal, new Date()],
      );
      if (updated.rowCount !== 1) throw new Error(`no Spotify user ${this.userId} to record the sync on`);
      await this.client.query("COMMIT");
    } catch (error) {
      await this.abort();
      throw error;
    }
    this.closed = true;
    await this.client.end().catch(() => {});
    let added = 0;
    for (const trackId of this.places.keys()) if (!this.cached.has(trackId)) added++;
    return { stored: this.places.size, added, skippedLocal: this.skippedLocal };
  }

  /** Rolls back (nothing changes) and ends the connection, unless already ended; never throws. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ended = true;
    await this.writes;
    // A failed ROLLBACK (the connection is gone) rolls back on the server anyway.
    await this.client.query("ROLLBACK").catch(() => {});
    await this.client.end().catch(() => {});
  }
}

/**
 * The songs liked since the last sync, or null when a full sync is needed.
 * They sit on top of the list, newest first, down to the first cached song
 * with its cached `added_at`. Local files have no id to recognise them by:
 * the new ones are those added after the last sync. If nothing was un-liked,
 * `total` grew by exactly the number of additions; anything else (un-liked or
 * re-liked songs, a clock far off) answers null.
 */
async function readAdditions(
  first: LibraryPage,
  page: (offset: number) => Promise<LibraryPage>,
  cachedAddedAt: (trackIds: string[]) => Promise<Map<string, number>>,
  last: { libraryTotal: number; librarySyncedAt: Date },
  total: number,
): Promise<{ songs: LikedSong[]; locals: number; pagesFetched: number } | null> {
  const expected = total - last.libraryTotal;
  const songs: LikedSong[] = [];
  let locals = 0;
  let pagesFetched = 1;
  for (let current = first; ; ) {
    const cached = await cachedAddedAt(current.items.flatMap((item) => (item.track?.id ? [item.track.id] : [])));
    for (const item of current.items) {
      const song = likedSong(item);
      if (song) {
        const cachedAddedAt = cached.get(song.trackId);
        if (cachedAddedAt === song.addedAt.getTime()) {
          return songs.length + locals === expected ? { songs, locals, pagesFetched } : null;
        }
        if (cachedAddedAt !== undefined) return null; // un-liked and liked again
        songs.push(song);
      } else if (Date.parse(item.added_at) > last.librarySyncedAt.getTime()) {
        locals++;
      }
      if (songs.length + locals > expected) return null;
    }
    const next = current.offset + PAGE_SIZE;
    if (current.items.length < PAGE_SIZE || next >= current.total || next > MAX_OFFSET) return null; // no cached song left
    current = await page(next);
    pagesFetched++;
  }
}

/** A return visit's additions, with the sync recorded on the user, in one transaction. */
async function storeAdditions(
  db: Db,
  userId: string,
  songs: LikedSong[],
  options: { total: number; skippedLocal: number },
): Promise<void> {
  await db.$transaction(
    async (tx) => {
      // One statement with array parameters: 20,000 songs in ~0.4 s (createMany takes ~3 s).
      if (songs.length > 0) {
        await tx.$executeRaw`
          INSERT INTO saved_track (user_id, track_id, name, primary_artist, added_at)
          SELECT ${userId}, * FROM unnest(
            ${songs.map((s) => s.trackId)}::text[],
            ${songs.map((s) => s.name)}::text[],
            ${songs.map((s) => s.primaryArtist)}::text[],
            ${songs.map((s) => s.addedAt)}::timestamptz[])
          ON CONFLICT DO NOTHING`;
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
