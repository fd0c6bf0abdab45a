import { seededRandom } from "../random";
import { fitKMeans, squaredDistance } from "./kmeans";

export interface KCandidate {
  k: number;
  inertia: number;
  silhouette: number;
}

/** Up to `size` points drawn without replacement, repeatably. */
export function samplePoints(points: number[][], size: number, seed: number): number[][] {
  if (points.length <= size) return points;
  const random = seededRandom(seed);
  const indices = Array.from(points.keys());
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (indices.length - i));
    [indices[i], indices[j]] = [indices[j], indices[i]];
  }
  return indices.slice(0, size).map((i) => points[i]);
}

/** Mean silhouette coefficient (exact, O(n²): call it on a sample). */
export function silhouette(points: number[][], assignments: ArrayLike<number>, k: number): number {
  const n = points.length;
  if (k < 2 || n < 2) return 0;
  let total = 0;
  const sums = new Float64Array(k);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) counts[assignments[i]]++;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[assignments[j]] += Math.sqrt(squaredDistance(points[i], points[j]));
    const own = assignments[i];
    if (counts[own] <= 1) continue; // silhouette of a singleton is 0 by convention
    const a = sums[own] / (counts[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c] > 0) b = Math.min(b, sums[c] / counts[c]);
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}

/**
 * Fits every k in `ks` on a sample and picks the one with the best silhouette
 * (the inertia column shows the elbow for whoever reads the table).
 */
export function chooseK(points: number[][], ks: number[], seed: number, sampleSize = 2000): { best: number; table: KCandidate[] } {
  const sample = samplePoints(points, sampleSize, seed);
  const table = ks.map((k) => {
    const model = fitKMeans(sample, k, { seed });
    return { k, inertia: model.inertia, silhouette: silhouette(sample, model.assignments, k) };
  });
  const best = table.reduce((a, b) => (b.silhouette > a.silhouette ? b : a)).k;
  return { best, table };
}
