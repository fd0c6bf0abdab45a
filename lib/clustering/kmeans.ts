import { kmeans } from "ml-kmeans";
import { Random } from "ml-random";
import { seededRandom } from "../random";

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
  /**
   * ml-kmeans fits on at most this many points, drawn at random (seeded); every point is then
   * assigned to its nearest centroid. Default: all points.
   */
  sampleSize?: number;
}

/** Points as one row-major matrix: point i is values[i * dims] … values[i * dims + dims - 1]. */
export interface PointMatrix {
  values: Float64Array;
  dims: number;
}

/** Rows of number arrays as one PointMatrix. */
export function toPointMatrix(points: readonly ArrayLike<number>[]): PointMatrix {
  const dims = points.length === 0 ? 0 : points[0].length;
  const values = new Float64Array(points.length * dims);
  points.forEach((point, i) => values.set(Array.from(point), i * dims));
  return { values, dims };
}

/** The indices of up to `size` of n points drawn without replacement, repeatably (as choose-k's samplePoints). */
export function sampleIndices(n: number, size: number, seed: number): Int32Array {
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  if (n <= size) return indices;
  const random = seededRandom(seed);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (n - i));
    const swap = indices[i];
    indices[i] = indices[j];
    indices[j] = swap;
  }
  return indices.slice(0, size);
}

/** Rows `indices` of the matrix as number arrays (what ml-kmeans takes). */
export function rowsAt({ values, dims }: PointMatrix, indices: ArrayLike<number>): number[][] {
  const rows = new Array<number[]>(indices.length);
  for (let r = 0; r < indices.length; r++) {
    // Filled in a loop (pushed: a packed array, as ml-kmeans reads fastest): Array.from over a typed
    // subarray costs several times as much per row.
    const row: number[] = [];
    const offset = indices[r] * dims;
    for (let d = 0; d < dims; d++) row.push(values[offset + d]);
    rows[r] = row;
  }
  return rows;
}

/** Rows `indices` of the matrix as a matrix of their own. */
function pointsAt({ values, dims }: PointMatrix, indices: ArrayLike<number>): PointMatrix {
  const picked = new Float64Array(indices.length * dims);
  for (let i = 0; i < indices.length; i++) picked.set(values.subarray(indices[i] * dims, (indices[i] + 1) * dims), i * dims);
  return { values: picked, dims };
}

/** Squared distance from point i of `values` to point j of `others`, summed as ml-kmeans sums it. */
function squaredDistanceBetween(values: Float64Array, i: number, others: Float64Array, j: number, dims: number): number {
  let sum = 0;
  for (let d = 0; d < dims; d++) {
    const diff = values[i * dims + d] - others[j * dims + d];
    sum += diff * diff;
  }
  return sum;
}

/**
 * The initial centers ml-kmeans's own k-means++ (`initialization: "kmeans++"`, its kmeanspp) picks,
 * computed on typed arrays: the same generator and draws (ml-random), the same sums and comparisons in
 * the same order, so the same centers and therefore the same clusters (kmeans.test.ts compares the
 * two). The library's version allocates an array per point for every distance it takes: on the
 * 65,536-point sample it took ~0.3 s, two thirds of the whole fit.
 */
export function kmeansPlusPlus({ values, dims }: PointMatrix, k: number, seed: number): number[][] {
  const n = values.length / dims;
  const random = new Random(seed);
  const trials = 2 + Math.floor(Math.log(k));
  const centerAt = (i: number) => Array.from(values.subarray(i * dims, (i + 1) * dims));
  const first = random.randInt(n);
  const centers = [centerAt(first)];
  let closest = new Float64Array(n); // squared distance of each point to its nearest center so far
  for (let i = 0; i < n; i++) closest[i] = squaredDistanceBetween(values, i, values, first, dims);
  for (let c = 1; c < k; c++) {
    // Points drawn with probability proportional to that distance (as the library: times 1/sum).
    let total = closest[0];
    for (let i = 1; i < n; i++) total += closest[i];
    const scale = 1 / total;
    const candidates = drawProportionally(random, closest, scale, trials);
    // Keep the candidate that leaves the smallest sum of distances.
    let best = -1;
    let bestSum = Infinity;
    let bestClosest = closest;
    for (const candidate of candidates) {
      const next = new Float64Array(n);
      let sum = 0;
      for (let i = 0; i < n; i++) {
        next[i] = Math.min(closest[i], squaredDistanceBetween(values, candidate, values, i, dims));
        sum += next[i];
      }
      if (sum < bestSum) {
        best = candidate;
        bestSum = sum;
        bestClosest = next;
      }
    }
    centers.push(centerAt(best));
    closest = bestClosest;
  }
  return centers;
}

