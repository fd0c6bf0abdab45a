import os from "node:os";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { connectionStringOf, type Db } from "../db/client";
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, CopyBinaryWriter } from "../db/copy-binary";
import { quoteIdentifier } from "../db/sql";
import type { OptionalColumn } from "./formats";
import type { GenreShare } from "./genres";
import { catalogMatchKeys } from "./parse";
import { AUDIO_FEATURES, type TrackTable } from "./track-table";
import { CLUSTER_FEATURES, type CatalogFormatId } from "./types";

/** What a seed writes: the tracks with their cluster, the clusters, and the model. */
export interface CatalogSnapshot {
  tracks: TrackTable;
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

/** Rows per chunk of COPY data (about 1.5 MB), and per progress report. */
const COPY_BATCH = 5_000;
const COPY_BATCH_BYTES = 2 << 20;

/**
 * Replaces the whole catalog in one transaction: readers see the old catalog
 * until the commit and the new one after it, never a mix; a seed that dies
 * half-way rolls back and leaves the old catalog as it was.
 *
 * Tracks are streamed with COPY … FROM STDIN into a fresh table without indexes
 * (much faster than maintaining them row by row, and than parameterised
 * INSERTs, which Prisma and PostgreSQL both have to take apart value by value),
 * its indexes are built in one pass each, and then it takes the place of
 * `track`. Readers are blocked only for that swap. Seeds run one after the
 * other: the last to commit wins.
 *
 * COPY needs a connection of its own (Prisma has no COPY): a `pg` client on the
 * database `db` was made for, holding the whole transaction.
 */
export async function replaceCatalog(
  db: Db,
  snapshot: CatalogSnapshot,
  onProgress: (written: number) => void = () => {},
): Promise<void> {
  // Fail fast, as createDb's pool does, rather than wait forever on a server that is down.
  const client = new pg.Client({ connectionString: connectionStringOf(db), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query("BEGIN");
    // One seed at a time. A second one (or one started while a killed seed's
    // transaction is still being rolled back) would otherwise deadlock with it
    // over track_next and track; it waits here instead, holding nothing.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('taste-clusters:replace-catalog'))");
    await client.query("SET LOCAL maintenance_work_mem = '256MB'");
    await limitIndexBuildWorkers(client);
    await client.query("DROP TABLE IF EXISTS track_next");
    await client.query("CREATE TABLE track_next (LIKE track INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)");
    await copyTracks(client, snapshot, onProgress);
    await swapInTrackTable(client);
    await client.query("DELETE FROM cluster");
    await client.query("DELETE FROM catalog_model");
    const m = snapshot.model;
    await client.query(
      `INSERT INTO catalog_model (id, features, scaler_means, scaler_stds, k, seed, inertia, dataset_checksum, rows_read,
         rows_kept, rows_merged, rows_conflicting, format, columns)
       VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [m.features, m.scalerMeans, m.scalerStds, m.k, m.seed, m.inertia, m.datasetChecksum, m.rowsRead, m.rowsKept,
        m.rowsMerged, m.rowsConflicting, m.format, m.columns],
    );
    for (const c of snapshot.clusters) {
      const shares = (list: GenreShare[]) => JSON.stringify(list.map(({ genre, share }) => ({ genre, share })));
      await client.query(
        "INSERT INTO cluster (id, size, label, centroid, top_genres, top_subgenres) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)",
        [c.id, c.size, c.label, c.centroid, shares(c.topGenres), shares(c.topSubgenres)],
      );
    }
    await client.query("COMMIT");
  } catch (error) {
    // Nothing was committed; a failed ROLLBACK (the connection is gone) rolls back on the server anyway.
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * PostgreSQL builds each index with a leader and up to max_parallel_maintenance_workers workers (2 by
 * default). On a server on this machine, which the seed leaves idle while it builds them, processes
 * beyond the machine's cores only contend: on 2 cores, one worker built the 586k-track catalog's
 * four indexes in ~2.0 s, two in ~2.3 s. Elsewhere (a server of its own) the server's setting stands.
 */
export function indexBuildWorkers(serverIsLocal: boolean, cores: number, configured: number): number {
  return serverIsLocal ? Math.max(0, Math.min(configured, cores - 1)) : configured;
}

async function limitIndexBuildWorkers(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ local: boolean; workers: number }>(`
    SELECT inet_server_addr() IS NULL OR inet_server_addr() <<= '127.0.0.0/8' OR inet_server_addr() = '::1' AS local,
      current_setting('max_parallel_maintenance_workers')::int AS workers`);
  const workers = indexBuildWorkers(rows[0].local, os.availableParallelism(), rows[0].workers);
  if (workers !== rows[0].workers) await client.query(`SET LOCAL max_parallel_maintenance_workers = ${workers}`);
}

/** The columns COPY fills, in the order writeTrackRow writes them. */
const TRACK_COPY_COLUMNS = [
  "id", "name", "artists", "primary_artist", "release_year", "popularity", "duration_ms", "explicit",
  ...AUDIO_FEATURES, // their column names are the same words
  "match_key", "cluster_id", "genres", "subgenres", "artist_genres",
];

/**
 * Track i as one row of binary COPY, each value in its column's type (prisma/schema.prisma): char(22)
 * and text as UTF-8, smallint, integer, boolean, the audio features as real, text[].
 */
function writeTrackRow(
  out: CopyBinaryWriter, snapshot: CatalogSnapshot, features: readonly Float64Array[], matchKey: (title: string, artist: string) => string,
  i: number,
): void {
  const t = snapshot.tracks;
  const artists = t.artists[i];
  out.row(TRACK_COPY_COLUMNS.length);
  out.utf8Text(t.ids.utf8, t.ids.startOf(i), t.ids.endOf(i));
  out.utf8Text(t.names.utf8, t.names.startOf(i), t.names.endOf(i));
  out.textArray(artists);
  out.text(artists[0]);
  const year = t.releaseYearAt(i);
  if (year === null) out.null();
  else out.int2(year);
  out.int2(t.popularity[i]);
  out.int4(t.durationMs[i]);
  const explicit = t.explicitAt(i);
  if (explicit === null) out.null();
  else out.bool(explicit);
  for (const column of features) out.float4(column[i]);
  out.text(matchKey(t.nameAt(i), artists[0]));
  out.int2(snapshot.clusterIds[i]);
  out.textArray(t.genres[i]);
  out.textArray(t.subgenres[i]);
  out.textArray(snapshot.artistGenres[i]);
}

/**
 * Streams every track into track_next with binary COPY, COPY_BATCH rows per chunk, reporting
 * progress after each. An error (from onProgress too) aborts the COPY (CopyFail) and is rethrown.
 */
async function copyTracks(client: pg.Client, snapshot: CatalogSnapshot, onProgress: (written: number) => void) {
  const total = snapshot.tracks.length;
  async function* chunks() {
    yield COPY_BINARY_HEADER;
    const out = new CopyBinaryWriter(COPY_BATCH_BYTES);
    // The feature columns in AUDIO_FEATURES order, looked up once rather than by name for every row.
    const features = AUDIO_FEATURES.map((f) => snapshot.tracks.features[f]);
    const matchKey = catalogMatchKeys();
    for (let start = 0; start < total; start += COPY_BATCH) {
      const end = Math.min(start + COPY_BATCH, total);
      for (let i = start; i < end; i++) writeTrackRow(out, snapshot, features, matchKey, i);
      yield out.take();
      onProgress(end);
    }
    yield COPY_BINARY_TRAILER;
  }
  const copy = client.query(
    copyFrom(`COPY track_next (${TRACK_COPY_COLUMNS.join(", ")}) FROM STDIN WITH (FORMAT binary, FREEZE)`),
  );
  // FREEZE: the table was created in this transaction, so its rows can be written already frozen
  // (no later pass of VACUUM or hint-bit writes over them).
  await pipeline(Readable.from(chunks(), { objectMode: false, highWaterMark: 1 }), copy);
}

/**
 * The columns the app's queries filter, join or sort tracks by (lib/recommend): the seed gathers
 * planner statistics for these only, in under half the time of all 25 columns (the text[] columns
 * are the slowest); the others are only ever returned. An ANALYZE of some columns leaves the table's
 * count of changed rows as it was, so autovacuum (when on) still analyzes every column soon after.
 */
const ANALYZED_COLUMNS = ["id", "match_key", "cluster_id", "popularity", "primary_artist"];
/**
 * The seed's ANALYZE samples 300 × this many rows (9,000) rather than the default 30,000: on the
 * 586k-track catalog it reads a third of the pages (~0.2 s → ~0.1 s), and the planner's choices for
 * the app's queries (index scans for ids, match keys and a cluster's artists) are the same. These are
 * stop-gap statistics: autovacuum's own ANALYZE, at the server's target, replaces them soon after.
 */
const SEED_STATISTICS_TARGET = 30;

/**
 * Gives track_next the primary key and indexes `track` has (read from the
 * catalog, so prisma/schema.prisma stays their only definition), then drops
 * `track` and renames track_next and its indexes into place.
 */
async function swapInTrackTable(client: pg.Client): Promise<void> {
  const { rows: primaryKey } = await client.query<{ name: string; definition: string }>(`
    SELECT conname AS name, pg_get_constraintdef(oid) AS definition
    FROM pg_constraint WHERE conrelid = 'track'::regclass AND contype = 'p'`);
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(`
    SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename = 'track'
      AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'track'::regclass)`);
  const temporary = (name: string) => quoteIdentifier(`next_${name}`.slice(0, 63));
  for (const { name, definition } of primaryKey) {
    await client.query(`ALTER TABLE track_next ADD CONSTRAINT ${temporary(name)} ${definition}`);
  }
  for (const { name, definition } of indexes) {
    const onNext = definition
      .replace(/^CREATE (UNIQUE )?INDEX \S+ ON (\S+\.)?track /, (_m, unique = "") => `CREATE ${unique}INDEX ${temporary(name)} ON track_next `);
    if (onNext === definition) throw new Error(`cannot rebuild index ${name}: unexpected definition ${definition}`);
    await client.query(onNext);
  }
  // Planner statistics now, not whenever autovacuum gets to it: without them the
  // estimates for `match_key IN (…)` are so far off that PostgreSQL scans the table.
  await client.query(`SET LOCAL default_statistics_target = ${SEED_STATISTICS_TARGET}`);
  await client.query(`ANALYZE track_next (${ANALYZED_COLUMNS.join(", ")})`);
  await client.query("DROP TABLE track");
  await client.query("ALTER TABLE track_next RENAME TO track");
  for (const { name } of [...primaryKey, ...indexes]) {
    await client.query(`ALTER INDEX ${temporary(name)} RENAME TO ${quoteIdentifier(name)}`);
  }
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
