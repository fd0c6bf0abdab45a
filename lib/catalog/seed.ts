import { chooseK, type KCandidate } from "../clustering/choose-k";
import { clusterLabels } from "../clustering/labels";
import { fitKMeansMatrix, rowsAt, sampleIndices, type PointMatrix } from "../clustering/kmeans";
import { fitColumnScaler, standardizeColumns, unstandardize } from "../clustering/scaler";
import type { Db } from "../db/client";
import { genresOfArtists, readArtistGenres } from "./artists";
import type { CatalogFormat, OptionalColumn } from "./formats";
import { artistGenresOfColumns, genreStatsOfColumns, topLabelsByCluster, type GenreShare } from "./genres";
import type { RejectedField, RowRejection } from "./parse";
import { readCatalogIntoTable } from "./read-table";
import { replaceCatalog } from "./store";
import { TrackTable } from "./track-table";
import { CLUSTER_FEATURES, type CatalogFormatId } from "./types";

export const DEFAULT_K = 8;
export const DEFAULT_SEED = 42;
/** k values `--k auto` chooses from. */
export const AUTO_K_RANGE = [4, 5, 6, 7, 8, 9, 10, 12, 14, 16];
const CHOOSE_K_SAMPLE_SIZE = 2000;

export interface SeedOptions {
  file: string;
  /** The 600k format's artists.csv: gives each track its artists' genres (joined through id_artists). */
  artists?: string;
  k: number | "auto";
  seed?: number;
  /** Called at phase boundaries and with progress inside a phase. */
  onPhase?: (phase: "read" | "cluster" | "write", total: number) => { update(done: number): void; finish(): void };
}

export interface SeedSummary {
  file: string;
  /** The format recognised from the header, and its human name. */
  format: CatalogFormatId;
  formatName: string;
  /** The optional facts the catalog has (explicit, release_year, artist_ids, genres, subgenres, playlists). */
  columns: OptionalColumn[];
  /** The artists file given, with how many of its artists have a genre; null without one. */
  artists: { file: string; rowsRead: number; withGenres: number } | null;
  rowsRead: number;
  /** Valid rows (rows read less rows rejected), before merging repeated tracks. */
  rowsKept: number;
  rowsRejected: number;
  rejectedByField: Partial<Record<RejectedField, number>>;
  firstRejections: RowRejection[];
  /** Valid rows that repeated an earlier row's track, merged into it. */
  rowsMerged: number;
  /** Merged rows whose audio features or popularity differ from the first row's (the first row won). */
  rowsConflicting: number;
  /** Distinct tracks in the catalog. */
  tracksKept: number;
  distinctGenres: number;
  distinctSubgenres: number;
  tracksWithoutGenre: number;
  k: number;
  kTable: KCandidate[] | null;
  inertia: number;
  /** topGenres: share of the cluster's tracks with a genre that have it, most common first; [] without genres. */
  clusters: { id: number; size: number; label: string; topGenres: GenreShare[]; topSubgenres: GenreShare[] }[];
  secondsByPhase: { read: number; cluster: number; write: number };
}

const NO_PROGRESS = { update() {}, finish() {} };

export class SeedError extends Error {
  override name = "SeedError";
}

/**
 * Reads, validates, merges and clusters a catalog file of any known format, then replaces the catalog in one
 * transaction. Throws (changing nothing in the database) when the file is
 * unusable or no track survives validation.
 */
