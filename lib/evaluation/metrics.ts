// Offline metrics of one recommendation list (or of all lists, for coverage). Pure and small, so
// each can be checked by hand in evaluation.test.ts.
import { squaredDistance } from "../clustering/kmeans";

/** Held-out items found in the list. */
export function hits(list: readonly number[], heldOut: ReadonlySet<number>): number {
  let count = 0;
  for (const item of list) if (heldOut.has(item)) count++;
  return count;
}

/** 1 when at least one held-out item is in the list, else 0 (averaged over users: the hit rate). */
export function hit(list: readonly number[], heldOut: ReadonlySet<number>): number {
  return hits(list, heldOut) > 0 ? 1 : 0;
}

/** Share of the held-out items found in the list. */
export function recall(list: readonly number[], heldOut: ReadonlySet<number>): number {
  if (heldOut.size === 0) throw new Error("recall of an empty held-out set");
  return hits(list, heldOut) / heldOut.size;
}

/**
 * Share of the `cutoff` slots filled by a track whose primary artist has at least one of the user's
 * genres. Artists without genres never match; empty slots (a list shorter than the cutoff) count as
 * misses. Null when the user has no genre to match.
 */
export function genrePrecision(
  listGenres: readonly (readonly string[])[],
  userGenres: ReadonlySet<string>,
  cutoff: number,
): number | null {
  if (userGenres.size === 0) return null;
  const matching = listGenres.filter((genres) => genres.some((g) => userGenres.has(g))).length;
  return matching / cutoff;
}

/** Mean Euclidean distance over all pairs of items (here, standardized feature vectors); null below 2 items. */
export function intraListDiversity(vectors: readonly (readonly number[])[]): number | null {
  if (vectors.length < 2) return null;
  let total = 0;
  for (let i = 0; i < vectors.length; i++) {
    for (let j = i + 1; j < vectors.length; j++) total += Math.sqrt(squaredDistance(vectors[i], vectors[j]));
  }
  return total / ((vectors.length * (vectors.length - 1)) / 2);
}

/** Mean of (100 − popularity) / 100: 0 for a list of the most popular tracks, 1 for unknown ones. Null when empty. */
export function novelty(popularities: readonly number[]): number | null {
  if (popularities.length === 0) return null;
  return popularities.reduce((sum, p) => sum + (100 - p) / 100, 0) / popularities.length;
}

/** Distinct items recommended to anyone, as a share of the catalog. */
export function catalogCoverage(lists: Iterable<readonly number[]>, catalogSize: number): number {
  const seen = new Set<number>();
  for (const list of lists) for (const item of list) seen.add(item);
  return seen.size / catalogSize;
}

/**
 * Share of held-out items whose cluster is the user's dominant one: the best recall a method that
 * recommends from that cluster alone can reach. Pass -1 for an item to count it as out of reach.
 */
export function clusterCeiling(heldOutClusters: readonly number[], dominant: number): number {
  if (heldOutClusters.length === 0) throw new Error("ceiling of an empty held-out set");
  return heldOutClusters.filter((c) => c === dominant).length / heldOutClusters.length;
}

/** Mean of the defined values; null when there are none. */
export function mean(values: readonly (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null;
}

/**
 * Half-width of the normal-approximation 95% confidence interval of the mean of the defined values
 * (1.96 × sample standard deviation / √n); null below 2 values.
 */
export function confidenceHalfWidth(values: readonly (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  if (defined.length < 2) return null;
  const average = defined.reduce((a, b) => a + b, 0) / defined.length;
  const variance = defined.reduce((sum, v) => sum + (v - average) ** 2, 0) / (defined.length - 1);
  return (1.96 * Math.sqrt(variance)) / Math.sqrt(defined.length);
}

/**
 * Normalized discounted cumulative gain of a list with binary relevance (held out or not): hits near
 * the top count more; 1 when the first min(|held out|, cutoff) slots are all hits.
 */
export function ndcg(list: readonly number[], heldOut: ReadonlySet<number>, cutoff: number): number {
  if (heldOut.size === 0) throw new Error("NDCG of an empty held-out set");
  let gain = 0;
  list.slice(0, cutoff).forEach((item, rank) => {
    if (heldOut.has(item)) gain += 1 / Math.log2(rank + 2);
  });
  let ideal = 0;
  for (let rank = 0; rank < Math.min(heldOut.size, cutoff); rank++) ideal += 1 / Math.log2(rank + 2);
  return gain / ideal;
}
