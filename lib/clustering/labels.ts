import type { GenreShare } from "../catalog/genres";
import type { ClusterFeature } from "../catalog/types";

/** What a cluster holds, for catalogs with genres: its most common genres and subgenres. */
export interface ClusterGenres {
  topGenres: readonly GenreShare[];
  topSubgenres: readonly GenreShare[];
}

/** Words for a feature well above / below the catalog average. */
const TRAITS: Record<ClusterFeature, { high: string; low: string }> = {
  danceability: { high: "danceable", low: "free-flowing" },
  energy: { high: "energetic", low: "calm" },
  valence: { high: "upbeat", low: "melancholic" },
  acousticness: { high: "acoustic", low: "electric" },
  instrumentalness: { high: "instrumental", low: "vocal" },
  speechiness: { high: "rap/spoken", low: "sung" },
  tempo: { high: "fast", low: "slow" },
};

// Below this many standard deviations from the average, a trait does not describe a cluster.
const NOTABLE_Z = 0.3;

function traits(features: readonly ClusterFeature[], centroidZ: number[]): { feature: ClusterFeature; word: string }[] {
  return features
    .map((feature, d) => ({ feature, z: centroidZ[d] }))
    .filter(({ z }) => Math.abs(z) >= NOTABLE_Z)
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .map(({ feature, z }) => ({ feature, word: z > 0 ? TRAITS[feature].high : TRAITS[feature].low }));
}

/** "rap · trap": the top genre and the top subgenre, or the top two genres when there are no subgenres. */
function genreWords({ topGenres, topSubgenres }: ClusterGenres): string | null {
  const first = topGenres[0]?.genre;
  if (first === undefined) return null;
  const second = topSubgenres.find((s) => s.genre !== first)?.genre ?? topGenres[1]?.genre;
  return second === undefined ? first : `${first} · ${second}`;
}

/**
 * Short human labels such as "acoustic & calm", from each centroid's two most
 * distinctive traits. Clusters that would share a label get the trait that
 * sets each apart from the others in that group ("…, fast" / "…, slow").
 * With `genres` (one per cluster, for catalogs that have genres) a label also
 * says what the cluster holds: "fast & rap/spoken · rap · trap".
 */
export function clusterLabels(
  features: readonly ClusterFeature[],
  centroidsZ: number[][],
  genres?: readonly ClusterGenres[],
): string[] {
  const mainTraits = centroidsZ.map((c) => traits(features, c).slice(0, 2));
  const labels = mainTraits.map((t) => (t.length ? t.map((x) => x.word).join(" & ") : "middle of the road"));
  const groups = new Map<string, number[]>();
  labels.forEach((label, i) => groups.set(label, [...(groups.get(label) ?? []), i]));
  for (const [label, members] of groups) {
    if (members.length < 2) continue;
    const mean = features.map((_, d) => members.reduce((sum, i) => sum + centroidsZ[i][d], 0) / members.length);
    for (const i of members) {
      const [d, diff] = features
        .map((_, d) => [d, centroidsZ[i][d] - mean[d]] as const)
        .filter(([d]) => !mainTraits[i].some((t) => t.feature === features[d]))
        .reduce((best, x) => (Math.abs(x[1]) > Math.abs(best[1]) ? x : best));
      labels[i] = `${label}, ${diff > 0 ? TRAITS[features[d]].high : TRAITS[features[d]].low}`;
    }
  }
  if (genres !== undefined) {
    labels.forEach((label, i) => {
      const words = genres[i] === undefined ? null : genreWords(genres[i]);
      if (words !== null) labels[i] = `${label} · ${words}`;
    });
  }
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return n === 1 ? label : `${label} (${n})`;
  });
}
