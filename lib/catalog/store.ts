import type { Db } from "../db/client";
import { quoteIdentifier } from "../db/sql";
import { matchKey } from "./parse";
import type { OptionalColumn } from "./formats";
import type { GenreShare } from "./genres";
import { CLUSTER_FEATURES, type CatalogFormatId, type CatalogTrack } from "./types";

/**
 * The columns of a catalog row the database keeps, plus what merging repeated rows needs (key, mode
 * and playlists are compared or merged, not stored).
 */
export type StoredTrack = Pick<
  CatalogTrack,
  | "id" | "name" | "artists" | "popularity" | "durationMs" | "explicit" | "releaseYear" | "danceability" | "energy"
  | "loudness" | "speechiness" | "acousticness" | "instrumentalness" | "liveness" | "valence" | "tempo"
  | "key" | "mode" | "genres" | "subgenres" | "playlists"
>;

/** Only the stored columns: on the full dataset every dropped field saves tens of MB. */
export function toStoredTrack(t: CatalogTrack): StoredTrack {
  return {
    id: t.id, name: t.name, artists: t.artists, popularity: t.popularity, durationMs: t.durationMs,
    explicit: t.explicit, releaseYear: t.releaseYear, danceability: t.danceability, energy: t.energy,
    loudness: t.loudness, speechiness: t.speechiness, acousticness: t.acousticness,
    instrumentalness: t.instrumentalness, liveness: t.liveness, valence: t.valence, tempo: t.tempo,
    key: t.key, mode: t.mode, genres: t.genres, subgenres: t.subgenres, playlists: t.playlists,
  };
}



/** What a seed writes: the tracks with their cluster, the clusters, and the model. */
export interface CatalogSnapshot {
  tracks: StoredTrack[];
  /** By track: its primary artist's genres when it has none of its own (lib/catalog/genres.ts artistGenres). */
  artistGenres: readonly (readonly string[])[];
  clusterIds: Int32Array;
  clusters: {
    id: number; size: number; label: string; centroid: number[]; topGenres: GenreShare[]; topSubgenres: GenreShare[];
  }[];
  model: {
    format: CatalogFormatId;
    /** Optional facts the catalog has (formats.ts OPTIONAL_COLUMNS). */
    columns: OptionalColumn[];
    features: string[];
    scalerMeans: number[];
    scalerStds: number[];
    k: number;
    seed: number;
    inertia: number;
    datasetChecksum: string;
    rowsRead: number;
    /** Tracks kept (valid rows less merged ones). */
    rowsKept: number;
    rowsMerged: number;
    rowsConflicting: number;
  };
}

const INSERT_BATCH = 5_000;

/**
 * Replaces the whole catalog in one transaction: readers see the old catalog
 * until the commit and the new one after it, never a mix; a seed that dies
 * half-way rolls back and leaves the old catalog as it was.
 *
 * Tracks are loaded into a fresh table without indexes (much faster than
 * maintaining them row by row), its indexes are built in one pass each, and
 * then it takes the place of `track`. Readers are blocked only for that swap.
 * Seeds run one after the other: the last to commit wins.
 */