export async function seedCatalog(db: Db, options: SeedOptions): Promise<SeedSummary> {
  const seed = options.seed ?? DEFAULT_SEED;
  const phase = options.onPhase ?? (() => NO_PROGRESS);
  const timer = phaseTimer();

  // 1. Read and validate, streaming; rows repeating a track merge into its first row.
  const artists = options.artists === undefined ? null : await readArtists(options.artists);
  let format: CatalogFormat | undefined;
  let readProgress = NO_PROGRESS as ReturnType<NonNullable<SeedOptions["onPhase"]>>;
  const table = new TrackTable();
  const rejectedByField: SeedSummary["rejectedByField"] = {};
  const firstRejections: RowRejection[] = [];
  let rowsRejected = 0;
  const file = await readCatalogIntoTable(
    options.file,
    {
      // A second thread parses the 600k-format file (read-table.ts); an artists file's genres join on one.
      parallel: true,
      onFormat: (recognised) => {
        format = recognised;
        if (artists !== null && recognised.id !== "tracks-600k") {
          throw new SeedError(
            `${options.file} is in the "${recognised.name}" format: --artists goes with the 600k-tracks tracks.csv only (it joins through id_artists); the catalog was not changed.`,
          );
        }
      },
      onProgress: (bytes, total) => {
        if (readProgress === NO_PROGRESS) readProgress = phase("read", total ?? 0);
        readProgress.update(bytes);
      },
      onTrack:
        artists === null
          ? undefined
          : (track) => {
              if (track.idArtists !== null) track.genres = genresOfArtists(track.idArtists, artists.genres);
            },
      onRejection: (row) => {
        rowsRejected++;
        rejectedByField[row.field] = (rejectedByField[row.field] ?? 0) + 1;
        if (firstRejections.length < 5) firstRejections.push(row);
      },
    },
    table,
  );
  const { rowsRead } = file;
  readProgress.finish();
  const checksum = file.sha256;
  const tracks = table.finish();
  const { rowsMerged, rowsConflicting } = tracks;
  const columns: OptionalColumn[] = [...format!.provides];
  if (artists !== null) columns.push("genres");
  const readSeconds = timer();

  const k = options.k === "auto" ? null : options.k;
  if (tracks.length === 0) throw new SeedError(`${options.file}: no valid track in ${rowsRead} rows; the catalog was not changed.`);
  if (k !== null && tracks.length < k) {
    throw new SeedError(`${options.file}: ${tracks.length} valid tracks cannot make ${k} clusters; the catalog was not changed.`);
  }

  // 2. Standardize and cluster.
  const clusterProgress = phase("cluster", 1);
  const { chosenK, kTable, scaler, model } = clusterTracks(tracks, k, seed);
  const hasGenres = columns.includes("genres");
  const topGenres = topLabelsByCluster((i) => tracks.genres[i], model.assignments, chosenK);
  const topSubgenres = topLabelsByCluster((i) => tracks.subgenres[i], model.assignments, chosenK);
  // A label names the top genre's own top subgenre ("rap · trap"), not the cluster's, which may belong to another genre.
  const subgenresOfTopGenre = topLabelsByCluster(
    (i) => subgenresOf(tracks, i, topGenres[model.assignments[i]][0]?.genre),
    model.assignments,
    chosenK,
  );
  const labels = clusterLabels(
    CLUSTER_FEATURES,
    model.centroids,
    hasGenres ? topGenres.map((genres, id) => ({ topGenres: genres, topSubgenres: subgenresOfTopGenre[id] })) : undefined,
  );
  const sizes = new Array<number>(chosenK).fill(0);
  model.assignments.forEach((c) => sizes[c]++);
  const clusters = model.centroids.map((centroid, id) => ({
    id, size: sizes[id], label: labels[id], centroid: unstandardize(centroid, scaler),
    topGenres: topGenres[id], topSubgenres: topSubgenres[id],
  }));
  clusterProgress.finish();
  const clusterSeconds = timer();

  // 3. Write everything in one transaction.
  const writeProgress = phase("write", tracks.length);
  await replaceCatalog(
    db,
    {
      tracks,
      artistGenres: artistGenresOfColumns(tracks.artists, tracks.genres),
      clusterIds: model.assignments,
      clusters,
      model: {
        format: format!.id, columns, features: [...CLUSTER_FEATURES], scalerMeans: scaler.means,
        scalerStds: scaler.stds, k: chosenK, seed, inertia: model.inertia, datasetChecksum: checksum, rowsRead,
        rowsKept: tracks.length, rowsMerged, rowsConflicting,
      },
    },
    (written) => writeProgress.update(written),
  );
  writeProgress.finish();

  return {
    file: options.file, format: format!.id, formatName: format!.name, columns,
    artists: artists === null ? null : { file: options.artists!, rowsRead: artists.rowsRead, withGenres: artists.genres.size },
    rowsRead, rowsKept: rowsRead - rowsRejected, rowsRejected, rejectedByField, firstRejections,
    rowsMerged, rowsConflicting, tracksKept: tracks.length, ...genreStatsOfColumns(tracks.genres, tracks.subgenres),
    k: chosenK, kTable, inertia: model.inertia,
    clusters: clusters.map(({ id, size, label, topGenres, topSubgenres }) => ({ id, size, label, topGenres, topSubgenres })),
    secondsByPhase: { read: readSeconds, cluster: clusterSeconds, write: timer() },
  };
}

/**
 * The subgenres a track's rows give together with `genre` (a playlist's genre and subgenre come as a
 * pair); without playlists, its subgenres when `genre` is among its genres.
 */
function subgenresOf(tracks: TrackTable, i: number, genre: string | undefined): readonly string[] {
  if (genre === undefined) return [];
  const playlists = tracks.playlists[i];
  if (playlists.length > 0) {
    return [...new Set(playlists.flatMap((p) => (p.genre === genre && p.subgenre !== null ? [p.subgenre] : [])))];
  }
  return tracks.genres[i].includes(genre) ? tracks.subgenres[i] : [];
}

/** The genres of the artists file's artists that have any (a seed needs no others). */
async function readArtists(file: string) {
  return readArtistGenres(file, (_id, genres) => genres.length > 0);
}

/** ml-kmeans fits on this many tracks at most (drawn at random, seeded); all tracks are then assigned. */
export const KMEANS_SAMPLE_SIZE = 65_536;

/**
 * Standardizes the cluster features into one typed matrix and runs k-means (choosing k first for
 * "auto"). A function of its own so the matrix (33 MB on the full dataset) is garbage before the
 * write phase starts.
 */
function clusterTracks(tracks: TrackTable, k: number | null, seed: number) {
  const columns = CLUSTER_FEATURES.map((f) => tracks.feature(f));
  const scaler = fitColumnScaler(columns);
  const points: PointMatrix = { values: standardizeColumns(columns, scaler), dims: columns.length };
  let kTable: KCandidate[] | null = null;
  let chosenK = k;
  if (chosenK === null) {
    // chooseK samples 2,000 points; drawing them here, the same way, spares it every row as an array.
    const sample = rowsAt(points, sampleIndices(tracks.length, CHOOSE_K_SAMPLE_SIZE, seed));
    const choice = chooseK(sample, AUTO_K_RANGE.filter((c) => c <= tracks.length), seed, CHOOSE_K_SAMPLE_SIZE);
    kTable = choice.table;
    chosenK = choice.best;
  }
  const model = fitKMeansMatrix(points, chosenK, { seed, sampleSize: KMEANS_SAMPLE_SIZE });
  return { chosenK, kTable, scaler, model };
}

function phaseTimer(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const seconds = (now - last) / 1000;
    last = now;
    return seconds;
  };
}
