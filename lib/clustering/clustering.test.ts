import { kmeans } from "ml-kmeans";
import { describe, expect, it } from "vitest";
import { CLUSTER_FEATURES } from "../catalog/types";
import { seededRandom } from "../random";
import { chooseK, silhouette } from "./choose-k";
import { fitKMeans, fitKMeansMatrix, kmeansPlusPlus, nearestCentroid, sampleIndices, squaredDistance, toPointMatrix } from "./kmeans";
import { clusterLabels } from "./labels";
import { fitScaler, standardize, unstandardize } from "./scaler";

/** Three well-separated blobs of 2-D points around known centres. */
function blobs(perBlob: number, seed: number): number[][] {
  const random = seededRandom(seed);
  const centres = [[0, 0], [10, 10], [-10, 10]];
  return centres.flatMap(([x, y]) =>
    Array.from({ length: perBlob }, () => [x + random() - 0.5, y + random() - 0.5]),
  );
}

describe("scaler", () => {
  it("gives every feature mean 0 and deviation 1, and inverts exactly", () => {
    const rows = [[1, 100], [2, 120], [3, 140], [4, 160]];
    const scaler = fitScaler(rows);
    expect(scaler.means).toEqual([2.5, 130]);
    const z = rows.map((r) => standardize(r, scaler));
    const zScaler = fitScaler(z);
    zScaler.means.forEach((m) => expect(m).toBeCloseTo(0, 12));
    zScaler.stds.forEach((s) => expect(s).toBeCloseTo(1, 12));
    expect(unstandardize(z[2], scaler)).toEqual([3, 140].map((v) => expect.closeTo(v, 9)));
  });

  it("keeps a constant feature at 0 instead of dividing by zero", () => {
    const scaler = fitScaler([[5, 1], [5, 2]]);
    expect(standardize([5, 1], scaler)[0]).toBe(0);
  });
});

describe("k-means", () => {
  it("finds well-separated groups, largest first", () => {
    const points = [...blobs(50, 1), ...Array.from({ length: 30 }, () => [30, -30])];
    const model = fitKMeans(points, 4, { seed: 42 });
    const sizes = [0, 0, 0, 0];
    model.assignments.forEach((c) => sizes[c]++);
    expect(sizes).toEqual([50, 50, 50, 30]);
    expect(model.assignments[0]).toBe(model.assignments[49]);
    expect(model.assignments[0]).not.toBe(model.assignments[50]);
    expect(model.assignments[150]).toBe(3);
  });

  it("gives the same clusters for the same seed", () => {
    const points = blobs(200, 7).map(([x, y], i) => [x + (i % 7), y - (i % 5)]);
    const a = fitKMeans(points, 5, { seed: 3 });
    const b = fitKMeans(points, 5, { seed: 3 });
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    expect(a.centroids).toEqual(b.centroids);
    expect(a.inertia).toBe(b.inertia);
  });

  it("starts from the centers ml-kmeans's own k-means++ picks, and so ends with its clusters", () => {
    for (const [dims, n, k, seed] of [[2, 600, 5, 3], [7, 2000, 8, 42], [7, 1500, 12, 7], [3, 50, 1, 9]]) {
      const random = seededRandom(seed);
      // Lumpy data (a few dense spots and noise), so that the draws and the choice among candidates matter.
      const spots = Array.from({ length: 6 }, () => Array.from({ length: dims }, () => random() * 10));
      const points = Array.from({ length: n }, (_, i) => spots[i % 6].map((x) => x + (random() - 0.5) * (1 + (i % 3))));
      const options = { seed, maxIterations: 100, tolerance: 1e-6 };
      const theirs = kmeans(points, k, { ...options, initialization: "kmeans++" });
      const ours = kmeans(points, k, { ...options, initialization: kmeansPlusPlus(toPointMatrix(points), k, seed) });
      expect(ours.centroids).toEqual(theirs.centroids);
      expect(ours.clusters).toEqual(theirs.clusters);
      expect(ours.iterations).toBe(theirs.iterations);
    }
  });

  it("assigns a point to its nearest centroid", () => {
    expect(nearestCentroid([9, 9], [[0, 0], [10, 10], [-10, 10]])).toBe(1);
  });

  it("refuses more clusters than points", () => {
    expect(() => fitKMeans([[1, 2]], 2, { seed: 1 })).toThrow(/cannot make 2 clusters/);
  });
});