/**
 * `size` draws of indices of `weights`, each index drawn with probability weights[i] * scale (the
 * weights times scale summing to 1), replacing them: what ml-random's
 * `random.choice(n, { replace: true, size, probabilities })` draws, with the same draws from the
 * generator, the same running sums and comparisons, so the same indices; without the three arrays
 * of n numbers it builds per call.
 */
function drawProportionally(random: Random, weights: Float64Array, scale: number, size: number): number[] {
  const n = weights.length;
  const cumulative = new Float64Array(n);
  let sum = weights[0] * scale;
  cumulative[0] = sum;
  for (let i = 1; i < n; i++) {
    sum += weights[i] * scale;
    cumulative[i] = sum;
  }
  if (Math.abs(1 - sum) > 1e-8) throw new Error(`probabilities should sum to 1, but instead sums to ${sum}`);
  const drawn: number[] = [];
  for (let draw = 0; draw < size; draw++) {
    const r = random.random();
    let index = 0;
    while (index < n - 1 && r > cumulative[index]) index++;
    drawn.push(index);
  }
  return drawn;
}

/**
 * k-means with k-means++ initialisation and a fixed seed, so the same data
 * gives the same clusters. Cluster ids are renumbered by decreasing size so
 * that id 0 is always the largest cluster, whatever the initialisation order.
 */
export function fitKMeans(points: number[][], k: number, options: KMeansOptions): ClusterModel {
  return fitKMeansMatrix(toPointMatrix(points), k, options);
}

/**
 * fitKMeans on a PointMatrix. On a large catalog ml-kmeans fits on a random sample (its
 * initialisation and iterations copy and allocate per point: on 586k points that took ~16 s and
 * hundreds of MB), and one pass over the typed matrix then assigns every point to its nearest
 * centroid and sums the inertia. A sample of ~65k points places the centroids within a fraction of
 * a percent of the full fit's inertia (docs/benchmarks.md compares it with scikit-learn's).
 */
export function fitKMeansMatrix(matrix: PointMatrix, k: number, options: KMeansOptions): ClusterModel {
  const { values, dims } = matrix;
  const n = dims === 0 ? 0 : values.length / dims;
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  if (n < k) throw new Error(`cannot make ${k} clusters from ${n} tracks`);
  const sample = sampleIndices(n, options.sampleSize ?? n, options.seed);
  const result = kmeans(rowsAt(matrix, sample), k, {
    initialization: kmeansPlusPlus(pointsAt(matrix, sample), k, options.seed),
    seed: options.seed,
    maxIterations: options.maxIterations ?? 100,
    tolerance: 1e-6,
  });

  const fitted = new Float64Array(k * dims);
  result.centroids.forEach((centroid, c) => fitted.set(centroid, c * dims));
  const nearest = new Int32Array(n);
  const sizes = new Array<number>(k).fill(0);
  let inertia = 0;
  // In blocks: a function called ~70 times is optimised after the first few, where one loop over
  // all 586k points ran mostly in its first, slower code (~100 vs ~150 ms).
  for (let from = 0; from < n; from += ASSIGN_BLOCK) {
    inertia = assignNearest(values, dims, fitted, k, from, Math.min(n, from + ASSIGN_BLOCK), nearest, sizes, inertia);
  }
  const order = sizes.map((size, id) => ({ size, id })).sort((a, b) => b.size - a.size || a.id - b.id);
  const renumber = new Int32Array(k);
  order.forEach(({ id }, newId) => (renumber[id] = newId));
  for (let i = 0; i < n; i++) nearest[i] = renumber[nearest[i]];
  const centroids = order.map(({ id }) => result.centroids[id]);
  return { centroids, assignments: nearest, inertia, iterations: result.iterations };
}

const ASSIGN_BLOCK = 8192;

/**
 * Assigns points from … to - 1 to their nearest centroid (the first of equally near ones), counting
 * cluster sizes; returns `inertia` plus their squared distances, added in point order.
 */
function assignNearest(
  values: Float64Array, dims: number, centroids: Float64Array, k: number, from: number, to: number,
  nearest: Int32Array, sizes: number[], inertia: number,
): number {
  for (let i = from; i < to; i++) {
    const offset = i * dims;
    let best = 0;
    let bestDistance = Infinity;
    for (let c = 0; c < k; c++) {
      let distance = 0;
      for (let d = 0; d < dims; d++) {
        const diff = values[offset + d] - centroids[c * dims + d];
        distance += diff * diff;
      }
      if (distance < bestDistance) {
        bestDistance = distance;
        best = c;
      }
    }
    nearest[i] = best;
    sizes[best]++;
    inertia += bestDistance;
  }
  return inertia;
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
