import type { Db } from "../db/client";
import { CLUSTER_FEATURES, type CatalogTrack } from "./types";

/** What a seed writes: the tracks with their cluster, the clusters, and the model. */
export interface CatalogSnapshot {
  tracks: CatalogTrack[];
  clusterIds: Int32Array;
  matchKeys: string[];
  clusters: { id: number; size: number; label: string; centroid: number[] }[];
  model: {
    features: string[];
    scalerMeans: number[];
    scalerStds: number[];
    k: number;
    seed: number;
    inertia: number;
    datasetChecksum: string;
    rowsRead: number;
    rowsKept: number;
  };
}

const INSERT_BATCH = 5_000;

/**
 * Replaces the whole catalog in one transaction: readers see the old catalog
 * until the commit and the new one after it, never a mix; a seed that dies
 * half-way rolls back and leaves the old catalog as it was.
 */
export async function replaceCatalog(
  db: Db,
  snapshot: CatalogSnapshot,
  onProgress: (written: number) => void = () => {},
): Promise<void> {
  await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`DELETE FROM track`;
      await tx.$executeRaw`DELETE FROM cluster`;
      await tx.catalogModel.deleteMany();
      await tx.catalogModel.create({ data: { id: 1, ...snapshot.model } });
      await tx.cluster.createMany({ data: snapshot.clusters });
      for (let start = 0; start < snapshot.tracks.length; start += INSERT_BATCH) {
        const end = Math.min(start + INSERT_BATCH, snapshot.tracks.length);
        await insertTracks(tx as unknown as Db, snapshot, start, end);
        onProgress(end);
      }
    },
    { timeout: 15 * 60_000, maxWait: 60_000 },
  );
}

/** One multi-row INSERT per batch: arrays per column, expanded by unnest. */
async function insertTracks(db: Db, snapshot: CatalogSnapshot, start: number, end: number): Promise<void> {
  const rows = snapshot.tracks.slice(start, end);
  const column = <T>(pick: (t: CatalogTrack) => T) => rows.map(pick);
  const clusterIds = Array.from(snapshot.clusterIds.subarray(start, end));
  await db.$executeRaw`
    INSERT INTO track (id, name, artists, primary_artist, release_year, popularity, duration_ms, explicit,
      danceability, energy, loudness, speechiness, acousticness, instrumentalness, liveness, valence, tempo,
      match_key, cluster_id)
    SELECT id, name, ARRAY(SELECT jsonb_array_elements_text(artists::jsonb)), primary_artist, release_year,
      popularity, duration_ms, explicit, danceability, energy, loudness, speechiness, acousticness,
      instrumentalness, liveness, valence, tempo, match_key, cluster_id
    FROM unnest(
      ${column((t) => t.id)}::text[], ${column((t) => t.name)}::text[],
      ${column((t) => JSON.stringify(t.artists))}::text[], ${column((t) => t.artists[0])}::text[],
      ${column((t) => t.releaseYear)}::int2[], ${column((t) => t.popularity)}::int2[],
      ${column((t) => t.durationMs)}::int4[], ${column((t) => t.explicit)}::bool[],
      ${column((t) => t.danceability)}::real[], ${column((t) => t.energy)}::real[],
      ${column((t) => t.loudness)}::real[], ${column((t) => t.speechiness)}::real[],
      ${column((t) => t.acousticness)}::real[], ${column((t) => t.instrumentalness)}::real[],
      ${column((t) => t.liveness)}::real[], ${column((t) => t.valence)}::real[],
      ${column((t) => t.tempo)}::real[], ${snapshot.matchKeys.slice(start, end)}::text[], ${clusterIds}::int2[]
    ) AS t(id, name, artists, primary_artist, release_year, popularity, duration_ms, explicit,
      danceability, energy, loudness, speechiness, acousticness, instrumentalness, liveness, valence, tempo,
      match_key, cluster_id)`;
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
  explicit: true, clusterId: true, matchKey: true,
  // the CLUSTER_FEATURES:
  danceability: true, energy: true, valence: true, acousticness: true, instrumentalness: true,
  speechiness: true, tempo: true,
} as const satisfies Record<string, true> & Record<(typeof CLUSTER_FEATURES)[number], true>;
