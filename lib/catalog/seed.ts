import { chooseK, type KCandidate } from "../clustering/choose-k";
import { fitKMeans } from "../clustering/kmeans";
import { clusterLabels } from "../clustering/labels";
import { fitScaler, standardize, unstandardize } from "../clustering/scaler";
import type { Db } from "../db/client";
import type { RejectedField, RowRejection } from "./parse";
import { readCatalog } from "./read";
import { replaceCatalog, toStoredTrack, type StoredTrack } from "./store";
import { CLUSTER_FEATURES } from "./types";

export const DEFAULT_K = 8;
export const DEFAULT_SEED = 42;
/** k values `--k auto` chooses from. */
export const AUTO_K_RANGE = [4, 5, 6, 7, 8, 9, 10, 12, 14, 16];

export interface SeedOptions {
  file: string;
  k: number | "auto";
  seed?: number;
  /** Called at phase boundaries and with progress inside a phase. */
  onPhase?: (phase: "read" | "cluster" | "write", total: number) => { update(done: number): void; finish(): void };
}

export interface SeedSummary {
  file: string;
  rowsRead: number;
  rowsKept: number;
  rejectedByField: Partial<Record<RejectedField, number>>;
  firstRejections: RowRejection[];
  k: number;
  kTable: KCandidate[] | null;
  inertia: number;
  clusters: { id: number; size: number; label: string }[];
  secondsByPhase: { read: number; cluster: number; write: number };
}

const NO_PROGRESS = { update() {}, finish() {} };

export class SeedError extends Error {
  override name = "SeedError";
}

/**
 * Reads, validates and clusters a tracks.csv, then replaces the catalog in one
 * transaction. Throws (changing nothing in the database) when the file is
 * unusable or no track survives validation.
 */
export async function seedCatalog(db: Db, options: SeedOptions): Promise<SeedSummary> {
  const seed = options.seed ?? DEFAULT_SEED;
  const phase = options.onPhase ?? (() => NO_PROGRESS);
  const timer = phaseTimer();

  // 1. Read and validate, streaming.
  let readProgress = NO_PROGRESS as ReturnType<NonNullable<SeedOptions["onPhase"]>>;
  const rows = readCatalog(options.file, {
    onProgress: (bytes, total) => {
      if (readProgress === NO_PROGRESS) readProgress = phase("read", total);
      readProgress.update(bytes);
    },
  });
  const tracks: StoredTrack[] = [];
  const rejectedByField: SeedSummary["rejectedByField"] = {};
  const firstRejections: RowRejection[] = [];
  let rowsRead = 0;
  let step = await rows.next();
  for (; !step.done; step = await rows.next()) {
    rowsRead++;
    const row = step.value;
    if (row.ok) {
      tracks.push(toStoredTrack(row.track));
    } else {
      rejectedByField[row.field] = (rejectedByField[row.field] ?? 0) + 1;
      if (firstRejections.length < 5) firstRejections.push(row);
    }
  }
  readProgress.finish();
  const checksum = step.value.sha256;
  const readSeconds = timer();

  const k = options.k === "auto" ? null : options.k;
  if (tracks.length === 0) throw new SeedError(`${options.file}: no valid track in ${rowsRead} rows; the catalog was not changed.`);
  if (k !== null && tracks.length < k) {
    throw new SeedError(`${options.file}: ${tracks.length} valid tracks cannot make ${k} clusters; the catalog was not changed.`);
  }

  // 2. Standardize and cluster.
  const clusterProgress = phase("cluster", 1);
  const { chosenK, kTable, scaler, model } = clusterTracks(tracks, k, seed);
  const labels = clusterLabels(CLUSTER_FEATURES, model.centroids);
  const sizes = new Array<number>(chosenK).fill(0);
  model.assignments.forEach((c) => sizes[c]++);
  const clusters = model.centroids.map((centroid, id) => ({
    id, size: sizes[id], label: labels[id], centroid: unstandardize(centroid, scaler),
  }));
  clusterProgress.finish();
  const clusterSeconds = timer();

  // 3. Write everything in one transaction.
  const writeProgress = phase("write", tracks.length);
  await replaceCatalog(
    db,
    {
      tracks,
      clusterIds: model.assignments,
      clusters,
      model: {
        features: [...CLUSTER_FEATURES], scalerMeans: scaler.means, scalerStds: scaler.stds,
        k: chosenK, seed, inertia: model.inertia, datasetChecksum: checksum, rowsRead, rowsKept: tracks.length,
      },
    },
    (written) => writeProgress.update(written),
  );
  writeProgress.finish();

  return {
    file: options.file, rowsRead, rowsKept: tracks.length, rejectedByField, firstRejections,
    k: chosenK, kTable, inertia: model.inertia,
    clusters: clusters.map(({ id, size, label }) => ({ id, size, label })),
    secondsByPhase: { read: readSeconds, cluster: clusterSeconds, write: timer() },
  };
}

/**
 * Standardizes the cluster features and runs k-means (choosing k first for
 * "auto"). A function of its own so the feature matrices (hundreds of MB on
 * the full dataset) are garbage before the write phase starts.
 */
function clusterTracks(tracks: StoredTrack[], k: number | null, seed: number) {
  const raw = tracks.map((t) => CLUSTER_FEATURES.map((f) => t[f]));
  const scaler = fitScaler(raw);
  const points = raw.map((r) => standardize(r, scaler));
  raw.length = 0;
  let kTable: KCandidate[] | null = null;
  let chosenK = k;
  if (chosenK === null) {
    const choice = chooseK(points, AUTO_K_RANGE.filter((c) => c <= points.length), seed);
    kTable = choice.table;
    chosenK = choice.best;
  }
  const model = fitKMeans(points, chosenK, { seed });
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