export async function replaceCatalog(
  db: Db,
  snapshot: CatalogSnapshot,
  onProgress: (written: number) => void = () => {},
): Promise<void> {
  await db.$transaction(
    async (tx) => {
      const t = tx as unknown as Db;
      // One seed at a time. A second one (or one started while a killed seed's
      // transaction is still being rolled back) would otherwise deadlock with it
      // over track_next and track; it waits here instead, holding nothing.
      await t.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('taste-clusters:replace-catalog'))`;
      await t.$executeRaw`SET LOCAL maintenance_work_mem = '256MB'`;
      await t.$executeRaw`DROP TABLE IF EXISTS track_next`;
      await t.$executeRaw`CREATE TABLE track_next (LIKE track INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)`;
      for (let start = 0; start < snapshot.tracks.length; start += INSERT_BATCH) {
        const end = Math.min(start + INSERT_BATCH, snapshot.tracks.length);
        await insertTracks(t, snapshot, start, end);
        onProgress(end);
      }
      await swapInTrackTable(t);
      await t.$executeRaw`DELETE FROM cluster`;
      await t.catalogModel.deleteMany();
      await t.catalogModel.create({ data: { id: 1, ...snapshot.model } });
      await t.cluster.createMany({
        data: snapshot.clusters.map((c) => ({
          ...c, topGenres: c.topGenres.map(({ genre, share }) => ({ genre, share })),
          topSubgenres: c.topSubgenres.map(({ genre, share }) => ({ genre, share })),
        })),
      });
    },
    { timeout: 15 * 60_000, maxWait: 60_000 },
  );
}

/**
 * Gives track_next the primary key and indexes `track` has (read from the
 * catalog, so prisma/schema.prisma stays their only definition), then drops
 * `track` and renames track_next and its indexes into place.
 */
async function swapInTrackTable(db: Db): Promise<void> {
  const primaryKey = await db.$queryRaw<{ name: string; definition: string }[]>`
    SELECT conname AS name, pg_get_constraintdef(oid) AS definition
    FROM pg_constraint WHERE conrelid = 'track'::regclass AND contype = 'p'`;
  const indexes = await db.$queryRaw<{ name: string; definition: string }[]>`
    SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename = 'track'
      AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'track'::regclass)`;
  const temporary = (name: string) => quoteIdentifier(`next_${name}`.slice(0, 63));
  for (const { name, definition } of primaryKey) {
    await db.$executeRawUnsafe(`ALTER TABLE track_next ADD CONSTRAINT ${temporary(name)} ${definition}`);
  }
  for (const { name, definition } of indexes) {
    const onNext = definition
      .replace(/^CREATE (UNIQUE )?INDEX \S+ ON (\S+\.)?track /, (_m, unique = "") => `CREATE ${unique}INDEX ${temporary(name)} ON track_next `);
    if (onNext === definition) throw new Error(`cannot rebuild index ${name}: unexpected definition ${definition}`);
    await db.$executeRawUnsafe(onNext);
  }
  // Planner statistics now, not whenever autovacuum gets to it: without them the
  // estimates for `match_key IN (…)` are so far off that PostgreSQL scans the table.
  await db.$executeRaw`ANALYZE track_next`;
  await db.$executeRaw`DROP TABLE track`;
  await db.$executeRaw`ALTER TABLE track_next RENAME TO track`;
  for (const { name } of [...primaryKey, ...indexes]) {
    await db.$executeRawUnsafe(`ALTER INDEX ${temporary(name)} RENAME TO ${quoteIdentifier(name)}`);
  }
}

/** One multi-row INSERT per batch: arrays per column, expanded by unnest. */
async function insertTracks(db: Db, snapshot: CatalogSnapshot, start: number, end: number): Promise<void> {
  const rows = snapshot.tracks.slice(start, end);
  const column = <T>(pick: (t: StoredTrack) => T) => rows.map(pick);
  const clusterIds = Array.from(snapshot.clusterIds.subarray(start, end));
  const artistGenres = snapshot.artistGenres.slice(start, end);
  // Lists go as JSON text (unnest cannot take an array per row); an empty list as NULL, which gives '{}'.
  const jsonList = (list: readonly string[]) => (list.length === 0 ? null : JSON.stringify(list));
  await db.$executeRaw`
    INSERT INTO track_next (id, name, artists, primary_artist, release_year, popularity, duration_ms, explicit,
      danceability, energy, loudness, speechiness, acousticness, instrumentalness, liveness, valence, tempo,
      match_key, cluster_id, genres, subgenres, artist_genres)
    SELECT id, name, ARRAY(SELECT jsonb_array_elements_text(artists::jsonb)), primary_artist, release_year,
      popularity, duration_ms, explicit, danceability, energy, loudness, speechiness, acousticness,
      instrumentalness, liveness, valence, tempo, match_key, cluster_id,
      ARRAY(SELECT jsonb_array_elements_text(genres::jsonb)), ARRAY(SELECT jsonb_array_elements_text(subgenres::jsonb)),
      ARRAY(SELECT jsonb_array_elements_text(artist_genres::jsonb))
    FROM unnest(
      ${column((t) => t.id)}::text[], ${column((t) => t.name)}::text[],
      ${column((t) => JSON.stringify(t.artists))}::text[], ${column((t) => t.artists[0])}::text[],
      ${column((t) => t.releaseYear)}::int2[], ${column((t) => t.popularity)}::int2[],
      ${column((t) => t.durationMs)}::int4[], ${column((t) => t.explicit)}::bool[],
      ${column((t) => t.danceability)}::real[], ${column((t) => t.energy)}::real[],
      ${column((t) => t.loudness)}::real[], ${column((t) => t.speechiness)}::real[],
      ${column((t) => t.acousticness)}::real[], ${column((t) => t.instrumentalness)}::real[],
      ${column((t) => t.liveness)}::real[], ${column((t) => t.valence)}::real[],
      ${column((t) => t.tempo)}::real[], ${column((t) => matchKey(t.name, t.artists[0]))}::text[], ${clusterIds}::int2[],
      ${column((t) => jsonList(t.genres))}::text[], ${column((t) => jsonList(t.subgenres))}::text[],
      ${artistGenres.map(jsonList)}::text[]
    ) AS t(id, name, artists, primary_artist, release_year, popularity, duration_ms, explicit,
      danceability, energy, loudness, speechiness, acousticness, instrumentalness, liveness, valence, tempo,
      match_key, cluster_id, genres, subgenres, artist_genres)`;
}

/** The current model and clusters, or null when no catalog has been seeded. */
export async function readCatalogInfo(db: Db) {
  const [model, clusters] = await Promise.all([
    db.catalogModel.findUnique({ where: { id: 1 } }),
    db.cluster.findMany({ orderBy: { id: "asc" } }),
  ]);
  return model ? { model, clusters } : null;
}
export type CatalogInfo = NonNullable<Awaited<ReturnType<typeof readCatalogInfo>>>;

/** Columns recommendation logic needs from a track row. */
export const TRACK_SELECT = {
  id: true, name: true, artists: true, primaryArtist: true, releaseYear: true, popularity: true,
  explicit: true, clusterId: true, matchKey: true, genres: true, artistGenres: true,
  // the CLUSTER_FEATURES:
  danceability: true, energy: true, valence: true, acousticness: true, instrumentalness: true,
  speechiness: true, tempo: true,
} as const satisfies Record<string, true> & Record<(typeof CLUSTER_FEATURES)[number], true>;
