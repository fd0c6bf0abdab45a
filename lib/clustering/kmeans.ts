import { kmeans } from "ml-kmeans";

export interface ClusterModel {
  /** Centroids in the standardized space, one per cluster id. */
  centroids: number[][];
  /** Cluster id of each input point. */
  assignments: Int32Array;
  /** Sum of squared distances of points to their centroid. */
  inertia: number;
  iterations: number;
}

export interface KMeansOptions {
  seed: number;
  maxIterations?: number;
}

/**
 * k-means with k-means++ initialisation and a fixed seed, so the same data
 * gives the same clusters. Cluster ids are renumbered by decreasing size so
 * that id 0 is always the largest cluster, whatever the initialisation order.
 */
export function fitKMeans(points: number[][], k: number, options: KMeansOptions): ClusterModel {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  if (points.length < k) throw new Error(`cannot make ${k} clusters from ${points.length} tracks`);
  const result = kmeans(points, k, {
    initialization: "kmeans++",
    seed: options.seed,
    maxIterations: options.maxIterations ?? 100,
    tolerance: 1e-6,
  });
  const sizes = new Array<number>(k).fill(0);
  for (const c of result.clusters) sizes[c]++;
  const order = sizes.map((size, id) => ({ size, id })).sort((a, b) => b.size - a.size || a.id - b.id);
  const renumber = new Int32Array(k);
  order.forEach(({ id }, newId) => (renumber[id] = newId));

  const assignments = new Int32Array(points.length);
  let inertia = 0;
  const centroids = order.map(({ id }) => result.centroids[id]);
  for (let i = 0; i < points.length; i++) {
    const c = renumber[result.clusters[i]];
    assignments[i] = c;
    inertia += squaredDistance(points[i], centroids[c]);
  }
  return { centroids, assignments, inertia, iterations: result.iterations };
}

export function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) {
    const diff = a[d] - b[d];
    sum += diff * diff;
  }
  return sum;
}

/** Index of the centroid nearest to `point`. */
export function nearestCentroid(point: ArrayLike<number>, centroids: ArrayLike<number>[]): number {
  let best = 0;
  let bestDistance = Infinity;
  centroids.forEach((centroid, c) => {
    const distance = squaredDistance(point, centroid);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = c;
    }
  });
  return best;
}