describe("choosing k", () => {
  it("prefers the true number of groups by silhouette", () => {
    const { best, table } = chooseK(blobs(60, 5), [2, 3, 4, 5], 1);
    expect(best).toBe(3);
    expect(table.map((r) => r.k)).toEqual([2, 3, 4, 5]);
    expect(table[1].inertia).toBeLessThan(table[0].inertia);
  });

  it("scores perfect separation near 1 and a single blob split in two lower", () => {
    const points = blobs(30, 2).slice(0, 60);
    const good = silhouette(points, points.map((_, i) => (i < 30 ? 0 : 1)), 2);
    const bad = silhouette(points, points.map((_, i) => i % 2), 2);
    expect(good).toBeGreaterThan(0.9);
    expect(bad).toBeLessThan(0.1);
  });
});

describe("cluster labels", () => {
  const z = (values: Partial<Record<(typeof CLUSTER_FEATURES)[number], number>>) =>
    CLUSTER_FEATURES.map((f) => values[f] ?? 0);

  it("names a cluster by its two most distinctive traits", () => {
    const [label] = clusterLabels(CLUSTER_FEATURES, [z({ acousticness: 1.8, energy: -1.2, tempo: 0.1 })]);
    expect(label).toBe("acoustic & calm");
  });

  it("tells apart clusters that share their two main traits by what differs between them", () => {
    const labels = clusterLabels(CLUSTER_FEATURES, [
      z({ energy: 1.5, danceability: 1.0, tempo: 0.9 }),
      z({ energy: 1.5, danceability: 1.0, tempo: -0.6 }),
      z({}),
      z({}),
    ]);
    expect(labels[0]).toBe("energetic & danceable, fast");
    expect(labels[1]).toBe("energetic & danceable, slow");
    expect(new Set(labels).size).toBe(4);
    expect(labels[2]).toMatch(/^middle of the road/);
  });
});

describe("k-means fitted on a sample", () => {
  const points = blobs(400, 11).map(([x, y], i) => [x + (i % 3) * 0.2, y]);

  it("assigns every point, sample or not, to its nearest centroid and sums the inertia over all points", () => {
    const model = fitKMeansMatrix(toPointMatrix(points), 3, { seed: 5, sampleSize: 100 });
    let inertia = 0;
    points.forEach((p, i) => {
      expect(model.assignments[i]).toBe(nearestCentroid(p, model.centroids));
      inertia += squaredDistance(p, model.centroids[model.assignments[i]]);
    });
    expect(model.inertia).toBeCloseTo(inertia, 6);
    const sizes = [0, 0, 0];
    model.assignments.forEach((c) => sizes[c]++);
    expect(sizes).toEqual([400, 400, 400]);
  });

  it("is repeatable for a seed, and with a sample as large as the data equals fitKMeans", () => {
    const a = fitKMeansMatrix(toPointMatrix(points), 4, { seed: 9, sampleSize: 150 });
    const b = fitKMeansMatrix(toPointMatrix(points), 4, { seed: 9, sampleSize: 150 });
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    expect(a.centroids).toEqual(b.centroids);
    const whole = fitKMeansMatrix(toPointMatrix(points), 4, { seed: 9, sampleSize: points.length });
    expect(whole).toEqual(fitKMeans(points, 4, { seed: 9 }));
  });

  it("draws distinct sample indices within range, the same ones for the same seed", () => {
    const sample = sampleIndices(1000, 50, 3);
    expect(new Set(sample).size).toBe(50);
    expect(Math.max(...sample)).toBeLessThan(1000);
    expect(Array.from(sampleIndices(1000, 50, 3))).toEqual(Array.from(sample));
    expect(Array.from(sampleIndices(10, 50, 3))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
