import { describe, expect, it } from "vitest";
import { clusterLabels } from "./labels";

const FEATURES = ["danceability", "energy", "valence", "acousticness", "instrumentalness", "speechiness", "tempo"] as const;
// Fast & rap/spoken, and acoustic & calm (z-scores).
const CENTROIDS = [
  [0, 0, 0, 0, 0, 1.5, 1.0],
  [0, -1.0, 0, 2.0, 0, 0, 0],
];

describe("clusterLabels with genres", () => {
  it("keeps the sound label without genres", () => {
    expect(clusterLabels(FEATURES, CENTROIDS)).toEqual(["rap/spoken & fast", "acoustic & calm"]);
  });

  it("adds the top genre and the top subgenre, or the top two genres without subgenres", () => {
    const labels = clusterLabels(FEATURES, CENTROIDS, [
      { topGenres: [{ genre: "rap", share: 0.6 }, { genre: "r&b", share: 0.2 }], topSubgenres: [{ genre: "trap", share: 0.4 }] },
      { topGenres: [{ genre: "folk", share: 0.5 }, { genre: "indie", share: 0.3 }], topSubgenres: [] },
    ]);
    expect(labels).toEqual(["rap/spoken & fast · rap · trap", "acoustic & calm · folk · indie"]);
  });

  it("leaves a cluster without any genre with its sound label", () => {
    const labels = clusterLabels(FEATURES, CENTROIDS, [
      { topGenres: [], topSubgenres: [] },
      { topGenres: [{ genre: "folk", share: 1 }], topSubgenres: [] },
    ]);
    expect(labels).toEqual(["rap/spoken & fast", "acoustic & calm · folk"]);
  });
});
