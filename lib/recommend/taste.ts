/** A track as recommendation logic sees it: identity, metadata and standardized features. */
export interface RecTrack {
  id: string;
  name: string;
  artists: string[];
  /** `artists` as rank.ts's artistKey spells them, when worked out ahead (candidate pools); internal, not shown. */
  artistKeys?: readonly string[];
  primaryArtist: string;
  releaseYear: number | null; // null when the catalog's format has no release date
  popularity: number;
  explicit: boolean | null; // null when the catalog's format has no explicit flag
  /** The catalog's genres for the track (from its playlists, or its artists); [] when none. */
  genres: readonly string[];
  clusterId: number;
  matchKey: string;
  /** Standardized (z-score) cluster features, in CLUSTER_FEATURES order. */
  z: number[];
}

export interface ClusterShare {
  clusterId: number;
  count: number;
  share: number;
}

/**
 * How a user's liked songs spread over clusters, largest share first. Ties go
 * to the cluster of the earliest song in `likedClusterIds` (the most recently
 * liked, since Spotify lists liked songs newest first), so the answer never
 * depends on map iteration order.
 */
export function clusterShares(likedClusterIds: readonly number[]): ClusterShare[] {
  const counts = new Map<number, { count: number; firstSeen: number }>();
  likedClusterIds.forEach((clusterId, index) => {
    const entry = counts.get(clusterId);
    if (entry) entry.count++;
    else counts.set(clusterId, { count: 1, firstSeen: index });
  });
  return [...counts.entries()]
    .sort(([, a], [, b]) => b.count - a.count || a.firstSeen - b.firstSeen)
    .map(([clusterId, { count }]) => ({ clusterId, count, share: count / likedClusterIds.length }));
}

/** The cluster most liked songs fall in (see clusterShares for ties), or null with no songs. */
export function dominantCluster(likedClusterIds: readonly number[]): ClusterShare | null {
  return clusterShares(likedClusterIds)[0] ?? null;
}

/** Mean of standardized feature vectors: a user's taste within a cluster. */
export function centroidOf(vectors: readonly number[][]): number[] {
  if (vectors.length === 0) throw new Error("centroid of no vectors");
  const sum = new Array<number>(vectors[0].length).fill(0);
  for (const v of vectors) v.forEach((x, d) => (sum[d] += x));
  return sum.map((s) => s / vectors.length);
}

/**
 * How many of `total` slots each share gets, proportionally, by largest
 * remainder (so the counts always add up to `total`).
 */
export function apportion(shares: readonly number[], total: number): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  if (sum <= 0) return shares.map(() => 0);
  const exact = shares.map((s) => (s / sum) * total);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left-- <= 0) break;
    counts[i]++;
  }
  return counts;
}
