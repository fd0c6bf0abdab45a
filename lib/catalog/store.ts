import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { connectionStringOf, type Db } from "../db/client";
import { copyBoolean, copyNumber, copyText, copyTextArray } from "../db/copy-text";
import { quoteIdentifier } from "../db/sql";
import type { OptionalColumn } from "./formats";
import type { GenreShare } from "./genres";
import { matchKey } from "./parse";
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

/** Rows per chunk of COPY text (about 1 MB), and per progress report. */
const COPY_BATCH = 5_000;
const COPY_BATCH_BYTES = 2 << 20;
/** Lines encoded into the batch's Buffer at once: a few KB of text, short-lived, and few calls into Buffer.write. */
const LINES_PER_WRITE = 32;

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

/** The columns COPY fills, in the order trackCopyLine writes them. */
const TRACK_COPY_COLUMNS = [
  "id", "name", "artists", "primary_artist", "release_year", "popularity", "duration_ms", "explicit",
  ...AUDIO_FEATURES, // their column names are the same words
  "match_key", "cluster_id", "genres", "subgenres", "artist_genres",
];

/** Track i as one line of COPY text. */
function trackCopyLine(snapshot: CatalogSnapshot, i: number): string {
  const t = snapshot.tracks;
  const artists = t.artists[i];
  let line =
    `${t.id[i]}\t${copyText(t.name[i])}\t${copyTextArray(artists)}\t${copyText(artists[0])}\t` +
    `${copyNumber(t.releaseYearAt(i))}\t${t.popularity[i]}\t${t.durationMs[i]}\t${copyBoolean(t.explicitAt(i))}`;
  for (const f of AUDIO_FEATURES) line += `\t${t.features[f][i]}`;
  line +=
    `\t${copyText(matchKey(t.name[i], artists[0]))}\t${snapshot.clusterIds[i]}\t${copyTextArray(t.genres[i])}` +
    `\t${copyTextArray(t.subgenres[i])}\t${copyTextArray(snapshot.artistGenres[i])}\n`;
  return line;
}

/**
 * Streams every track into track_next with COPY, COPY_BATCH rows at a time, reporting progress after
 * each. An error (from onProgress too) aborts the COPY (CopyFail) and is rethrown. Each batch is
 * written into a Buffer a few lines at a time: they die young, where one string of the batch's text
 * would outlive the wait for the socket and pile up in the old generation until a full collection
 * (~300 MB on the 586k-track file).
 */
async function copyTracks(client: pg.Client, snapshot: CatalogSnapshot, onProgress: (written: number) => void) {
  const total = snapshot.tracks.length;
  async function* chunks() {
    for (let start = 0; start < total; start += COPY_BATCH) {
      const end = Math.min(start + COPY_BATCH, total);
      let buffer = Buffer.allocUnsafe(COPY_BATCH_BYTES);
      let used = 0;
      for (let from = start; from < end; from += LINES_PER_WRITE) {
        let lines = "";
        for (let i = from; i < Math.min(from + LINES_PER_WRITE, end); i++) lines += trackCopyLine(snapshot, i);
        const most = lines.length * 3; // UTF-8 bytes for a UTF-16 code unit, at most
        if (used + most > buffer.length) {
          const bigger = Buffer.allocUnsafe(Math.max(buffer.length * 2, used + most));
          buffer.copy(bigger, 0, 0, used);
          buffer = bigger;
        }
        used += buffer.write(lines, used);
      }
      yield buffer.subarray(0, used);
      onProgress(end);
    }
  }
  const copy = client.query(copyFrom(`COPY track_next (${TRACK_COPY_COLUMNS.join(", ")}) FROM STDIN WITH (FREEZE)`));
  // FREEZE: the table was created in this transaction, so its rows can be written already frozen
  // (no later pass of VACUUM or hint-bit writes over them).
  await pipeline(Readable.from(chunks(), { objectMode: false, highWaterMark: 1 }), copy);
}

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
  await client.query("ANALYZE track_next");
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
