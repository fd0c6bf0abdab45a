import { PCA } from "ml-pca";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../random";
import { fitProjection } from "./projection";

describe("2-D projection", () => {
  it("keeps the direction of largest spread as the first axis", () => {
    const random = seededRandom(3);
    // Spread 10 along the 3rd feature, 1 along the 1st, nearly none along the 2nd.
    const rows = Array.from({ length: 200 }, () => [random() - 0.5, (random() - 0.5) * 0.01, (random() - 0.5) * 10]);
    const project = fitProjection(rows);
    const far = project([0, 0, 5]);
    const near = project([0.5, 0, 0]);
    expect(Math.abs(far[0])).toBeGreaterThan(4);
    expect(Math.abs(far[1])).toBeLessThan(0.5);
    expect(Math.abs(near[1])).toBeGreaterThan(0.4);
  });

  it("keeps groups that are apart in feature space apart on the map", () => {
    const random = seededRandom(4);
    const group = (centre: number[]) => Array.from({ length: 50 }, () => centre.map((c) => c + random() * 0.2));
    const a = group([2, 2, 0, 0]);
    const b = group([-2, -2, 0, 0]);
    const project = fitProjection([...a, ...b]);
    const distance = (p: number[], q: number[]) => Math.hypot(p[0] - q[0], p[1] - q[1]);
    expect(distance(project(a[0]), project(b[0]))).toBeGreaterThan(5);
    expect(distance(project(a[0]), project(a[1]))).toBeLessThan(1);
  });

  it("projects any song exactly as PCA's own predict does", () => {
    const random = seededRandom(5);
    const rows = Array.from({ length: 300 }, () => Array.from({ length: 7 }, (_, d) => (random() - 0.5) * (d + 1) + d));
    const project = fitProjection(rows);
    const pca = new PCA(rows, { center: true, scale: false });
    for (const z of [rows[0], rows[137], [3, -2, 0, 1, 5, -4, 2]]) {
      const [expected] = pca.predict([z], { nComponents: 2 }).to2DArray();
      const actual = project(z);
      expect(actual[0]).toBeCloseTo(expected[0], 9);
      expect(actual[1]).toBeCloseTo(expected[1], 9);
    }
  });
});
