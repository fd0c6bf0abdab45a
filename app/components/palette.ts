// One palette for every place a cluster has a colour: the taste mix, the map and its legend, the
// cluster tags of the list. Colours stay clear of the map's white marks (liked and recommended songs)
// and are bright enough to read on the page's near-black background.
const CLUSTER_COLORS = ["#1db954", "#f472b6", "#60a5fa", "#fb923c", "#a78bfa", "#2dd4bf", "#f87171", "#facc15", "#e879f9", "#94a3b8"];

/** A cluster's colour, the same on every chart and tag. */
export function clusterColor(clusterId: number): string {
  return CLUSTER_COLORS[clusterId % CLUSTER_COLORS.length];
}
