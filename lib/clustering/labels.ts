import type { ClusterFeature } from "../catalog/types";

/** Words for a feature well above / below the catalog average. */
const TRAITS: Record<ClusterFeature, { high: string; low: string }> = {
  danceability: { high: "danceable", low: "free-flowing" },
  energy: { high: "energetic", low: "calm" },
  valence: { high: "upbeat", low: "melancholic" },
  acousticness: { high: "acoustic", low: "electric" },
  instrumentalness: { high: "instrumental", low: "vocal" },
  speechiness: { high: "spoken & rap", low: "sung" },
  tempo: { high: "fast", low: "slow" },
};

// Below this many standard deviations from the average, a trait does not describe a cluster.
const NOTABLE_Z = 0.3;

function traits(features: readonly ClusterFeature[], centroidZ: number[]): string[] {
  return features
    .map((feature, d) => ({ feature, z: centroidZ[d] }))
    .filter(({ z }) => Math.abs(z) >= NOTABLE_Z)
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .map(({ feature, z }) => (z > 0 ? TRAITS[feature].high : TRAITS[feature].low));
}

/**
 * Short human labels such as "acoustic & calm", from each centroid's most
 * distinctive traits; a label shared by two clusters grows a third trait, then a number.
 */
export function clusterLabels(features: readonly ClusterFeature[], centroidsZ: number[][]): string[] {
  const ranked = centroidsZ.map((c) => traits(features, c));
  const labels = ranked.map((t) => (t.length ? t.slice(0, 2).join(" & ") : "middle of the road"));
  for (let round = 0; round < 2; round++) {
    const counts = new Map<string, number>();
    labels.forEach((l) => counts.set(l, (counts.get(l) ?? 0) + 1));
    labels.forEach((label, i) => {
      if ((counts.get(label) ?? 0) > 1 && ranked[i].length > 2 + round) {
        labels[i] = ranked[i].slice(0, 3 + round).join(", ").replace(/, ([^,]*)$/, " & $1");
      }
    });
  }
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return n === 1 ? label : `${label} (${n})`;
  });
}
